package dev.cauce.expect;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dataset expectations need to know of the records, gathered by a combiner: the row
 * count, per column what its expectations read (non-null count, min, max, exact sum and sum of
 * squares, every value for a median or quantiles up to a limit and a {@link LogSketch} beyond it,
 * the count of each value for unique counts and distinct values). Parts merge into the whole exactly (BigDecimal sums), so every runner and split gives the same figures.
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
    /** The values once more than {@code limit} of them: then {@code values} is null. */
    LogSketch sketch;
    HashMap<Object, Long> counts;
    /** The distinct values once more than {@code countsLimit}, when only their number is read: then {@code counts} is null. */
    DistinctSketch distinct;
    /** Whether only unique counts read {@code counts} (no set check, no most common value): they may be sketched. */
    boolean countsApproximable;
    /** How many values, and distinct values, are kept exactly: the smallest exact_limit of the expectations reading them. */
    long limit;
    long countsLimit;
    /** The first expectation reading the distinct values, named when they are too many. */
    String countsFor;

    Column(boolean sums, boolean values, boolean counts, long limit, long countsLimit, String countsFor) {
      this.sum = sums ? BigDecimal.ZERO : null;
      this.sumOfSquares = sums ? BigDecimal.ZERO : null;
      this.values = values ? new ArrayList<>() : null;
      this.counts = counts ? new HashMap<>() : null;
      this.limit = limit;
      this.countsLimit = countsLimit;
      this.countsFor = countsFor;
    }

    /** Past the limit, the values become a sketch (whatever the split: the sketch is its values' buckets). */
    private void bound() {
      if (values != null && values.size() > limit) {
        sketch = new LogSketch();
        values.forEach(sketch::add);
        values = null;
      }
    }

    /** Past the limit, distinct values become a sketch when only their number is read; else a clear error. */
    private void boundCounts() {
      if (counts != null && counts.size() > countsLimit && countsApproximable) {
        distinct = new DistinctSketch();
        counts.keySet().forEach(distinct::add);
        counts = null;
      } else if (counts != null && counts.size() > countsLimit) {
        throw new IllegalStateException("expectation " + countsFor + ": more than " + countsLimit + " distinct values; this"
            + " expectation reads the values themselves, so each is kept in memory (no sketch can stand in for them)."
            + " Raise expectations_exact_limit (or the expectation's exact_limit) and the memory, or remove it");
      }
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
        bound();
      } else if (sketch != null) {
        sketch.add((BigDecimal) key);
      }
      if (counts != null && counts.merge(key, 1L, Long::sum) == 1L) {
        boundCounts();
      } else if (distinct != null) {
        distinct.add(key);
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
      if (o.sketch != null || sketch != null) {
        if (sketch == null && values != null) {
          sketch = new LogSketch();
          values.forEach(sketch::add);
          values = null;
        }
        if (o.sketch != null) {
          sketch.merge(o.sketch);
        } else if (o.values != null) {
          o.values.forEach(sketch::add);
        }
      } else if (values != null) {
        values.addAll(o.values);
        bound();
      }
      if (o.distinct != null || distinct != null) {
        if (distinct == null && counts != null) {
          distinct = new DistinctSketch();
          counts.keySet().forEach(distinct::add);
          counts = null;
        }
        if (o.distinct != null) {
          distinct.merge(o.distinct);
        } else if (o.counts != null) {
          o.counts.keySet().forEach(distinct::add);
        }
      } else if (counts != null) {
        o.counts.forEach((k, n) -> counts.merge(k, n, Long::sum));
        boundCounts();
      }
    }
  }

  long rows;
  /** Column index → its figures. */
  final TreeMap<Integer, Column> columns = new TreeMap<>();

  /** Adds {@code other}'s figures to this one's (both made by the same {@link Aggregates}); returns this. */
  public Profile merge(Profile other) {
    rows += other.rows;
    other.columns.forEach((i, c) -> columns.get(i).merge(c));
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

  // ---- a compact binary form: Java serialization of a million values took seconds ----------

  private static final int NULL = 0;
  private static final int STRING = 1;
  private static final int LONG_DECIMAL = 2;
  private static final int BIG_DECIMAL = 3;
  private static final int BOOLEAN = 4;
  private static final int DATE = 5;
  private static final int INSTANT = 6;
  private static final int LIST = 7;

  /** Writes this profile ({@link #read} reads it back equal). */
  public void write(DataOutputStream out) throws IOException {
    out.writeLong(rows);
    out.writeInt(columns.size());
    for (Map.Entry<Integer, Column> e : columns.entrySet()) {
      Column c = e.getValue();
      out.writeInt(e.getKey());
      out.writeLong(c.nonNull);
      writeKey(out, c.min);
      writeKey(out, c.max);
      writeKey(out, c.sum);
      writeKey(out, c.sumOfSquares);
      out.writeLong(c.limit);
      out.writeLong(c.countsLimit);
      out.writeUTF(c.countsFor == null ? "" : c.countsFor);
      out.writeInt(c.values == null ? -1 : c.values.size());
      if (c.values != null) {
        for (BigDecimal v : c.values) {
          writeKey(out, v);
        }
      }
      out.writeBoolean(c.sketch != null);
      if (c.sketch != null) {
        c.sketch.write(out);
      }
      out.writeBoolean(c.countsApproximable);
      out.writeBoolean(c.distinct != null);
      if (c.distinct != null) {
        c.distinct.write(out);
      }
      writeCounts(out, c.counts);
    }
  }

  @SuppressWarnings("unchecked")
  public static Profile read(DataInputStream in) throws IOException {
    Profile p = new Profile();
    p.rows = in.readLong();
    int columns = in.readInt();
    for (int i = 0; i < columns; i++) {
      int index = in.readInt();
      Column c = new Column(false, false, false, 0, 0, null);
      c.nonNull = in.readLong();
      c.min = readKey(in);
      c.max = readKey(in);
      c.sum = (BigDecimal) readKey(in);
      c.sumOfSquares = (BigDecimal) readKey(in);
      c.limit = in.readLong();
      c.countsLimit = in.readLong();
      String countsFor = in.readUTF();
      c.countsFor = countsFor.isEmpty() ? null : countsFor;
      int n = in.readInt();
      if (n >= 0) {
        c.values = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          c.values.add((BigDecimal) readKey(in));
        }
      }
      if (in.readBoolean()) {
        c.sketch = LogSketch.read(in);
      }
      c.countsApproximable = in.readBoolean();
      if (in.readBoolean()) {
        c.distinct = DistinctSketch.read(in);
      }
      c.counts = (HashMap<Object, Long>) (HashMap<?, Long>) readCounts(in);
      p.columns.put(index, c);
    }
    return p;
  }

  /** A key (a value, or a list of them) as bytes: equal keys, equal bytes (a grouping key). */
  public static byte[] keyBytes(Object key) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeKey(out, key);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  private static void writeCounts(DataOutputStream out, Map<?, Long> counts) throws IOException {
    out.writeInt(counts == null ? -1 : counts.size());
    if (counts != null) {
      for (Map.Entry<?, Long> e : counts.entrySet()) {
        writeKey(out, e.getKey());
        out.writeLong(e.getValue());
      }
    }
  }

  private static HashMap<Object, Long> readCounts(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    HashMap<Object, Long> m = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
    for (int i = 0; i < n; i++) {
      Object k = readKey(in);
      m.put(k, in.readLong());
    }
    return m;
  }

  private static void writeKey(DataOutputStream out, Object k) throws IOException {
    if (k == null) {
      out.writeByte(NULL);
    } else if (k instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeByte(STRING);
      out.writeInt(b.length);
      out.write(b);
    } else if (k instanceof BigDecimal d) {
      BigInteger u = d.unscaledValue();
      if (u.bitLength() < 64) {
        out.writeByte(LONG_DECIMAL);
        out.writeLong(u.longValue());
      } else {
        byte[] b = u.toByteArray();
        out.writeByte(BIG_DECIMAL);
        out.writeInt(b.length);
        out.write(b);
      }
      out.writeInt(d.scale());
    } else if (k instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (k instanceof LocalDate d) {
      out.writeByte(DATE);
      out.writeLong(d.toEpochDay());
    } else if (k instanceof Instant t) {
      out.writeByte(INSTANT);
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    } else if (k instanceof List<?> l) {
      out.writeByte(LIST);
      out.writeInt(l.size());
      for (Object o : l) {
        writeKey(out, o);
      }
    } else {
      throw new IOException("cannot write a value of " + k.getClass().getName());
    }
  }

  private static Object readKey(DataInputStream in) throws IOException {
    int tag = in.readByte();
    switch (tag) {
      case NULL:
        return null;
      case STRING: {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
      }
      case LONG_DECIMAL: {
        long u = in.readLong();
        return BigDecimal.valueOf(u, in.readInt());
      }
      case BIG_DECIMAL: {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new BigDecimal(new BigInteger(b), in.readInt());
      }
      case BOOLEAN:
        return in.readBoolean();
      case DATE:
        return LocalDate.ofEpochDay(in.readLong());
      case INSTANT: {
        long s = in.readLong();
        return Instant.ofEpochSecond(s, in.readInt());
      }
      case LIST: {
        int n = in.readInt();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(readKey(in));
        }
        return l;
      }
      default:
        throw new IOException("unknown value tag " + tag + " in a profile");
    }
  }
}
