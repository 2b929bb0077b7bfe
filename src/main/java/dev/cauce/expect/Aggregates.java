package dev.cauce.expect;

import dev.cauce.spec.ExpectationSpec;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.values.Row;

/**
 * The dataset expectations of a spec (GX's table and column aggregate expectations),
 * over the records a run publishes. A combiner builds one {@link Profile} from the rows ({@link
 * #add}, {@link Profile#merge}); {@link #results} then judges every expectation on it as GX does
 * with pandas: the median of an even count is the mean of the middle two, stdev is the sample
 * one (n - 1), quantiles use pandas' {@code nearest} interpolation unless {@code
 * allow_relative_error} names another, nulls are left out of every column figure. Every figure
 * is exact up to the expectations' {@code exact_limit} values of a column; beyond it a median or
 * quantile is read from a {@link LogSketch} (within 1% relative, said in the result), and distinct
 * value counts stop the run with a clear error.
 */
public final class Aggregates {
  private static final MathContext MC = MathContext.DECIMAL64;

  private record Compiled(int index, ExpectationSpec spec, Kwargs k, int column) {}

  private final List<Compiled> all;
  private final List<String> names;
  private final Map<Integer, boolean[]> needs; // column → {sums, values, counts}
  private final Map<Integer, Long> limits;
  private final Map<Integer, Long> countsLimits;
  private final Map<Integer, Boolean> countsOnlyNumber;
  private final Map<Integer, String> countsFor;
  private final ZoneId zone;

  private Aggregates(List<Compiled> all, List<String> names, Map<Integer, boolean[]> needs, Map<Integer, Long> limits,
      Map<Integer, Long> countsLimits, Map<Integer, Boolean> countsOnlyNumber, Map<Integer, String> countsFor, ZoneId zone) {
    this.all = all;
    this.names = names;
    this.needs = needs;
    this.limits = limits;
    this.countsLimits = countsLimits;
    this.countsOnlyNumber = countsOnlyNumber;
    this.countsFor = countsFor;
    this.zone = zone;
  }

  public static Aggregates of(List<ExpectationSpec> specs, List<FieldSpec> schema, ZoneId zone) {
    Map<String, FieldType> types = RowChecks.types(schema);
    List<Compiled> out = new ArrayList<>();
    Map<Integer, boolean[]> needs = new TreeMap<>();
    Map<Integer, Long> limits = new TreeMap<>();
    Map<Integer, Long> countsLimits = new TreeMap<>();
    Map<Integer, Boolean> countsOnlyNumber = new TreeMap<>();
    Map<Integer, String> countsFor = new TreeMap<>();
    for (int i = 0; i < specs.size(); i++) {
      ExpectationSpec e = specs.get(i);
      ExpectationType t = ExpectationTypes.named(e.type());
      if (e.skipped() != null || t == null || t.kind() != ExpectationType.Kind.AGGREGATE) {
        continue;
      }
      Kwargs k = new Kwargs(t, e.kwargs(), types, zone, (kw, m) -> {
        throw new IllegalArgumentException("expectation " + e.id() + ": " + m);
      });
      k.check();
      int column = -1;
      if (!t.name().equals("expect_column_to_exist") && k.text("column") != null) {
        column = RowChecks.indexOf(schema, k.text("column"));
        boolean[] n = needs.computeIfAbsent(column, c -> new boolean[3]);
        String stat = t.name();
        n[0] |= stat.contains("_mean_") || stat.contains("_sum_") || stat.contains("_stdev_");
        boolean values = stat.contains("_median_") || stat.contains("_quantile_");
        boolean counts = stat.contains("unique_value") || stat.contains("distinct") || stat.contains("most_common");
        n[1] |= values;
        n[2] |= counts;
        if (values) { // the smallest limit of the column's expectations
          limits.merge(column, e.exactLimit(), Math::min);
        }
        if (counts) { // the same for its distinct values
          countsLimits.merge(column, e.exactLimit(), Math::min);
          boolean number = stat.contains("unique_value"); // only their number: a sketch can tell it
          countsOnlyNumber.merge(column, number, Boolean::logicalAnd);
          if (!number) { // the first that needs every distinct value: named when they are too many
            countsFor.putIfAbsent(column, e.id());
          }
        }
      }
      out.add(new Compiled(i, e, k, column));
    }
    return new Aggregates(List.copyOf(out), schema.stream().map(FieldSpec::name).toList(), needs, limits, countsLimits, countsOnlyNumber, countsFor, zone);
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** An empty profile for these expectations. */
  public Profile profile() {
    Profile p = new Profile();
    needs.forEach((c, n) -> {
      Profile.Column col = new Profile.Column(n[0], n[1], n[2], limits.getOrDefault(c, ExpectationSpec.EXACT_LIMIT),
          countsLimits.getOrDefault(c, ExpectationSpec.EXACT_LIMIT), countsFor.get(c));
      col.countsApproximable = countsOnlyNumber.getOrDefault(c, false);
      p.columns.put(c, col);
    });
    return p;
  }

  /** Counts one published row into {@code p}. */
  public void add(Profile p, Row row) {
    p.rows++;
    for (Map.Entry<Integer, Profile.Column> e : p.columns.entrySet()) {
      Object v = row.getValue(e.getKey());
      if (v != null) {
        e.getValue().add(Values.key(v));
      }
    }
  }

  /** Every dataset expectation judged on the whole dataset's profile, in spec order. */
  public List<ExpectationResult> results(Profile p) {
    List<ExpectationResult> out = new ArrayList<>();
    for (Compiled c : all) {
      out.add(result(c, p));
    }
    return out;
  }

  private ExpectationResult result(Compiled c, Profile p) {
    Kwargs k = c.k();
    Profile.Column col = c.column() < 0 ? null : p.columns.get(c.column());
    String type = c.spec().type();
    Map<String, Object> r = new LinkedHashMap<>();
    boolean success;
    String note = null;
    switch (type) {
      case "expect_table_row_count_to_be_between" -> {
        r.put("observed_value", p.rows);
        success = between(Values.number(p.rows), k);
      }
      case "expect_table_row_count_to_equal" -> {
        r.put("observed_value", p.rows);
        success = Values.number(p.rows).compareTo(Values.number(k.number("value"))) == 0;
      }
      case "expect_table_columns_to_match_ordered_list" -> {
        r.put("observed_value", names);
        success = names.equals(k.list("column_list"));
      }
      case "expect_table_columns_to_match_set" -> {
        r.put("observed_value", names);
        Set<Object> expected = new HashSet<>(k.list("column_set"));
        success = k.flag("exact_match", true) ? expected.equals(new HashSet<>(names)) : names.containsAll(expected);
      }
      case "expect_column_to_exist" -> {
        int at = names.indexOf(k.text("column"));
        success = at >= 0 && (k.number("column_index") == null || k.number("column_index").intValue() == at);
      }
      case "expect_column_min_to_be_between", "expect_column_max_to_be_between" -> {
        Object v = type.contains("_min_") ? col.min : col.max;
        r.put("observed_value", Values.json(v));
        success = v != null ? between(v, k, columnType(k)) : noBounds(k);
      }
      case "expect_column_mean_to_be_between" -> {
        BigDecimal v = col.nonNull == 0 ? null : col.sum.divide(BigDecimal.valueOf(col.nonNull), MC);
        success = observedNumber(r, v, k);
      }
      case "expect_column_sum_to_be_between" -> success = observedNumber(r, col.sum, k);
      case "expect_column_median_to_be_between" -> {
        success = observedNumber(r, median(ranked(col)), k);
        note = approximate(r, col, Map.of());
      }
      case "expect_column_stdev_to_be_between" -> {
        BigDecimal v = null;
        if (col.nonNull >= 2) {
          BigDecimal n = BigDecimal.valueOf(col.nonNull);
          // 34 digits on the way, rounded once to 16: the figure is then the exact one, correctly rounded
          BigDecimal var = col.sumOfSquares.subtract(col.sum.multiply(col.sum).divide(n, MathContext.DECIMAL128))
              .divide(n.subtract(BigDecimal.ONE), MathContext.DECIMAL128);
          v = var.signum() <= 0 ? BigDecimal.ZERO : var.sqrt(MathContext.DECIMAL128).round(MC);
        }
        success = observedNumber(r, v, k);
      }
      case "expect_column_unique_value_count_to_be_between" -> {
        long distinct = col.distinct != null ? col.distinct.estimate() : col.counts.size();
        r.put("observed_value", distinct);
        success = between(Values.number(distinct), k);
        note = approximateDistinct(r, col);
      }
      case "expect_column_proportion_of_unique_values_to_be_between" -> {
        long distinct = col.distinct != null ? Math.min(col.distinct.estimate(), col.nonNull) : col.counts.size();
        BigDecimal v = col.nonNull == 0 ? BigDecimal.ZERO
            : BigDecimal.valueOf(distinct).divide(BigDecimal.valueOf(col.nonNull), MC);
        success = observedNumber(r, v, k);
        note = approximateDistinct(r, col);
      }
      case "expect_column_distinct_values_to_be_in_set", "expect_column_distinct_values_to_contain_set",
          "expect_column_distinct_values_to_equal_set" -> {
        List<Object> distinct = sortedKeys(col.counts.keySet());
        r.put("observed_value", distinct.stream().map(Values::json).toList());
        Set<Object> set = RowChecks.keys(k.list("value_set"), columnType(k), zone);
        Set<Object> seen = new HashSet<>(distinct);
        success = type.endsWith("be_in_set") ? set.containsAll(seen) : type.endsWith("contain_set") ? seen.containsAll(set)
            : seen.equals(set);
      }
      case "expect_column_most_common_value_to_be_in_set" -> {
        long top = col.counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<Object> modes = sortedKeys(col.counts.entrySet().stream().filter(e -> e.getValue() == top).map(Map.Entry::getKey).toList());
        r.put("observed_value", modes.stream().map(Values::json).toList());
        Set<Object> set = RowChecks.keys(k.list("value_set"), columnType(k), zone);
        success = k.flag("ties_okay", false) ? modes.stream().anyMatch(set::contains)
            : modes.size() == 1 && set.contains(modes.get(0));
      }
      case "expect_column_quantile_values_to_be_between" -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> ranges = (Map<String, Object>) k.get("quantile_ranges");
        List<?> qs = (List<?>) ranges.get("quantiles");
        List<?> rs = (List<?>) ranges.get("value_ranges");
        Object how = k.get("allow_relative_error");
        String interpolation = how instanceof String s ? s : "nearest";
        if (how instanceof BigDecimal) {
          note = "quantiles computed exactly (every value kept), so the relative error is 0";
        }
        Ranked values = ranked(col);
        List<Object> observed = new ArrayList<>();
        List<Boolean> details = new ArrayList<>();
        for (int i = 0; i < qs.size(); i++) {
          BigDecimal v = quantile(values, (BigDecimal) qs.get(i), interpolation);
          List<?> range = (List<?>) rs.get(i);
          observed.add(Values.json(v));
          details.add(v != null && RowChecks.between(v, key(range.get(0)), key(range.get(1)), false, false));
        }
        Map<String, Object> ov = new LinkedHashMap<>();
        ov.put("quantiles", qs);
        ov.put("values", observed);
        r.put("observed_value", ov);
        r.put("details", Map.of("success_details", details));
        success = !details.contains(false);
        if (col.sketch != null) {
          note = approximate(r, col, Map.of("success_details", details));
        }
      }
      default -> throw new IllegalArgumentException("no dataset check for " + type);
    }
    return ExpectationResult.of(c.index(), c.spec(), success, r, note);
  }

  private static Object key(Object bound) {
    return bound == null ? null : Values.number((BigDecimal) bound);
  }

  private static BigDecimal mostly(Kwargs k) {
    return k.number("mostly") == null ? BigDecimal.ONE : k.number("mostly");
  }

  private static FieldType columnType(Kwargs k) {
    return k.columnType("column");
  }

  /** GX puts a numeric observed value in the result; its bounds are numbers. */
  private static boolean observedNumber(Map<String, Object> r, BigDecimal v, Kwargs k) {
    r.put("observed_value", v == null ? null : Values.json(Values.number(v)));
    return v == null ? noBounds(k) : between(Values.number(v), k);
  }

  /** A figure that could not be computed (no values) passes only an expectation with no bound. */
  private static boolean noBounds(Kwargs k) {
    return k.get("min_value") == null && k.get("max_value") == null;
  }

  private static boolean between(Object v, Kwargs k) {
    Object lo = k.number("min_value") == null ? null : Values.number(k.number("min_value"));
    Object hi = k.number("max_value") == null ? null : Values.number(k.number("max_value"));
    return RowChecks.between(v, lo, hi, k.flag("strict_min", false), k.flag("strict_max", false));
  }

  private boolean between(Object v, Kwargs k, FieldType type) {
    Object lo = k.get("min_value") == null ? null : Values.specKey(k.get("min_value"), type, zone);
    Object hi = k.get("max_value") == null ? null : Values.specKey(k.get("max_value"), type, zone);
    return RowChecks.between(v, lo, hi, k.flag("strict_min", false), k.flag("strict_max", false));
  }

  /** Keys of one column in order. */
  static List<Object> sortedKeys(Collection<?> keys) {
    List<Object> l = new ArrayList<>(keys);
    l.sort(Values::compare);
    return l;
  }

  private static List<BigDecimal> sorted(List<BigDecimal> values) {
    List<BigDecimal> l = new ArrayList<>(values);
    Collections.sort(l);
    return l;
  }

  /** A column's non-null values in ascending order, by rank: all of them sorted, or a sketch's. */
  interface Ranked {
    long size();

    BigDecimal at(long rank);
  }

  static Ranked ranked(List<BigDecimal> sorted) {
    return new Ranked() {
      @Override
      public long size() {
        return sorted.size();
      }

      @Override
      public BigDecimal at(long rank) {
        return sorted.get((int) rank);
      }
    };
  }

  private static Ranked ranked(Profile.Column col) {
    LogSketch s = col.sketch;
    return s == null ? ranked(sorted(col.values)) : new Ranked() {
      @Override
      public long size() {
        return s.count();
      }

      @Override
      public BigDecimal at(long rank) {
        return s.at(rank);
      }
    };
  }

  /**
   * When the column's values were sketched: the result says so in {@code details} (with {@code
   * more}), and the note says how far the figure may be from the exact one; else null.
   */
  private static String approximate(Map<String, Object> r, Profile.Column col, Map<String, Object> more) {
    if (col.sketch == null) {
      return null;
    }
    Map<String, Object> details = new LinkedHashMap<>(more);
    details.put("approximate", true);
    details.put("method", "DDSketch (logarithmic buckets)");
    details.put("relative_error", LogSketch.ALPHA);
    details.put("exact_limit", col.limit);
    r.put("details", details);
    return "approximate: " + col.nonNull + " values > exact_limit " + col.limit + "; each value is within "
        + Math.round(LogSketch.ALPHA * 100) + "% (relative) of the exact one, and success is judged on it";
  }

  /** The same for a count of distinct values read from a {@link DistinctSketch}. */
  private static String approximateDistinct(Map<String, Object> r, Profile.Column col) {
    if (col.distinct == null) {
      return null;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("approximate", true);
    details.put("method", "HyperLogLog (2^14 registers)");
    details.put("relative_standard_error", DistinctSketch.RELATIVE_STANDARD_ERROR);
    details.put("exact_limit", col.countsLimit);
    r.put("details", details);
    return "approximate: more than exact_limit " + col.countsLimit + " distinct values; the count has a relative standard"
        + " error of 0.81% (within 2.4% 99.7% of the time), and success is judged on it";
  }

  static BigDecimal median(List<BigDecimal> sorted) {
    return median(ranked(sorted));
  }

  static BigDecimal median(Ranked sorted) {
    long n = sorted.size();
    if (n == 0) {
      return null;
    }
    return n % 2 == 1 ? sorted.at(n / 2) : sorted.at(n / 2 - 1).add(sorted.at(n / 2)).divide(BigDecimal.valueOf(2), MC);
  }

  static BigDecimal quantile(List<BigDecimal> sorted, BigDecimal q, String interpolation) {
    return quantile(ranked(sorted), q, interpolation);
  }

  /** numpy's quantile of sorted values at {@code q} with pandas' interpolation names (nearest rounds half to even). */
  static BigDecimal quantile(Ranked sorted, BigDecimal q, String interpolation) {
    long n = sorted.size();
    if (n == 0) {
      return null;
    }
    BigDecimal pos = q.multiply(BigDecimal.valueOf(n - 1));
    long lo = pos.setScale(0, RoundingMode.FLOOR).longValue();
    long hi = pos.setScale(0, RoundingMode.CEILING).longValue();
    BigDecimal frac = pos.subtract(BigDecimal.valueOf(lo));
    return switch (interpolation) {
      case "lower" -> sorted.at(lo);
      case "higher" -> sorted.at(hi);
      case "midpoint" -> sorted.at(lo).add(sorted.at(hi)).divide(BigDecimal.valueOf(2), MC);
      case "linear" -> sorted.at(lo).add(sorted.at(hi).subtract(sorted.at(lo)).multiply(frac));
      default -> sorted.at(pos.setScale(0, RoundingMode.HALF_EVEN).longValue());
    };
  }
}
