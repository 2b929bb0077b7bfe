package dev.cauce.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;

/** Compact, deterministic coders for cauce's in-flight types. */
public final class Coders {
  private Coders() {}

  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final NullableCoder<String> NULLABLE_STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();

  public static SourceRecordCoder sourceRecord() {
    return SourceRecordCoder.INSTANCE;
  }

  public static RejectionCoder rejection() {
    return RejectionCoder.INSTANCE;
  }

  public static CauceRecordCoder cauceRecord(Schema schema) {
    return new CauceRecordCoder(schema);
  }

  public static final class SourceRecordCoder extends CustomCoder<SourceRecord> {
    static final SourceRecordCoder INSTANCE = new SourceRecordCoder();

    @Override
    public void encode(SourceRecord r, OutputStream out) throws IOException {
      STRING.encode(r.source(), out);
      LONG.encode(r.line(), out);
      STRING.encode(r.text(), out);
      NULLABLE_STRING.encode(r.header(), out);
    }

    @Override
    public SourceRecord decode(InputStream in) throws IOException {
      return new SourceRecord(STRING.decode(in), LONG.decode(in), STRING.decode(in), NULLABLE_STRING.decode(in));
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
      STRING.encode(r.runId(), out);
      STRING.encode(r.pipeline(), out);
      STRING.encode(r.stage(), out);
      STRING.encode(r.source(), out);
      LONG.encode(r.line(), out);
      STRING.encode(r.raw(), out);
      NULLABLE_STRING.encode(r.header(), out);
      INT.encode(r.errors().size(), out);
      for (Violation v : r.errors()) {
        STRING.encode(v.reason(), out);
        NULLABLE_STRING.encode(v.rule(), out);
        NULLABLE_STRING.encode(v.field(), out);
        NULLABLE_STRING.encode(v.message(), out);
      }
    }

    @Override
    public Rejection decode(InputStream in) throws IOException {
      String runId = STRING.decode(in);
      String pipeline = STRING.decode(in);
      String stage = STRING.decode(in);
      String source = STRING.decode(in);
      long line = LONG.decode(in);
      String raw = STRING.decode(in);
      String header = NULLABLE_STRING.decode(in);
      int n = INT.decode(in);
      if (n < 1) {
        throw new CoderException("rejection without violations");
      }
      List<Violation> errors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        errors.add(
            new Violation(STRING.decode(in), NULLABLE_STRING.decode(in), NULLABLE_STRING.decode(in), NULLABLE_STRING.decode(in)));
      }
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

  /** A record with its origin; the row is encoded with the schema-aware {@link RowCoder}. */
  public static final class CauceRecordCoder extends CustomCoder<CauceRecord> {
    private final RowCoder rowCoder;

    CauceRecordCoder(Schema schema) {
      this.rowCoder = RowCoder.of(schema);
    }

    @Override
    public void encode(CauceRecord r, OutputStream out) throws IOException {
      SourceRecordCoder.INSTANCE.encode(r.origin(), out);
      rowCoder.encode(r.row(), out);
    }

    @Override
    public CauceRecord decode(InputStream in) throws IOException {
      return new CauceRecord(SourceRecordCoder.INSTANCE.decode(in), rowCoder.decode(in));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CauceRecordCoder c && c.rowCoder.getSchema().equals(rowCoder.getSchema());
    }

    @Override
    public int hashCode() {
      return rowCoder.getSchema().hashCode();
    }
  }
}
