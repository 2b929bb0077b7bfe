package dev.cauce.validate.rules;

import static dev.cauce.validate.rules.RuleValues.canonicalNumber;
import static dev.cauce.validate.rules.RuleValues.show;

import dev.cauce.clean.Temporals;
import dev.cauce.clean.TypedValues;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code in}: the field's value is one of {@code values} ({@code ignore_case} optional; booleans
 * always ignore case). Values compare in canonical text: numbers without trailing zeros (so {@code
 * 1.0} is {@code 1}), dates and timestamps in ISO form.
 */
public record InRule(String name, String field, List<String> values, boolean ignoreCase, Severity severity, String message)
    implements RuleSpec {
  public static final RuleType TYPE = new RuleType("in", List.of("field", "values", "ignore_case"), Map.of(), InRule::read);

  public InRule {
    values = values == null ? List.of() : List.copyOf(values);
  }

  static InRule read(RuleEntry e) {
    MapView m = e.map();
    boolean ok = true;
    List<String> values = List.of();
    if (m.require("values")) {
      List<String> vs = m.texts("values", "allowed values");
      if (vs == null) {
        ok = false;
      } else {
        values = vs;
        if (vs.isEmpty()) {
          e.problem("values", "needs at least one value");
        }
        checkValues(e);
      }
    }
    Boolean ignoreCase = m.bool("ignore_case", false);
    return ok && ignoreCase != null
        ? new InRule(e.name(), e.field(), values, ignoreCase, e.severity(), e.message())
        : null;
  }

  /** Each value must convert to the field's type. */
  private static void checkValues(RuleEntry e) {
    FieldType type = e.fieldType();
    if (type == null || type == FieldType.STRING) {
      return;
    }
    MapView m = e.map();
    List<Node> items = ((ListNode) m.get("values")).items();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof ScalarNode s && !s.isNull()) {
        String p = TypedValues.conversionProblem(type, FieldCleaning.NONE, e.zone(), s.text());
        if (p != null) {
          m.nodes().problem(SpecNodes.index(m.path("values"), i), s.line(), "value \"" + s.text() + "\" " + p
              + " (field " + e.field() + " is " + type.specName() + ")");
        }
      }
    }
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    int index = RuleValues.index(schema, this);
    FieldType type = schema.get(index).type();
    Set<String> allowed =
        ignoreCase || type == FieldType.BOOLEAN ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : new HashSet<>();
    for (String v : values) {
      allowed.add(normalize(v, type, zone));
    }
    return row -> {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      String key = type.isNumeric() && !(raw instanceof Double d && (d.isNaN() || d.isInfinite()))
          ? canonicalNumber(RuleValues.toBigDecimal(raw))
          : RuleValues.text(raw);
      return allowed.contains(key) ? null : fail(field + " " + show(raw) + " is not one of " + values);
    };
  }

  /** A spec value in the canonical text form of the field's type (as written when it does not parse). */
  private static String normalize(String v, FieldType type, ZoneId zone) {
    String t = v.trim();
    try {
      return switch (type) {
        case INT, LONG, DOUBLE, DECIMAL -> canonicalNumber(new BigDecimal(t));
        case DATE -> Temporals.parseIsoDate(t).toString();
        case TIMESTAMP -> Temporals.parseIsoInstant(t, zone).toString();
        default -> v;
      };
    } catch (NumberFormatException | DateTimeException e) {
      return v;
    }
  }
}
