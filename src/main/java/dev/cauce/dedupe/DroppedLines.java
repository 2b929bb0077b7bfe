package dev.cauce.dedupe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cauce.model.CauceRecord;
import dev.cauce.write.RowJson;
import dev.cauce.write.ValueText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The lines of {@code dedupe.dropped}: one JSON object per record dropped as a duplicate, with its
 * key, its origin, the record kept instead and the dropped record itself:
 *
 * <pre>
 * {"run_id":"r1","pipeline":"p","key":"id=3","source":"in.csv","line":7,"order_by":"...",
 *  "kept":{"source":"in.csv","line":2,"order_by":"..."},"record":{...}}
 * </pre>
 *
 * {@code order_by} (the dropped record's and the kept one's) only with {@code keep: latest}. A replay's
 * record dropped against the live dataset has {@code "kept":{"live":true,...}}: the published record
 * is known by its key and {@code order_by} only. Not thread-safe: one per DoFn instance.
 */
public final class DroppedLines {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final Deduper deduper;
  private final String runId;
  private final String pipeline;
  private final RowJson rows;
  private final ValueText.Kind orderKind;
  private final String orderBy;

  public DroppedLines(Deduper deduper, Schema typed, String runId, String pipeline, String orderBy) {
    this.deduper = deduper;
    this.runId = runId;
    this.pipeline = pipeline;
    this.rows = new RowJson(typed);
    this.orderBy = orderBy;
    this.orderKind = orderBy == null ? null : ValueText.kindsOf(typed)[typed.indexOf(orderBy)];
  }

  /** {@code dropped} lost to {@code kept}, a record of the same run with the same key. */
  public String line(CauceRecord dropped, CauceRecord kept) {
    return write(dropped, kept.origin().source(), kept.origin().line(), kept.row());
  }

  /** {@code dropped} (a replayed record) lost to {@code live}, the published record with its key. */
  public String lineAgainstLive(CauceRecord dropped, Row live) {
    return write(dropped, null, 0, live);
  }

  private String write(CauceRecord dropped, String keptSource, long keptLine, Row kept) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("run_id", runId);
      g.writeStringField("pipeline", pipeline);
      g.writeStringField("key", deduper.describeKey(dropped.row()));
      g.writeStringField("source", dropped.origin().source());
      g.writeNumberField("line", dropped.origin().line());
      order(g, dropped.row());
      g.writeObjectFieldStart("kept");
      if (keptSource == null) {
        g.writeBooleanField("live", true);
      } else {
        g.writeStringField("source", keptSource);
        g.writeNumberField("line", keptLine);
      }
      order(g, kept);
      g.writeEndObject();
      g.writeFieldName("record");
      g.writeRawValue(rows.format(dropped.row()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private void order(JsonGenerator g, Row row) throws IOException {
    if (orderBy == null) {
      return;
    }
    Object v = deduper.orderOf(row);
    if (v == null) {
      g.writeNullField("order_by");
    } else {
      g.writeStringField("order_by", ValueText.text(orderKind, v));
    }
  }
}
