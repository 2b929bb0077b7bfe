package dev.cauce.validate.rules;

import dev.cauce.clean.FieldCast;
import dev.cauce.model.Reasons;
import dev.cauce.model.Result;
import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;

/**
 * Derived fields ({@code derive:} on a schema field): after cleaning, each derived field, in schema
 * order, is its expression ({@link Expressions}) over the cleaned fields and the derived fields before
 * it, cast to its type ({@link FieldCast}). A derivation reading a null field is null (then the field's
 * clean default, if any, applies). One that fails,
 * or whose result does not fit the type, rejects the record ({@link Reasons#DERIVE_FAILED}, naming the
 * field and the values read). Immutable and thread-safe.
 */
public final class Derivation {
  private record Derived(int index, String name, String expr, JexlScript script, int[] reads, FieldCast cast) {}

  private final List<Derived> derived;

  private Derivation(List<Derived> derived) {
    this.derived = derived;
  }

  /** Whether the spec has derived fields. */
  public static boolean any(PipelineSpec spec) {
    return spec.schema().stream().anyMatch(FieldSpec::derived);
  }

  /** The problems of a derivation of a {@code target} field reading {@code readable} fields (empty when none). */
  public static List<String> problems(String expr, Map<String, FieldType> readable, FieldType target) {
    JexlScript script;
    try {
      script = Expressions.compile(expr);
    } catch (IllegalArgumentException e) {
      String shown = expr.length() > 60 ? expr.substring(0, 60) + "..." : expr;
      return List.of("invalid expression \"" + shown + "\": " + e.getMessage().lines().findFirst().orElse(""));
    }
    List<String> problems = new ArrayList<>();
    for (String v : Expressions.variables(script)) {
      if (!readable.containsKey(v)) {
        problems.add("derive reads \"" + v + "\", which is no field read from the source or derived before it; "
            + "readable fields: " + String.join(", ", readable.keySet()));
      }
    }
    problems.addAll(ExpressionCheck.derivationProblems(script, readable, target));
    return problems;
  }

  /**
   * Compiles a spec's derivations.
   *
   * @throws IllegalArgumentException when an expression is invalid (the spec loader refuses these first)
   */
  public static Derivation create(PipelineSpec spec) {
    CleanSpec clean = spec.clean() == null ? CleanSpec.defaults() : spec.clean();
    ZoneId zone = ZoneId.of(clean.timezone() == null || clean.timezone().isBlank() ? "UTC" : clean.timezone());
    List<String> names = spec.fieldNames();
    List<Derived> derived = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      FieldSpec f = spec.schema().get(i);
      if (!f.derived()) {
        continue;
      }
      String where = "schema." + f.name() + ".derive";
      JexlScript script;
      try {
        script = Expressions.compile(f.derive());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": invalid expression: " + e.getMessage(), e);
      }
      int[] reads = Expressions.variables(script).stream().mapToInt(names::indexOf).toArray();
      for (int r : reads) {
        if (r < 0) {
          throw new IllegalArgumentException(where + ": reads a name that is not a schema field: " + f.derive());
        }
      }
      derived.add(new Derived(i, f.name(), f.derive(), script, reads,
          FieldCast.of(f.type(), clean.forField(f.name()), zone, "clean.fields." + f.name())));
    }
    return new Derivation(List.copyOf(derived));
  }

  /** The typed row with its derived fields computed, or the violations of those that failed. */
  public Result<Row> apply(Row typed) {
    List<Object> values = new ArrayList<>(typed.getValues());
    List<Violation> violations = null;
    for (Derived d : derived) {
      Object value = null;
      try {
        value = compute(d, typed, values);
      } catch (JexlException | IllegalArgumentException | ArithmeticException | StackOverflowError e) {
        String why = e instanceof JexlException j ? Expressions.describe(j) : String.valueOf(e.getMessage());
        (violations == null ? violations = new ArrayList<>() : violations).add(Violation.ofField(
            Reasons.DERIVE_FAILED, "derive", d.name(),
            d.name() + ": derive " + d.expr() + " failed: " + why + shown(typed, values, d.reads())));
      }
      if (value != null) {
        values.set(d.index(), value); // else the cleaner's value stays: the field's clean default, or null
      }
    }
    if (violations != null) {
      return Result.rejected(violations);
    }
    return Result.ok(Row.withSchema(typed.getSchema()).attachValues(values));
  }

  private static Object compute(Derived d, Row typed, List<Object> values) {
    for (int r : d.reads()) {
      if (values.get(r) == null) {
        return null; // a derivation over a null value is null
      }
    }
    return d.cast().cast(d.script().execute(new ValuesContext(typed, values)));
  }

  /** The values a derivation read, as in {@code (city = "San Francisco CA")}. */
  private static String shown(Row typed, List<Object> values, int[] reads) {
    StringJoiner j = new StringJoiner(", ", " (", ")");
    j.setEmptyValue("");
    for (int r : reads) {
      j.add(typed.getSchema().getField(r).getName() + " = " + RuleValues.show(RowContext.expressionValue(values.get(r))));
    }
    return j.toString();
  }

  /** The fields computed so far, read-only. */
  private record ValuesContext(Row typed, List<Object> values) implements JexlContext {
    @Override
    public Object get(String name) {
      return has(name) ? RowContext.expressionValue(values.get(typed.getSchema().indexOf(name))) : null;
    }

    @Override
    public void set(String name, Object value) {
      throw new UnsupportedOperationException("an expression cannot assign " + name);
    }

    @Override
    public boolean has(String name) {
      return typed.getSchema().hasField(name);
    }
  }
}
