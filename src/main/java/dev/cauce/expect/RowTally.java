package dev.cauce.expect;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The counts of the row expectations over records: records seen, and per expectation the records
 * its row_condition kept (all without one), those it considered (GX leaves nulls out of most of them), those that failed it, and the first {@value
 * #PARTIAL} failing values by source file and line (GX's {@code partial_unexpected_list}, the same
 * on every runner). Tallies of parts of the data merge into the whole's ({@link #merge}).
 */
public final class RowTally implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int PARTIAL = 20;
  private static final Comparator<Partial> ORDER = Comparator.comparing(Partial::source).thenComparingLong(Partial::line);

  /** A failing value and where its record came from. */
  public record Partial(String source, long line, Object value) implements Serializable {}

  private long rows;
  /** Per expectation, the records its row_condition kept (all of them without one): GX's element_count. */
  private final long[] elements;
  private final long[] considered;
  private final long[] unexpected;
  private final List<ArrayList<Partial>> partial = new ArrayList<>();

  public RowTally(int expectations) {
    elements = new long[expectations];
    considered = new long[expectations];
    unexpected = new long[expectations];
    for (int i = 0; i < expectations; i++) {
      partial.add(new ArrayList<>());
    }
  }

  public int size() {
    return considered.length;
  }

  public long rows() {
    return rows;
  }

  public long considered(int i) {
    return considered[i];
  }

  public long unexpected(int i) {
    return unexpected[i];
  }

  public List<Partial> partial(int i) {
    return List.copyOf(partial.get(i));
  }

  void row() {
    rows++;
  }

  void element(int i) {
    elements[i]++;
  }

  public long elements(int i) {
    return elements[i];
  }

  void considered(int i, boolean failed, String source, long line, Object shown) {
    considered[i]++;
    if (failed) {
      unexpected[i]++;
      keep(partial.get(i), new Partial(source, line, shown));
    }
  }

  private static void keep(ArrayList<Partial> l, Partial p) {
    if (l.size() >= PARTIAL && ORDER.compare(p, l.get(l.size() - 1)) >= 0) {
      return;
    }
    int at = 0;
    while (at < l.size() && ORDER.compare(l.get(at), p) <= 0) {
      at++;
    }
    l.add(at, p);
    if (l.size() > PARTIAL) {
      l.remove(l.size() - 1);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowTally t && rows == t.rows && Arrays.equals(elements, t.elements) && Arrays.equals(considered, t.considered)
        && Arrays.equals(unexpected, t.unexpected) && partial.equals(t.partial);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, Arrays.hashCode(elements), Arrays.hashCode(considered), Arrays.hashCode(unexpected), partial);
  }

  /** Adds {@code other}'s counts to this one's; returns this. */
  public RowTally merge(RowTally other) {
    rows += other.rows;
    for (int i = 0; i < considered.length; i++) {
      elements[i] += other.elements[i];
      considered[i] += other.considered[i];
      unexpected[i] += other.unexpected[i];
      for (Partial p : other.partial.get(i)) {
        keep(partial.get(i), p);
      }
    }
    return this;
  }

  /**
   * GX's {@code mostly}: true when nothing was considered, or when at least {@code mostly} of the
   * considered records passed (exact: no rounding).
   */
  public static boolean mostly(long considered, long unexpected, BigDecimal mostly) {
    if (considered == 0) {
      return true;
    }
    return BigDecimal.valueOf(considered - unexpected).compareTo(mostly.multiply(BigDecimal.valueOf(considered))) >= 0;
  }

  public boolean success(int i, BigDecimal mostly) {
    return mostly(considered[i], unexpected[i], mostly);
  }

  /**
   * GX's {@code result} of a map expectation: element_count, missing_count and _percent,
   * unexpected_count, unexpected_percent (of the non-missing), unexpected_percent_total and
   * _nonmissing, partial_unexpected_list.
   */
  public static Map<String, Object> mapResult(long elements, long considered, long unexpected, List<Object> partial) {
    long missing = elements - considered;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("element_count", elements);
    r.put("unexpected_count", unexpected);
    r.put("unexpected_percent", percent(unexpected, considered));
    r.put("partial_unexpected_list", partial);
    r.put("missing_count", missing);
    r.put("missing_percent", percent(missing, elements));
    r.put("unexpected_percent_total", percent(unexpected, elements));
    r.put("unexpected_percent_nonmissing", percent(unexpected, considered));
    return r;
  }

  /** n / of in percent, null when {@code of} is 0 (as GX). */
  public static Double percent(long n, long of) {
    return of == 0 ? null : n * 100.0 / of;
  }

  public Map<String, Object> result(int i) {
    List<Object> values = new ArrayList<>();
    partial.get(i).forEach(p -> values.add(p.value()));
    return mapResult(elements[i], considered[i], unexpected[i], values);
  }
}
