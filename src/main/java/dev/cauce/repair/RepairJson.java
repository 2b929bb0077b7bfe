package dev.cauce.repair;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The repairs output's JSON Lines form of a repaired cell: {@code run_id, pipeline, dependency,
 * field, old, new, group (determinant field → value), support (votes/voters), source, line}.
 * Strings, numbers and booleans are JSON values; dates and timestamps their ISO text.
 */
public final class RepairJson {
  private static final JsonFactory FACTORY = new JsonFactoryBuilder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private RepairJson() {}

  public static String line(String runId, String pipeline, String dependency, DependencyRepair.Cell cell,
      Map<String, Object> group, String source, long line) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("run_id", runId);
      g.writeStringField("pipeline", pipeline);
      g.writeStringField("dependency", dependency);
      g.writeStringField("field", cell.field());
      g.writeFieldName("old");
      value(g, cell.old());
      g.writeFieldName("new");
      value(g, cell.value());
      g.writeObjectFieldStart("group");
      for (Map.Entry<String, Object> e : group.entrySet()) {
        g.writeFieldName(e.getKey());
        value(g, e.getValue());
      }
      g.writeEndObject();
      g.writeStringField("support", cell.support());
      g.writeStringField("source", source);
      g.writeNumberField("line", line);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double d && Double.isFinite(d)) {
      g.writeNumber(d);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else {
      g.writeString(String.valueOf(v)); // dates, timestamps (ISO-8601), non-finite doubles
    }
  }
}
