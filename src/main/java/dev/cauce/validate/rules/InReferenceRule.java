package dev.cauce.validate.rules;

import dev.cauce.model.References;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.ReferenceSpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code in_reference}: the record's {@code fields} (one, or several for a compound key, in the
 * reference's key order) are a key of reference {@code reference}. A record with a null in one of
 * them passes (add {@code not_null} or {@code required} to refuse nulls). Keys compare as {@link
 * ReferenceKeys} says.
 */
public record InReferenceRule(String name, String reference, List<String> fields, Severity severity, String message)
    implements RuleSpec {
  public static final RuleType TYPE =
      new RuleType("in_reference", List.of("reference", "fields"), Map.of("field", "in_reference rules take fields (a list)"),
          InReferenceRule::read);

  public InReferenceRule {
    fields = List.copyOf(fields);
  }

  static InReferenceRule read(RuleEntry e) {
    MapView m = e.map();
    String reference = m.requiredText("reference");
    List<String> fields = m.require("fields") ? m.texts("fields", "fields") : null;
    if (fields != null) {
      if (fields.isEmpty()) {
        e.problem("fields", "needs at least one field");
        fields = null;
      } else if (new HashSet<>(fields).size() != fields.size()) {
        e.problem("fields", "lists a field twice: " + fields);
        fields = null;
      } else if (e.schemaKnown()) {
        for (int i = 0; i < fields.size(); i++) {
          if (!e.fieldTypes().containsKey(fields.get(i))) {
            m.nodes().problem(SpecNodes.index(m.path("fields"), i), m.line("fields"), "\"" + fields.get(i)
                + "\" is not a schema field; schema fields: " + String.join(", ", e.fieldTypes().keySet()));
          }
        }
      }
    }
    if (reference != null && e.references() != null) {
      List<String> key = e.references().get(reference);
      if (key == null) {
        e.problem("reference", ReferenceSpec.unknown(reference, e.references().keySet()));
      } else if (fields != null && ReferenceSpec.arityProblem(fields.size(), reference, key) != null) {
        e.problem("fields", ReferenceSpec.arityProblem(fields.size(), reference, key));
      }
    }
    return reference == null || fields == null ? null : new InReferenceRule(e.name(), reference, fields, e.severity(), e.message());
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  /** The one field checked, or null for a compound key. */
  @Override
  public String field() {
    return fields.size() == 1 ? fields.get(0) : null;
  }

  /** Without references (a validator built outside a job): every record with a key fails, saying why. */
  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    return check(schema, zone, References.NONE::table);
  }

  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone, Function<String, Map<String, List<String>>> references) {
    int[] index = new int[fields.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = indexOf(schema, fields.get(i));
    }
    return row -> {
      List<Object> values = new ArrayList<>(index.length);
      for (int i : index) {
        values.add(row.getValue(i));
      }
      String key = ReferenceKeys.ofRecord(values);
      if (key == null) {
        return null;
      }
      Map<String, List<String>> table = references.apply(reference);
      if (table == null) {
        return broken("reference " + reference + " is not loaded");
      }
      return table.containsKey(key) ? null
          : fail(String.join(", ", fields) + " " + ReferenceKeys.show(values) + " is not in reference " + reference);
    };
  }

  private int indexOf(List<FieldSpec> schema, String f) {
    for (int i = 0; i < schema.size(); i++) {
      if (schema.get(i).name().equals(f)) {
        return i;
      }
    }
    throw new IllegalArgumentException(RuleValues.where(this) + ": \"" + f + "\" is not a schema field");
  }
}
