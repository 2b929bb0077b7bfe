package dev.cauce.validate;

import dev.cauce.clean.FieldCast;
import dev.cauce.model.Reasons;
import dev.cauce.model.References;
import dev.cauce.model.Result;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.LookupSpec;
import dev.cauce.spec.ReferenceSpec;
import dev.cauce.validate.rules.ReferenceKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;

/**
 * The schema fields' {@code lookup}s on a typed row (after the derived fields): each sets its field
 * to the reference column's value, cast to the field's type as cleaning converts text (the field's
 * {@code clean} formats apply), from the row whose key is the record's {@code on} fields. A key with
 * a null looks nothing up; a key not in the reference is a miss: the field stays null, or the record
 * is rejected ({@code on_missing: reject}, reason {@code lookup_missed}). Each outcome is told to a
 * {@link Tally}. Immutable and thread-safe; the tables come from {@link References} at each call.
 */
public final class Lookups {
  /** Told of each lookup's outcome (the job counts them). */
  public interface Tally {
    void filled(String field);

    void missed(String field);
  }

  public static final Tally NO_TALLY = new Tally() {
    @Override
    public void filled(String field) {}

    @Override
    public void missed(String field) {}
  };

  private record Compiled(int index, String field, LookupSpec spec, int[] on, int column, FieldCast cast) {}

  private final List<Compiled> lookups;
  private final References references;

  private Lookups(List<Compiled> lookups, References references) {
    this.lookups = lookups;
    this.references = references;
  }

  /** Whether the spec has a lookup. */
  public static boolean any(PipelineSpec spec) {
    return spec.schema().stream().anyMatch(f -> f.lookup() != null);
  }

  /**
   * Compiles the spec's lookups.
   *
   * @throws IllegalArgumentException when a lookup's reference is not declared or its header not read
   *     (the plan reads it), or the column is not in it
   */
  public static Lookups create(PipelineSpec spec, References references) {
    List<FieldSpec> schema = spec.schema();
    List<String> names = spec.fieldNames();
    List<Compiled> compiled = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      FieldSpec f = schema.get(i);
      LookupSpec l = f.lookup();
      if (l == null) {
        continue;
      }
      String where = "schema." + f.name() + ".lookup";
      ReferenceSpec ref = spec.reference(l.reference());
      if (ref == null || ref.columns() == null) {
        throw new IllegalArgumentException(where + ": reference " + l.reference() + (ref == null ? " is not declared" : " has not been read"));
      }
      int column = ref.columnIndex(l.column());
      if (column < 0) {
        throw new IllegalArgumentException(where + ": reference " + ref.name() + " has no column " + l.column());
      }
      int[] on = l.on().stream().mapToInt(names::indexOf).toArray();
      compiled.add(new Compiled(i, f.name(), l, on, column,
          FieldCast.of(f.type(), spec.clean() == null ? PipelineSpec.FieldCleaning.NONE : spec.clean().forField(f.name()),
              Validator.zone(spec), where)));
    }
    return new Lookups(List.copyOf(compiled), references);
  }

  /** The row with its looked-up fields set, or the rejection of a miss that rejects. */
  public Result<Row> apply(Row typed, Tally tally) {
    if (lookups.isEmpty()) {
      return Result.ok(typed);
    }
    List<Object> values = new ArrayList<>(typed.getValues());
    List<Violation> violations = null;
    for (Compiled l : lookups) {
      List<Object> key = new ArrayList<>(l.on.length);
      for (int i : l.on) {
        key.add(values.get(i));
      }
      String k = ReferenceKeys.ofRecord(key);
      if (k == null) {
        continue;
      }
      Map<String, List<String>> table = references.table(l.spec.reference());
      List<String> row = table == null ? null : table.get(k);
      String problem = null;
      if (row == null) {
        tally.missed(l.field);
        if (l.spec.reject()) {
          problem = String.join(", ", l.spec.on()) + " " + ReferenceKeys.show(key) + " is not in reference " + l.spec.reference();
        }
      } else {
        try {
          values.set(l.index, l.cast.cast(row.get(l.column)));
          tally.filled(l.field);
        } catch (IllegalArgumentException e) {
          problem = "column " + l.spec.column() + " of reference " + l.spec.reference() + " for " + ReferenceKeys.show(key) + ": "
              + e.getMessage();
        }
      }
      if (problem != null) {
        (violations == null ? violations = new ArrayList<>() : violations)
            .add(Violation.ofField(Reasons.LOOKUP_MISSED, "lookup", l.field, l.field + ": " + problem));
      }
    }
    return violations != null ? Result.rejected(violations) : Result.ok(Row.withSchema(typed.getSchema()).attachValues(values));
  }
}
