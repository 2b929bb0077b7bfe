package dev.cauce.write;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Violation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;

/**
 * The lines of {@code dead_letter.warned}: one JSON object per record kept with warnings, the
 * warnings as the dead letter lists errors:
 *
 * <pre>
 * {"run_id":"r1","pipeline":"p","source":"in.csv","line":4,
 *  "warnings":[{"reason":"...","rule":"...","field":"...","message":"..."}],"record":{...}}
 * </pre>
 *
 * Not thread-safe: one per DoFn instance.
 */
public final class WarnedLines {
  private final String runId;
  private final String pipeline;
  private final RowJson rows;

  public WarnedLines(Schema typed, String runId, String pipeline) {
    this.runId = runId;
    this.pipeline = pipeline;
    this.rows = new RowJson(typed);
  }

  public String line(CauceRecord record, List<Violation> warnings) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JsonLines.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("run_id", runId);
      g.writeStringField("pipeline", pipeline);
      g.writeStringField("source", record.origin().source());
      g.writeNumberField("line", record.origin().line());
      RejectionJson.writeViolations(g, "warnings", warnings);
      g.writeFieldName("record");
      g.writeRawValue(rows.format(record.row()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
