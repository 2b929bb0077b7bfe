package dev.cauce.expect;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The values of a column too large to keep every one, as counts of logarithmic buckets (DDSketch,
 * Masson et al. 2019): bucket i holds the values of magnitude in (γ^(i-1), γ^i], γ = (1+α)/(1-α),
 * and answers for them 2γ^i/(γ+1), within a relative error α of the true value of that rank. Merging
 * adds counts, so the figures do not depend on how a runner splits or merges (StrictMath: the same
 * bucket on every JVM). Memory: one entry per bucket used (about 2,100 for 1e-6 to 1e12 at α 1%).
 */
public final class LogSketch implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The relative error of every value the sketch answers. */
  public static final double ALPHA = 0.01;
  private static final double GAMMA = (1 + ALPHA) / (1 - ALPHA);
  private static final double LOG_GAMMA = StrictMath.log(GAMMA);

  private final TreeMap<Integer, Long> positive = new TreeMap<>();
  private final TreeMap<Integer, Long> negative = new TreeMap<>();
  private long zeros;
  private long count;

  public long count() {
    return count;
  }

  public void add(BigDecimal v) {
    double d = v.doubleValue();
    count++;
    if (d == 0 || Math.abs(d) < Double.MIN_NORMAL) {
      zeros++;
    } else {
      (d > 0 ? positive : negative).merge(bucket(Math.abs(d)), 1L, Long::sum);
    }
  }

  private static int bucket(double magnitude) {
    return (int) StrictMath.ceil(StrictMath.log(magnitude) / LOG_GAMMA);
  }

  public LogSketch merge(LogSketch o) {
    o.positive.forEach((i, n) -> positive.merge(i, n, Long::sum));
    o.negative.forEach((i, n) -> negative.merge(i, n, Long::sum));
    zeros += o.zeros;
    count += o.count;
    return this;
  }

  /** The value of 0-based rank {@code rank} in ascending order (within α of the true one), 7 digits. */
  public BigDecimal at(long rank) {
    long seen = 0;
    for (Map.Entry<Integer, Long> e : negative.descendingMap().entrySet()) { // largest magnitude first
      seen += e.getValue();
      if (rank < seen) {
        return value(e.getKey()).negate();
      }
    }
    seen += zeros;
    if (rank < seen) {
      return BigDecimal.ZERO;
    }
    for (Map.Entry<Integer, Long> e : positive.entrySet()) {
      seen += e.getValue();
      if (rank < seen) {
        return value(e.getKey());
      }
    }
    throw new IndexOutOfBoundsException("rank " + rank + " of " + count);
  }

  private static BigDecimal value(int bucket) {
    return new BigDecimal(2 * StrictMath.pow(GAMMA, bucket) / (GAMMA + 1), new MathContext(7)).stripTrailingZeros();
  }

  void write(DataOutputStream out) throws IOException {
    out.writeLong(count);
    out.writeLong(zeros);
    for (TreeMap<Integer, Long> m : List.of(positive, negative)) {
      out.writeInt(m.size());
      for (Map.Entry<Integer, Long> e : m.entrySet()) {
        out.writeInt(e.getKey());
        out.writeLong(e.getValue());
      }
    }
  }

  static LogSketch read(DataInputStream in) throws IOException {
    LogSketch s = new LogSketch();
    s.count = in.readLong();
    s.zeros = in.readLong();
    for (TreeMap<Integer, Long> m : List.of(s.positive, s.negative)) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        m.put(in.readInt(), in.readLong());
      }
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogSketch s && count == s.count && zeros == s.zeros && positive.equals(s.positive)
        && negative.equals(s.negative);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, zeros, positive, negative);
  }
}
