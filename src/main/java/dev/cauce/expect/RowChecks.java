package dev.cauce.expect;

import dev.cauce.model.Violation;
import dev.cauce.regex.TextMatcher;
import dev.cauce.regex.UserRegex;
import dev.cauce.spec.ExpectationSpec;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.validate.rules.ExpressionRule;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.beam.sdk.values.Row;

/**
 * The row expectations of a spec, compiled for its typed rows (GX's column map expectations). For
 * each record, each expectation either leaves it out (GX ignores nulls in all but the null checks,
 * and pairs or lists by {@code ignore_row_if}), or finds it expected or unexpected. {@link
 * #evaluate} counts a record into a {@link RowTally} and says which expectations it failed; once
 * the whole dataset's tally is known, {@link #decide} says whether those failures reject it (the
 * expectation failed, beyond its {@code mostly}) or are warnings on a kept record.
 */
public final class RowChecks {
  /** One compiled row expectation. */
  interface Check {
    /** Whether GX counts the row for this expectation (false: missing, ignored). */
    boolean considered(Row row);

    /** Whether a considered row meets it. */
    boolean passes(Row row);

    /** The row's value(s) as the partial unexpected list shows them. */
    Object shown(Row row);

    /** A uniqueness check's key of a considered row: its value, or the list of its values. */
    default Object groupKey(Row row) {
      throw new UnsupportedOperationException("not a uniqueness check");
    }
  }

  /** {@code condition}: GX's row_condition (null: every record); records it does not keep are not evaluated. */
  private record Compiled(int index, ExpectationSpec spec, Check check, BigDecimal mostly, String field,
      Predicate<Row> condition) {
    boolean applies(Row row) {
      return condition == null || condition.test(row);
    }
  }

  private final List<Compiled> checks;

  private RowChecks(List<Compiled> checks) {
    this.checks = checks;
  }

  /** The row expectations among {@code all} (skipped ones left out), compiled for {@code schema}. */
  public static RowChecks of(List<ExpectationSpec> all, List<FieldSpec> schema, ZoneId zone) {
    return of(all, schema, zone, ExpectationType.Kind.ROW);
  }

  /**
   * The uniqueness expectations among {@code all}: a record's failure is known only once the records
   * are grouped by {@link #groupKey}; {@link #count} then counts it, and {@link #decide} routes it.
   */
  public static RowChecks unique(List<ExpectationSpec> all, List<FieldSpec> schema, ZoneId zone) {
    return of(all, schema, zone, ExpectationType.Kind.UNIQUE);
  }

  private static RowChecks of(List<ExpectationSpec> all, List<FieldSpec> schema, ZoneId zone, ExpectationType.Kind kind) {
    List<Compiled> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      ExpectationSpec e = all.get(i);
      ExpectationType t = ExpectationTypes.named(e.type());
      if (e.skipped() != null || t == null || t.kind() != kind) {
        continue;
      }
      Kwargs k = new Kwargs(t, e.kwargs(), types(schema), zone, (kw, m) -> {
        throw new IllegalArgumentException("expectation " + e.id() + ": " + m);
      });
      k.check();
      BigDecimal mostly = k.number("mostly") == null ? BigDecimal.ONE : k.number("mostly");
      String condition = k.conditionExpression();
      out.add(new Compiled(i, e, compile(t.name(), k, schema), mostly, k.text("column"),
          condition == null ? null : ExpressionRule.condition(condition, schema)));
    }
    return new RowChecks(List.copyOf(out));
  }

  static Map<String, FieldType> types(List<FieldSpec> schema) {
    Map<String, FieldType> m = new LinkedHashMap<>();
    schema.forEach(f -> m.putIfAbsent(f.name(), f.type()));
    return m;
  }

  public int size() {
    return checks.size();
  }

  public boolean isEmpty() {
    return checks.isEmpty();
  }

  /** The i-th row expectation's place among all the spec's expectations. */
  public int index(int i) {
    return checks.get(i).index();
  }

  public ExpectationSpec spec(int i) {
    return checks.get(i).spec();
  }

  /**
   * Counts {@code row} (from {@code source} line {@code line}) into {@code tally}; the positions of
   * the expectations it failed, or null when it failed none.
   */
  public List<Integer> evaluate(Row row, String source, long line, RowTally tally) {
    tally.row();
    List<Integer> failed = null;
    for (int i = 0; i < checks.size(); i++) {
      Compiled compiled = checks.get(i);
      if (!compiled.applies(row)) {
        continue;
      }
      tally.element(i);
      Check c = compiled.check();
      if (!c.considered(row)) {
        continue;
      }
      boolean fails = !c.passes(row);
      tally.considered(i, fails, source, line, fails ? c.shown(row) : null);
      if (fails) {
        (failed == null ? failed = new ArrayList<>() : failed).add(i);
      }
    }
    return failed;
  }

  /** Whether the i-th check counts {@code row} (uniqueness: a non-null value, a list not ignored). */
  public boolean considered(int i, Row row) {
    return checks.get(i).applies(row) && checks.get(i).check().considered(row);
  }

  /** The i-th uniqueness check's key of a considered {@code row} (equal keys: equal values). */
  public Object groupKey(int i, Row row) {
    return checks.get(i).check().groupKey(row);
  }

  /**
   * Counts {@code row} into {@code tally} when its failures ({@code failed}, positions) are already
   * known, as they are for uniqueness once its group was seen.
   */
  public void count(Row row, List<Integer> failed, String source, long line, RowTally tally) {
    tally.row();
    for (int i = 0; i < checks.size(); i++) {
      if (!checks.get(i).applies(row)) {
        continue;
      }
      tally.element(i);
      Check c = checks.get(i).check();
      if (c.considered(row)) {
        boolean fails = failed.contains(i);
        tally.considered(i, fails, source, line, fails ? c.shown(row) : null);
      }
    }
  }

  /** What a failing record's violations are: errors reject it, warnings are counted on the kept record. */
  public record Decision(List<Violation> errors, List<Violation> warnings) {}

  /**
   * The violations of a record that failed the expectations at {@code failed}, now that the whole
   * dataset's {@code tally} is known: an expectation that failed overall (beyond its {@code
   * mostly}) and is not {@code severity: warn} rejects it; any other failure is a warning.
   */
  public Decision decide(Row row, List<Integer> failed, RowTally tally) {
    List<Violation> errors = new ArrayList<>();
    List<Violation> warnings = new ArrayList<>();
    for (int i : failed) {
      Compiled c = checks.get(i);
      Violation v = new Violation(c.spec().id(), c.spec().type(), c.field(), message(c, row));
      (!c.spec().warn() && !tally.success(i, c.mostly()) ? errors : warnings).add(v);
    }
    return new Decision(errors, warnings);
  }

  private static String message(Compiled c, Row row) {
    Map<String, Object> shownKwargs = new LinkedHashMap<>(c.spec().kwargs());
    List.of("column", "column_A", "column_B", "column_list", "result_format", "include_config", "catch_exceptions",
        "batch_id", "meta", "condition_parser").forEach(shownKwargs::remove);
    String what = c.field() != null ? c.field() + " " + show(c.check().shown(row)) : show(c.check().shown(row));
    return what + " does not meet " + c.spec().type() + (shownKwargs.isEmpty() ? "" : " " + shownKwargs);
  }

  static String show(Object v) {
    String s = v instanceof String t ? "\"" + t + "\"" : v instanceof BigDecimal b ? b.toPlainString() : String.valueOf(v);
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  /** The results (GX's shape) of the row expectations over the whole dataset's tally. */
  public List<ExpectationResult> results(RowTally tally) {
    List<ExpectationResult> out = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Compiled c = checks.get(i);
      out.add(ExpectationResult.of(c.index(), c.spec(), tally.success(i, c.mostly()), tally.result(i), null));
    }
    return out;
  }

  // ---- the checks ----------------------------------------------------------------------------

  private static Check compile(String type, Kwargs k, List<FieldSpec> schema) {
    return switch (type) {
      case "expect_column_values_to_not_be_null" -> single(schema, k, v -> true, v -> v != null);
      case "expect_column_values_to_be_null" -> single(schema, k, v -> true, v -> v == null);
      case "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set" -> {
        Set<Object> set = keys(k.list("value_set"), k.columnType("column"), k.zone());
        boolean in = type.equals("expect_column_values_to_be_in_set");
        yield single(schema, k, v -> v != null, v -> set.contains(Values.key(v)) == in);
      }
      case "expect_column_values_to_be_between" -> {
        FieldType t = k.columnType("column");
        Object lo = k.get("min_value") == null ? null : Values.specKey(k.get("min_value"), t, k.zone());
        Object hi = k.get("max_value") == null ? null : Values.specKey(k.get("max_value"), t, k.zone());
        boolean sMin = k.flag("strict_min", false);
        boolean sMax = k.flag("strict_max", false);
        yield single(schema, k, v -> v != null, v -> between(Values.key(v), lo, hi, sMin, sMax));
      }
      case "expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex" -> {
        TextMatcher p = UserRegex.matcher(k.text("regex"), false);
        boolean match = type.equals("expect_column_values_to_match_regex");
        yield single(schema, k, v -> v != null, v -> p.find((String) v) == match); // GX searches
      }
      case "expect_column_values_to_match_strftime_format" -> {
        DateTimeFormatter f = Strftime.parser(k.text("strftime_format"));
        yield single(schema, k, v -> v != null, v -> Strftime.matches(f, (String) v));
      }
      case "expect_column_value_lengths_to_be_between" -> {
        Object lo = k.number("min_value") == null ? null : Values.number(k.number("min_value"));
        Object hi = k.number("max_value") == null ? null : Values.number(k.number("max_value"));
        boolean sMin = k.flag("strict_min", false);
        boolean sMax = k.flag("strict_max", false);
        yield single(schema, k, v -> v != null,
            v -> between(Values.number(((String) v).codePointCount(0, ((String) v).length())), lo, hi, sMin, sMax));
      }
      case "expect_column_values_to_be_of_type", "expect_column_values_to_be_in_type_list" -> {
        Set<FieldType> allowed = new HashSet<>();
        if (k.text("type_") != null) {
          allowed.addAll(TypeNames.of(k.text("type_")));
        }
        if (k.list("type_list") != null) {
          k.list("type_list").forEach(n -> allowed.addAll(TypeNames.of((String) n)));
        }
        boolean ok = allowed.contains(k.columnType("column"));
        yield single(schema, k, v -> v != null, v -> ok);
      }
      case "expect_column_pair_values_A_to_be_greater_than_B", "expect_column_pair_values_to_be_equal" -> {
        int a = indexOf(schema, k.text("column_A"));
        int b = indexOf(schema, k.text("column_B"));
        String ignore = k.text("ignore_row_if") == null ? "both_values_are_missing" : k.text("ignore_row_if");
        boolean greater = type.equals("expect_column_pair_values_A_to_be_greater_than_B");
        boolean orEqual = k.flag("or_equal", false);
        yield new Check() {
          @Override
          public boolean considered(Row row) {
            boolean na = row.getValue(a) == null;
            boolean nb = row.getValue(b) == null;
            return switch (ignore) {
              case "either_value_is_missing" -> !(na || nb);
              case "neither" -> true;
              default -> !(na && nb);
            };
          }

          @Override
          public boolean passes(Row row) {
            Object va = Values.key(row.getValue(a));
            Object vb = Values.key(row.getValue(b));
            if (va == null || vb == null) {
              return false;
            }
            int c = Values.compare(va, vb);
            return greater ? c > 0 || orEqual && c == 0 : c == 0;
          }

          @Override
          public Object shown(Row row) {
            List<Object> l = new ArrayList<>();
            l.add(Values.json(Values.key(row.getValue(a))));
            l.add(Values.json(Values.key(row.getValue(b))));
            return l;
          }
        };
      }
      case "expect_multicolumn_sum_to_equal" -> {
        Columns l = new Columns(k, schema);
        int[] idx = l.idx();
        BigDecimal total = k.number("sum_total");
        yield new Check() {
          @Override
          public boolean considered(Row row) {
            return l.considered(row);
          }

          @Override
          public boolean passes(Row row) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int i : idx) {
              Object v = row.getValue(i);
              if (v == null) {
                return false; // GX sums without skipping nulls: a missing value fails the row
              }
              sum = sum.add(Values.number((Number) v));
            }
            return sum.compareTo(total) == 0;
          }

          @Override
          public Object shown(Row row) {
            return l.shown(row);
          }
        };
      }
      case "expect_column_values_to_be_unique" -> {
        int i = indexOf(schema, k.text("column"));
        yield new Check() {
          @Override
          public boolean considered(Row row) {
            return row.getValue(i) != null; // GX counts repeats among the non-null values
          }

          @Override
          public boolean passes(Row row) {
            throw new UnsupportedOperationException("a uniqueness check is judged on its group");
          }

          @Override
          public Object shown(Row row) {
            return Values.json(groupKey(row));
          }

          @Override
          public Object groupKey(Row row) {
            return Values.key(row.getValue(i));
          }
        };
      }
      case "expect_compound_columns_to_be_unique" -> {
        Columns l = new Columns(k, schema);
        int[] idx = l.idx();
        yield new Check() {
          @Override
          public boolean considered(Row row) {
            return l.considered(row);
          }

          @Override
          public boolean passes(Row row) {
            throw new UnsupportedOperationException("a uniqueness check is judged on its group");
          }

          @Override
          public Object shown(Row row) {
            return l.shown(row);
          }

          @Override
          public Object groupKey(Row row) {
            List<Object> key = new ArrayList<>(idx.length);
            for (int i : idx) {
              key.add(Values.key(row.getValue(i))); // a null is a value of the key, as pandas' duplicated()
            }
            return key;
          }
        };
      }
      default -> throw new IllegalArgumentException("no row check for " + type);
    };
  }

  /** A column_list with its ignore_row_if (default all_values_are_missing). */
  private record Columns(List<String> cols, int[] idx, String ignore) {
    Columns(Kwargs k, List<FieldSpec> schema) {
      this(k.list("column_list").stream().map(c -> (String) c).toList(), schema, k.text("ignore_row_if"));
    }

    private Columns(List<String> cols, List<FieldSpec> schema, String ignore) {
      this(cols, cols.stream().mapToInt(c -> indexOf(schema, c)).toArray(), ignore == null ? "all_values_are_missing" : ignore);
    }

    /** Whether GX counts the row: not ignored for its missing values. */
    boolean considered(Row row) {
      int nulls = 0;
      for (int i : idx) {
        nulls += row.getValue(i) == null ? 1 : 0;
      }
      return switch (ignore) {
        case "any_value_is_missing" -> nulls == 0;
        case "never" -> true;
        default -> nulls < idx.length;
      };
    }

    /** The values as GX shows them: {column: value, ...}. */
    Map<String, Object> shown(Row row) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < idx.length; i++) {
        m.put(cols.get(i), Values.json(Values.key(row.getValue(idx[i]))));
      }
      return m;
    }
  }

  /** A check on one column's value (the row's value at the column's index). */
  private static Check single(List<FieldSpec> schema, Kwargs k, Predicate<Object> considered,
      Predicate<Object> passes) {
    int i = indexOf(schema, k.text("column"));
    return new Check() {
      @Override
      public boolean considered(Row row) {
        return considered.test(row.getValue(i));
      }

      @Override
      public boolean passes(Row row) {
        return passes.test(row.getValue(i));
      }

      @Override
      public Object shown(Row row) {
        return Values.json(Values.key(row.getValue(i)));
      }
    };
  }

  static boolean between(Object v, Object lo, Object hi, boolean strictMin, boolean strictMax) {
    if (lo != null) {
      int c = Values.compare(v, lo);
      if (c < 0 || strictMin && c == 0) {
        return false;
      }
    }
    if (hi != null) {
      int c = Values.compare(v, hi);
      return !(c > 0 || strictMax && c == 0);
    }
    return true;
  }

  static Set<Object> keys(List<Object> values, FieldType type, ZoneId zone) {
    Set<Object> set = new HashSet<>();
    for (Object v : values) {
      set.add(v == null ? null : Values.specKey(v, type, zone));
    }
    return set;
  }

  static int indexOf(List<FieldSpec> schema, String field) {
    for (int i = 0; i < schema.size(); i++) {
      if (schema.get(i).name().equals(field)) {
        return i;
      }
    }
    throw new IllegalArgumentException("\"" + field + "\" is not a schema field");
  }
}
