package dev.cauce.expect;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dataset expectations need to know of the records, gathered by a combiner: the row
 * count, per column what its expectations read (non-null count, min, max, exact sum and sum of
 * squares, every value for a median or quantiles, the count of each value for uniqueness and
 * distinct values), and per compound-uniqueness expectation the count of each key. Parts merge
 * into the whole exactly (BigDecimal sums), so every runner and split gives the same figures.
 */
public final class Profile implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One column's figures; what is not needed stays null. */
  public static final class Column implements Serializable {
    private static final long serialVersionUID = 1L;
    long nonNull;
    Object min;
    Object max;
    BigDecimal sum;
    BigDecimal sumOfSquares;
    ArrayList<BigDecimal> values;
    HashMap<Object, Long> counts;

    Column(boolean sums, boolean values, boolean counts) {
      this.sum = sums ? BigDecimal.ZERO : null;
      this.sumOfSquares = sums ? BigDecimal.ZERO : null;
      this.values = values ? new ArrayList<>() : null;
      this.counts = counts ? new HashMap<>() : null;
    }

    void add(Object key) {
      nonNull++;
      if (min == null || Values.compare(key, min) < 0) {
        min = key;
      }
      if (max == null || Values.compare(key, max) > 0) {
        max = key;
      }
      if (sum != null) {
        BigDecimal b = (BigDecimal) key;
        sum = sum.add(b);
        sumOfSquares = sumOfSquares.add(b.multiply(b));
      }
      if (values != null) {
        values.add((BigDecimal) key);
      }
      if (counts != null) {
        counts.merge(key, 1L, Long::sum);
      }
    }

    void merge(Column o) {
      nonNull += o.nonNull;
      if (o.min != null && (min == null || Values.compare(o.min, min) < 0)) {
        min = o.min;
      }
      if (o.max != null && (max == null || Values.compare(o.max, max) > 0)) {
        max = o.max;
      }
      if (sum != null) {
        sum = sum.add(o.sum);
        sumOfSquares = sumOfSquares.add(o.sumOfSquares);
      }
      if (values != null) {
        values.addAll(o.values);
      }
      if (counts != null) {
        o.counts.forEach((k, n) -> counts.merge(k, n, Long::sum));
      }
    }
  }

  long rows;
  /** Column index → its figures. */
  final TreeMap<Integer, Column> columns = new TreeMap<>();
  /** Compound expectation position → count of each key, and rows considered. */
  final TreeMap<Integer, HashMap<List<Object>, Long>> keys = new TreeMap<>();
  final TreeMap<Integer, Long> keyRows = new TreeMap<>();

  /** Adds {@code other}'s figures to this one's (both made by the same {@link Aggregates}); returns this. */
  public Profile merge(Profile other) {
    rows += other.rows;
    other.columns.forEach((i, c) -> columns.get(i).merge(c));
    other.keys.forEach((i, m) -> {
      HashMap<List<Object>, Long> mine = keys.get(i);
      m.forEach((k, n) -> mine.merge(k, n, Long::sum));
    });
    other.keyRows.forEach((i, n) -> keyRows.merge(i, n, Long::sum));
    return this;
  }

  public long rows() {
    return rows;
  }

  /** The non-null count of column {@code index} (0 when no expectation reads it). */
  public long nonNull(int index) {
    Column c = columns.get(index);
    return c == null ? 0 : c.nonNull;
  }

  Map<Integer, Column> columns() {
    return columns;
  }
}
