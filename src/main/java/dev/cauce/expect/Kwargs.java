package dev.cauce.expect;

import dev.cauce.expect.ExpectationType.Arg;
import dev.cauce.expect.ExpectationType.ArgType;
import dev.cauce.regex.UserRegex;
import dev.cauce.spec.FieldType;
import dev.cauce.validate.rules.ExpressionRule;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One expectation's kwargs checked against its type and the schema: every problem is told to
 * {@link Problems} with the kwarg it is about (null: the expectation as a whole), and checking goes
 * on. The same accessors serve the compiled checks once the kwargs passed.
 */
public final class Kwargs {
  /** Where problems go. */
  @FunctionalInterface
  public interface Problems {
    void problem(String kwarg, String message);
  }

  /** Kwargs every GX expectation may carry that change nothing in cauce. */
  public static final List<String> IGNORED = List.of("result_format", "include_config", "catch_exceptions", "batch_id", "meta");
  /** Kwargs GX has that cauce refuses when set: they would change what is checked. */
  public static final Map<String, String> REFUSED = Map.of(
      "parse_strings_as_datetimes", "parse_strings_as_datetimes is not supported: declare the column as date or timestamp in the schema",
      "output_strftime_format", "output_strftime_format is not supported");
  public static final List<String> INTERPOLATIONS = List.of("linear", "lower", "higher", "midpoint", "nearest");
  public static final List<String> PAIR_IGNORE = List.of("both_values_are_missing", "either_value_is_missing", "neither");
  public static final List<String> LIST_IGNORE = List.of("all_values_are_missing", "any_value_is_missing", "never");

  private final ExpectationType type;
  private final Map<String, Object> values;
  private final Map<String, FieldType> fields;
  private final ZoneId zone;
  private final Problems problems;
  private boolean ok = true;

  /** {@code fields}: the schema's fields and types; null when the schema is unknown (no field checks). */
  public Kwargs(ExpectationType type, Map<String, Object> values, Map<String, FieldType> fields, ZoneId zone, Problems problems) {
    this.type = type;
    this.values = values;
    this.fields = fields;
    this.zone = zone;
    this.problems = (k, m) -> {
      ok = false;
      problems.problem(k, m);
    };
  }

  /** Checks every kwarg; true when none has a problem. */
  public boolean check() {
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String k = e.getKey();
      if (type.arg(k) != null || IGNORED.contains(k)) {
        continue;
      }
      if (k.equals("row_condition") || k.equals("condition_parser")) {
        condition(k, e.getValue());
        continue;
      }
      if (REFUSED.containsKey(k)) {
        if (e.getValue() != null && !Boolean.FALSE.equals(e.getValue())) {
          problem(k, REFUSED.get(k));
        }
        continue;
      }
      problem(k, "unknown kwarg \"" + k + "\" for " + type.name() + "; it takes " + String.join(", ", type.argNames()));
    }
    for (Arg a : type.args()) {
      Object v = values.get(a.name());
      if (v == null) {
        if (a.required()) {
          problem(a.name(), "missing kwarg \"" + a.name() + "\" (" + type.name() + " takes " + String.join(", ", type.argNames()) + ")");
        }
        continue;
      }
      checkType(a, v);
    }
    if (ok) {
      type.semantics().check(this);
    }
    return ok;
  }

  /** GX's row_condition (row and uniqueness types): a supported form for its parser, a valid cauce expression. */
  private void condition(String k, Object v) {
    if (v == null || k.equals("condition_parser") && !values.containsKey("row_condition")) {
      return;
    }
    if (type.kind() == ExpectationType.Kind.AGGREGATE) {
      problem(k, k + " is supported on row and uniqueness expectations only (GX's map expectations); for a dataset"
          + " figure over some records, filter them with validate rules");
      return;
    }
    if (k.equals("condition_parser")) {
      if (!RowCondition.PARSERS.contains(v)) {
        problem(k, "unknown condition_parser \"" + v + "\"; allowed: " + String.join(", ", RowCondition.PARSERS));
      }
      return;
    }
    if (!(v instanceof String text)) {
      problem(k, "row_condition must be a string");
      return;
    }
    String expr;
    try {
      expr = conditionExpression();
    } catch (IllegalArgumentException e) {
      problem(k, e.getMessage());
      return;
    }
    for (String p : ExpressionRule.problems(expr, fields)) {
      problem(k, "row_condition \"" + text + "\": " + p);
    }
  }

  /** The row_condition as a cauce expression, or null when there is none. */
  public String conditionExpression() {
    String text = text("row_condition");
    if (text == null) {
      return null;
    }
    Object parser = values.get("condition_parser");
    return RowCondition.expression(text, parser instanceof String p ? p : "great_expectations");
  }

  public void problem(String kwarg, String message) {
    problems.problem(kwarg, message);
  }

  private void checkType(Arg a, Object v) {
    String k = a.name();
    switch (a.type()) {
      case COLUMN -> {
        if (text(k, v)) {
          column(k, (String) v);
        }
      }
      case COLUMNS -> {
        List<String> names = names(k, v);
        if (names != null && names.isEmpty()) {
          problem(k, k + " must name at least one column");
        }
        if (names != null) {
          names.forEach(n -> column(k, n));
        }
      }
      case NAME -> text(k, v);
      case NAMES -> names(k, v);
      case VALUE -> {
        if (v instanceof List || v instanceof Map) {
          problem(k, k + " must be a single value, got a " + (v instanceof List ? "list" : "map"));
        }
      }
      case VALUES -> {
        if (!(v instanceof List<?> l) || l.stream().anyMatch(x -> x instanceof List || x instanceof Map)) {
          problem(k, k + " must be a list of values");
        }
      }
      case NUMBER -> number(k, v);
      case COUNT -> {
        if (number(k, v) && (((BigDecimal) v).signum() < 0 || ((BigDecimal) v).stripTrailingZeros().scale() > 0)) {
          problem(k, k + " must be a whole number of 0 or more, got " + ((BigDecimal) v).toPlainString());
        }
      }
      case BOOLEAN -> {
        if (!(v instanceof Boolean)) {
          problem(k, k + " must be true or false, got " + describe(v));
        }
      }
      case RATIO -> {
        if (number(k, v) && (((BigDecimal) v).signum() < 0 || ((BigDecimal) v).compareTo(BigDecimal.ONE) > 0)) {
          problem(k, k + " must be between 0 and 1, got " + ((BigDecimal) v).toPlainString());
        }
      }
      case REGEX -> {
        if (text(k, v)) {
          String p = UserRegex.problem((String) v);
          if (p != null) {
            problem(k, p);
          }
        }
      }
      case STRFTIME -> {
        if (text(k, v)) {
          String p = Strftime.problem((String) v);
          if (p != null) {
            problem(k, p);
          }
        }
      }
      case TYPE_NAME -> {
        if (text(k, v)) {
          typeName(k, (String) v);
        }
      }
      case TYPE_NAMES -> {
        List<String> names = names(k, v);
        if (names != null) {
          names.forEach(n -> typeName(k, n));
        }
      }
      case QUANTILE_RANGES -> quantileRanges(k, v);
      case INTERPOLATION -> {
        boolean fine = v instanceof Boolean || v instanceof String s && INTERPOLATIONS.contains(s)
            || v instanceof BigDecimal b && b.signum() >= 0 && b.compareTo(BigDecimal.ONE) <= 0;
        if (!fine) {
          problem(k, k + " must be false, a relative error between 0 and 1, or one of " + String.join(", ", INTERPOLATIONS)
              + "; got " + describe(v));
        }
      }
      case PAIR_IGNORE -> oneOf(k, v, PAIR_IGNORE);
      case LIST_IGNORE -> oneOf(k, v, LIST_IGNORE);
    }
  }

  private void oneOf(String k, Object v, List<String> allowed) {
    if (!(v instanceof String s) || !allowed.contains(s)) {
      problem(k, k + " must be one of " + String.join(", ", allowed) + "; got " + describe(v));
    }
  }

  private void typeName(String k, String n) {
    if (TypeNames.of(n) == null) {
      problem(k, "unknown type name \"" + n + "\"; known names include " + TypeNames.examples());
    }
  }

  private void quantileRanges(String k, Object v) {
    if (!(v instanceof Map<?, ?> m) || !(m.get("quantiles") instanceof List<?> qs) || !(m.get("value_ranges") instanceof List<?> rs)) {
      problem(k, k + " must be a map with the lists quantiles and value_ranges");
      return;
    }
    if (qs.size() != rs.size() || qs.isEmpty()) {
      problem(k, k + ": quantiles and value_ranges must be non-empty lists of one length, got " + qs.size() + " and " + rs.size());
      return;
    }
    for (Object q : qs) {
      if (!(q instanceof BigDecimal b) || b.signum() < 0 || b.compareTo(BigDecimal.ONE) > 0) {
        problem(k, k + ".quantiles must be numbers between 0 and 1, got " + describe(q));
      }
    }
    for (Object r : rs) {
      if (!(r instanceof List<?> pair) || pair.size() != 2 || pair.stream().anyMatch(x -> x != null && !(x instanceof BigDecimal))) {
        problem(k, k + ".value_ranges must be pairs [min, max] of numbers or null, got " + describe(r));
      }
    }
  }

  private boolean text(String k, Object v) {
    if (v instanceof String) {
      return true;
    }
    problem(k, k + " must be a string, got " + describe(v));
    return false;
  }

  private boolean number(String k, Object v) {
    if (v instanceof BigDecimal) {
      return true;
    }
    problem(k, k + " must be a number, got " + describe(v));
    return false;
  }

  private List<String> names(String k, Object v) {
    if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
      List<String> out = new ArrayList<>();
      l.forEach(x -> out.add((String) x));
      return out;
    }
    problem(k, k + " must be a list of names, got " + describe(v));
    return null;
  }

  private void column(String k, String name) {
    if (fields != null && !fields.containsKey(name)) {
      problem(k, "\"" + name + "\" is not a schema field; schema fields: " + String.join(", ", fields.keySet()));
    }
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "the string \"" + s + "\"";
    }
    if (v instanceof BigDecimal b) {
      return "the number " + b.toPlainString();
    }
    if (v instanceof List) {
      return "a list";
    }
    return v instanceof Map ? "a map" : String.valueOf(v);
  }

  // ---- accessors (after check) -------------------------------------------------------------

  public Object get(String k) {
    return values.get(k);
  }

  public String text(String k) {
    return values.get(k) instanceof String s ? s : null;
  }

  public BigDecimal number(String k) {
    return values.get(k) instanceof BigDecimal b ? b : null;
  }

  public boolean flag(String k, boolean dflt) {
    return values.get(k) instanceof Boolean b ? b : dflt;
  }

  @SuppressWarnings("unchecked")
  public List<Object> list(String k) {
    return values.get(k) instanceof List<?> l ? (List<Object>) l : null;
  }

  /** The type of the column a kwarg names; null when the schema is unknown or it is no field. */
  public FieldType columnType(String k) {
    String c = text(k);
    return c == null || fields == null ? null : fields.get(c);
  }

  public ZoneId zone() {
    return zone;
  }

  // ---- semantic checks -------------------------------------------------------------------

  /** The column kwarg {@code k} names must be of a type {@code fits} accepts. */
  public void columnOf(String k, Predicate<FieldType> fits, String what) {
    FieldType t = columnType(k);
    if (t != null && !fits.test(t)) {
      problem(k, type.name() + " needs " + what + " column; " + text(k) + " is " + t.specName());
    }
  }

  /**
   * min_value / max_value: in the column's type when {@code inColumnType}, else numbers; at least
   * one when {@code needOne}; min not above max (nor equal when a bound is strict).
   */
  public void bounds(String column, boolean inColumnType, boolean needOne) {
    Object lo = bound("min_value", column, inColumnType);
    Object hi = bound("max_value", column, inColumnType);
    if (needOne && get("min_value") == null && get("max_value") == null) {
      problem(null, type.name() + " needs min_value, max_value or both");
    }
    if (lo != null && hi != null) {
      int c = Values.compare(lo, hi);
      if (c > 0) {
        problem("max_value", "max_value is less than min_value");
      } else if (c == 0 && (flag("strict_min", false) || flag("strict_max", false))) {
        problem("max_value", "the range is empty: min_value and max_value are equal and a bound is strict");
      }
    }
  }

  private Object bound(String k, String column, boolean inColumnType) {
    Object v = get(k);
    if (v == null) {
      return null;
    }
    if (!inColumnType) {
      return number(k, v) ? Values.number((BigDecimal) v) : null;
    }
    FieldType t = columnType(column);
    if (t == null) {
      return null;
    }
    Object key = Values.specKey(v, t, zone);
    if (key == null) {
      problem(k, k + " must be " + Values.expected(t) + " for " + t.specName() + " column " + text(column) + ", got " + describe(v));
    }
    return key;
  }

  /** Every value of list kwarg {@code k} fits the column's type. */
  public void valuesFit(String k, String column) {
    FieldType t = columnType(column);
    List<Object> l = list(k);
    if (t == null || l == null) {
      return;
    }
    for (Object v : l) {
      if (v != null && Values.specKey(v, t, zone) == null) {
        problem(k, k + " values must be " + Values.expected(t) + " for " + t.specName() + " column " + text(column)
            + ", got " + describe(v));
        return;
      }
    }
  }

  /** The columns of list kwarg {@code k} are all of a type {@code fits} accepts. */
  public void columnsOf(String k, Predicate<FieldType> fits, String what) {
    List<Object> l = list(k);
    if (l == null || fields == null) {
      return;
    }
    for (Object c : l) {
      FieldType t = fields.get((String) c);
      if (t != null && !fits.test(t)) {
        problem(k, type.name() + " needs " + what + " columns; " + c + " is " + t.specName());
      }
    }
  }
}
