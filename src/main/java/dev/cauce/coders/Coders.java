package dev.cauce.coders;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.joda.time.ReadableInstant;

/** Compact, deterministic coders for cauce's in-flight types. */
public final class Coders {
  private Coders() {}

  public static SourceRecordCoder sourceRecord() {
    return SourceRecordCoder.INSTANCE;
  }

  public static RejectionCoder rejection() {
    return RejectionCoder.INSTANCE;
  }

  /** Records whose sources travel as path text (no table: a replay, an HTTP API, a pattern matched in the pipeline). */
  public static CauceRecordCoder cauceRecord(Schema schema) {
    return new CauceRecordCoder(schema, SourceTable.NONE);
  }

  /**
   * Records whose sources are mostly {@code sources} (the files the plan listed; null: none): those
   * travel as their index in the table, any other as its path text ({@link SourceTable}).
   */
  public static CauceRecordCoder cauceRecord(Schema schema, List<String> sources) {
    return new CauceRecordCoder(schema, SourceTable.of(sources));
  }

  public static final class SourceRecordCoder extends CustomCoder<SourceRecord> {
    static final SourceRecordCoder INSTANCE = new SourceRecordCoder();

    @Override
    public void encode(SourceRecord r, OutputStream out) throws IOException {
      Frame.Out f = Frame.Out.local();
      put(r, f);
      f.writeTo(out);
    }

    @Override
    public SourceRecord decode(InputStream in) throws IOException {
      Frame.In f = Frame.In.readFrom(in);
      SourceRecord r = take(f);
      f.end();
      return r;
    }

    static void put(SourceRecord r, Frame.Out f) {
      f.string(r.source());
      f.varLong(r.line());
      f.string(r.text());
      f.nullableString(r.header());
    }

    static SourceRecord take(Frame.In f) throws IOException {
      return new SourceRecord(f.string(), f.varLong(), f.string(), f.nullableString());
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof SourceRecordCoder;
    }

    @Override
    public int hashCode() {
      return SourceRecordCoder.class.hashCode();
    }
  }

  public static final class RejectionCoder extends CustomCoder<Rejection> {
    static final RejectionCoder INSTANCE = new RejectionCoder();

    @Override
    public void encode(Rejection r, OutputStream out) throws IOException {
      Frame.Out f = Frame.Out.local();
      f.string(r.runId());
      f.string(r.pipeline());
      f.string(r.stage());
      f.string(r.source());
      f.varLong(r.line());
      f.string(r.raw());
      f.nullableString(r.header());
      f.varLong(r.errors().size());
      for (Violation v : r.errors()) {
        f.string(v.reason());
        f.nullableString(v.rule());
        f.nullableString(v.field());
        f.nullableString(v.message());
      }
      f.writeTo(out);
    }

    @Override
    public Rejection decode(InputStream in) throws IOException {
      Frame.In f = Frame.In.readFrom(in);
      String runId = f.string();
      String pipeline = f.string();
      String stage = f.string();
      String source = f.string();
      long line = f.varLong();
      String raw = f.string();
      String header = f.nullableString();
      int n = f.varInt();
      if (n < 1) {
        throw new CoderException("rejection without violations");
      }
      List<Violation> errors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        errors.add(new Violation(f.string(), f.nullableString(), f.nullableString(), f.nullableString()));
      }
      f.end();
      return new Rejection(runId, pipeline, stage, source, line, raw, header, errors);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof RejectionCoder;
    }

    @Override
    public int hashCode() {
      return RejectionCoder.class.hashCode();
    }
  }

  /**
   * A record with its origin, the row encoded with {@link TypedRowCoder}. The origin's source is
   * encoded through the coder's {@link SourceTable} (its index when listed, else its path), so
   * every step handed the same coder, on every worker, reads the same table.
   */
  public static final class CauceRecordCoder extends CustomCoder<CauceRecord> {
    private final TypedRowCoder rowCoder;
    private final SourceTable sources;

    CauceRecordCoder(Schema schema, SourceTable sources) {
      this.rowCoder = new TypedRowCoder(schema);
      this.sources = sources;
    }

    /** The sources encoded by index, in index order (empty: every source as its path). */
    public List<String> sources() {
      return sources.paths();
    }

    @Override
    public void encode(CauceRecord r, OutputStream out) throws IOException {
      put(r, Frame.Out.local()).writeTo(out);
    }

    @Override
    public CauceRecord decode(InputStream in) throws IOException {
      return take(Frame.In.readFrom(in));
    }

    /**
     * A record as one byte array, for steps that hand records on without looking at them: a runner
     * copies a byte array between steps (and into its sort) far faster than it encodes a record.
     */
    public byte[] toBytes(CauceRecord r) {
      return put(r, Frame.Out.local()).toByteArray();
    }

    /** The record {@link #toBytes} gave {@code bytes} for. */
    public CauceRecord fromBytes(byte[] bytes) throws IOException {
      return take(Frame.In.of(bytes));
    }

    private Frame.Out put(CauceRecord r, Frame.Out f) {
      SourceRecord o = r.origin();
      sources.put(o.source(), f);
      f.varLong(o.line());
      f.string(o.text());
      f.nullableString(o.header());
      rowCoder.put(r.row(), f);
      return f;
    }

    private CauceRecord take(Frame.In f) throws IOException {
      SourceRecord o = new SourceRecord(sources.take(f), f.varLong(), f.string(), f.nullableString());
      CauceRecord r = new CauceRecord(o, rowCoder.take(f));
      f.end();
      return r;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CauceRecordCoder c && c.rowCoder.equals(rowCoder) && c.sources.paths().equals(sources.paths());
    }

    @Override
    public int hashCode() {
      return 31 * rowCoder.hashCode() + sources.paths().hashCode();
    }
  }

  public static TypedRowCoder typedRow(Schema schema) {
    return new TypedRowCoder(schema);
  }

  /**
   * Rows of a typed schema ({@link Schemas#typed}: every field nullable, of the types cleaning
   * produces), encoded field by field with a type decided once per field, as one {@link Frame}: a
   * null bitmap, then each present value (strings as UTF-8, int/long as var-ints, double as 8
   * bytes, decimals as scale + unscaled bytes, dates as epoch days, timestamps as epoch millis). It does what Beam's {@link
   * org.apache.beam.sdk.coders.RowCoder} does for these types, with less work per value: the
   * profile of a Flink run showed RowCoder's decimal coder alone building a {@code String.format}
   * message on every encode (8% of all samples) and the coders at a third of the job's time.
   */
  public static final class TypedRowCoder extends CustomCoder<Row> {
    private enum Kind { STRING, INT, LONG, DOUBLE, BOOLEAN, DECIMAL, DATE, TIMESTAMP }

    private final Schema schema;
    private final Kind[] kinds;

    TypedRowCoder(Schema schema) {
      this.schema = schema;
      this.kinds = new Kind[schema.getFieldCount()];
      for (int i = 0; i < kinds.length; i++) {
        Schema.FieldType t = schema.getField(i).getType();
        kinds[i] =
            switch (t.getTypeName()) {
              case STRING -> Kind.STRING;
              case INT32 -> Kind.INT;
              case INT64 -> Kind.LONG;
              case DOUBLE -> Kind.DOUBLE;
              case BOOLEAN -> Kind.BOOLEAN;
              case DECIMAL -> Kind.DECIMAL;
              case DATETIME -> Kind.TIMESTAMP;
              case LOGICAL_TYPE -> {
                if (!SqlTypes.DATE.getIdentifier().equals(t.getLogicalType().getIdentifier())) {
                  throw new IllegalArgumentException("no cauce coder for field " + schema.getField(i).getName() + " of type " + t);
                }
                yield Kind.DATE;
              }
              default -> throw new IllegalArgumentException(
                  "no cauce coder for field " + schema.getField(i).getName() + " of type " + t);
            };
      }
    }

    public Schema schema() {
      return schema;
    }

    @Override
    public void encode(Row row, OutputStream out) throws IOException {
      Frame.Out f = Frame.Out.local();
      put(row, f);
      f.writeTo(out);
    }

    @Override
    public Row decode(InputStream in) throws IOException {
      Frame.In f = Frame.In.readFrom(in);
      Row r = take(f);
      f.end();
      return r;
    }

    void put(Row row, Frame.Out f) {
      int n = kinds.length;
      for (int i = 0; i < n; i += 8) { // the null bitmap
        int bits = 0;
        for (int j = i; j < Math.min(n, i + 8); j++) {
          if (row.getValue(j) == null) {
            bits |= 1 << (j - i);
          }
        }
        f.put(bits);
      }
      for (int i = 0; i < n; i++) {
        Object v = row.getValue(i);
        if (v == null) {
          continue;
        }
        switch (kinds[i]) {
          case STRING -> f.string((String) v);
          case INT -> f.varLong((Integer) v);
          case LONG -> f.varLong((Long) v);
          case DOUBLE -> f.fixedLong(Double.doubleToRawLongBits((Double) v));
          case BOOLEAN -> f.put((Boolean) v ? 1 : 0);
          case DECIMAL -> {
            BigDecimal d = (BigDecimal) v;
            f.varLong(d.scale());
            f.bytes(d.unscaledValue().toByteArray());
          }
          case DATE -> f.varLong(((LocalDate) v).toEpochDay());
          case TIMESTAMP -> f.varLong(((ReadableInstant) v).getMillis());
        }
      }
    }

    Row take(Frame.In f) throws IOException {
      int n = kinds.length;
      byte[] nulls = new byte[(n + 7) >>> 3];
      for (int k = 0; k < nulls.length; k++) {
        nulls[k] = (byte) f.get();
      }
      Object[] values = new Object[n];
      for (int i = 0; i < n; i++) {
        if ((nulls[i >>> 3] & (1 << (i & 7))) != 0) {
          continue;
        }
        values[i] =
            switch (kinds[i]) {
              case STRING -> f.string();
              case INT -> f.varInt();
              case LONG -> f.varLong();
              case DOUBLE -> Double.longBitsToDouble(f.fixedLong());
              case BOOLEAN -> f.get() != 0;
              case DECIMAL -> {
                int scale = f.varInt();
                byte[] unscaled = f.bytes();
                if (unscaled.length == 0) {
                  throw new CoderException("decimal without digits");
                }
                yield new BigDecimal(new BigInteger(unscaled), scale);
              }
              case DATE -> LocalDate.ofEpochDay(f.varLong());
              case TIMESTAMP -> new Instant(f.varLong());
            };
      }
      return Row.withSchema(schema).attachValues(Arrays.asList(values));
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      throw new NonDeterministicException(this, "rows are not used as keys");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TypedRowCoder c && c.schema.equals(schema);
    }

    @Override
    public int hashCode() {
      return schema.hashCode();
    }
  }
}
