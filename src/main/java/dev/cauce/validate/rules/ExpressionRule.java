package dev.cauce.validate.rules;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.read.YamlTree;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Predicate;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;

/**
 * {@code expression}: a boolean expression over the record's fields ({@link Expressions}). It is not
 * applied when a field it reads is null, unless it calls {@code coalesce}, {@code is_null}, {@code
 * is_not_null} or {@code if} (then it handles nulls: a null reaching another operator fails it); a result that is not a boolean, or an evaluation that fails,
 * fails the rule with a message saying so.
 */
public record ExpressionRule(String name, String expr, Severity severity, String message) implements RuleSpec {
  public static final RuleType TYPE = new RuleType("expression", List.of("expr"),
      Map.of("field", "an expression rule has no field: it reads the fields its expr names"), ExpressionRule::read);

  static ExpressionRule read(RuleEntry e) {
    String expr = null;
    if (e.map().require("expr")) {
      expr = e.map().text("expr");
      if (expr != null) {
        checkExpression(e, expr);
      }
    }
    return new ExpressionRule(e.name(), expr, e.severity(), e.message());
  }

  private static void checkExpression(RuleEntry e, String expr) {
    problems(expr, e.schemaKnown() ? e.fieldTypes() : null).forEach(p -> e.problem("expr", p));
  }

  /** What is wrong with {@code expr} over {@code fields} (null: the schema is unknown); empty when nothing. */
  public static List<String> problems(String expr, Map<String, FieldType> fields) {
    JexlScript script;
    try {
      script = Expressions.compile(expr);
    } catch (IllegalArgumentException x) {
      String shown = expr.length() > 60 ? expr.substring(0, 60) + "..." : expr;
      return List.of("invalid expression \"" + shown + "\": " + YamlTree.firstLine(x.getMessage()));
    }
    List<String> out = new ArrayList<>();
    if (fields != null) {
      for (String v : Expressions.variables(script)) {
        if (!fields.containsKey(v)) {
          out.add("expression uses \"" + v + "\", which is not a schema field; schema fields: " + String.join(", ", fields.keySet()));
        }
      }
    }
    out.addAll(ExpressionCheck.problems(script, fields != null ? fields : Map.of()));
    return out;
  }

  /**
   * {@code expr} as a condition on typed rows (GX's row_condition): true only when it evaluates to
   * true; a null field it reads (unless it handles nulls itself) or an evaluation error is false.
   */
  public static Predicate<Row> condition(String expr, List<FieldSpec> schema) {
    JexlScript script = Expressions.compile(expr);
    List<String> names = schema.stream().map(FieldSpec::name).toList();
    int[] indexes = Expressions.variables(script).stream().mapToInt(names::indexOf).toArray();
    boolean nullAware = ExpressionCheck.nullAware(expr, script);
    return row -> {
      for (int index : indexes) {
        if (index < 0 || row.getValue(index) == null && !nullAware) {
          return false;
        }
      }
      try {
        return Boolean.TRUE.equals(script.execute(new RowContext(row)));
      } catch (JexlException e) {
        return false;
      }
    };
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  /** None: an expression reads the fields it names. */
  @Override
  public String field() {
    return null;
  }

  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    String where = RuleValues.where(this);
    JexlScript script;
    try {
      script = Expressions.compile(expr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": invalid expression: " + e.getMessage(), e);
    }
    Set<String> variables = Expressions.variables(script);
    List<String> names = schema.stream().map(FieldSpec::name).toList();
    int[] indexes = new int[variables.size()];
    int i = 0;
    for (String v : variables) {
      int index = names.indexOf(v);
      if (index < 0) {
        throw new IllegalArgumentException(
            where + ": expression reads \"" + v + "\", which is not a schema field; schema fields: " + names);
      }
      indexes[i++] = index;
    }
    boolean nullAware = ExpressionCheck.nullAware(expr, script);
    return row -> {
      for (int index : indexes) {
        if (row.getValue(index) == null && !nullAware) {
          return null; // a rule over a null value is not applied, unless it handles nulls itself
        }
      }
      Object result;
      try {
        result = script.execute(new RowContext(row));
      } catch (JexlException e) {
        return broken("expression could not be evaluated (" + Expressions.describe(e) + "): " + expr + values(row, indexes));
      }
      if (result instanceof Boolean b) {
        return b ? null : fail("expression failed: " + expr + values(row, indexes));
      }
      return broken("expression did not return a boolean but "
          + (result == null ? "null" : result.getClass().getSimpleName() + " " + result) + ": " + expr + values(row, indexes));
    };
  }

  /** The values of the fields an expression read, as in {@code (fare = 10, note = "x")}. */
  private static String values(Row row, int[] indexes) {
    StringJoiner j = new StringJoiner(", ", " (", ")");
    for (int index : indexes) {
      j.add(row.getSchema().getField(index).getName() + " = " + RuleValues.show(RowContext.expressionValue(row.getValue(index))));
    }
    return j.toString();
  }
}
