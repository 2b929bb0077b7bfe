package dev.cauce.write;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead letter's JSON Lines form of a {@link Rejection}: one object per line with the keys, in
 * this order, {@code run_id, pipeline, stage, reason, rule, field, message, source, line, raw,
 * header, errors}. {@code reason}, {@code rule}, {@code field} and {@code message} are those of the
 * first violation (null when absent); {@code header} (the CSV source's header line) is omitted when
 * null; {@code errors} lists every violation as {@code {reason, rule, field, message}}.
 *
 * <p>{@link #fromJson(String)} is the inverse, for replaying a dead letter. A {@code RejectionJson}
 * instance is not thread-safe (one per writer: its generator and buffer are reused for every
 * line); {@code fromJson} is static and thread-safe.
 */
public final class RejectionJson {
  /** The keys of a rejection line, in the order they are written. */
  public static final List<String> KEYS =
      List.of(
          "run_id", "pipeline", "stage", "reason", "rule", "field", "message", "source", "line", "raw",
          "header", "errors");

  private static final ObjectMapper READER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final JsonLines lines = new JsonLines();

  /** The rejection as one JSON object, without a line terminator. */
  public String format(Rejection r) {
    return lines.line(r, RejectionJson::write);
  }

  private static void write(JsonGenerator gen, Rejection r) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("run_id", r.runId());
    gen.writeStringField("pipeline", r.pipeline());
    gen.writeStringField("stage", r.stage());
    gen.writeStringField("reason", r.reason());
    gen.writeStringField("rule", r.rule());
    gen.writeStringField("field", r.field());
    gen.writeStringField("message", r.message());
    gen.writeStringField("source", r.source());
    gen.writeNumberField("line", r.line());
    gen.writeStringField("raw", r.raw());
    if (r.header() != null) {
      gen.writeStringField("header", r.header());
    }
    writeViolations(gen, "errors", r.errors());
    gen.writeEndObject();
  }

  /** {@code name}: an array of {reason, rule, field, message} objects (also the warned records' warnings). */
  static void writeViolations(JsonGenerator gen, String name, java.util.List<Violation> violations) throws IOException {
    gen.writeArrayFieldStart(name);
    for (Violation v : violations) {
      gen.writeStartObject();
      gen.writeStringField("reason", v.reason());
      gen.writeStringField("rule", v.rule());
      gen.writeStringField("field", v.field());
      gen.writeStringField("message", v.message());
      gen.writeEndObject();
    }
    gen.writeEndArray();
  }

  /**
   * Reads a line written by {@link #format}. {@code errors} is authoritative; a line without it
   * yields one violation from the top-level {@code reason, rule, field, message}. Unknown keys are
   * ignored.
   *
   * @throws IllegalArgumentException when the line is not JSON, or lacks a required key ({@code
   *     run_id, pipeline, stage, source, line, raw}, and a reason), or a value has the wrong type
   */
  public static Rejection fromJson(String line) {
    JsonNode n;
    try {
      n = READER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a rejection line: " + e.getOriginalMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a rejection line: not a JSON object");
    }
    JsonNode errorsNode = n.get("errors");
    List<Violation> errors = new ArrayList<>();
    if (errorsNode == null || errorsNode.isNull()) {
      errors.add(violation(n, "the rejection"));
    } else if (errorsNode.isArray() && !errorsNode.isEmpty()) {
      for (int i = 0; i < errorsNode.size(); i++) {
        JsonNode e = errorsNode.get(i);
        if (!e.isObject()) {
          throw new IllegalArgumentException("not a rejection line: errors[" + i + "] is not an object");
        }
        errors.add(violation(e, "errors[" + i + "]"));
      }
    } else {
      throw new IllegalArgumentException("not a rejection line: \"errors\" is not a non-empty array");
    }
    JsonNode lineNode = n.get("line");
    if (lineNode == null || !lineNode.canConvertToExactIntegral() || !lineNode.canConvertToLong()) {
      throw new IllegalArgumentException("not a rejection line: \"line\" must be an integer");
    }
    return new Rejection(
        required(n, "run_id"),
        required(n, "pipeline"),
        required(n, "stage"),
        required(n, "source"),
        lineNode.asLong(),
        required(n, "raw"),
        optional(n, "header", "the rejection"),
        errors);
  }

  private static Violation violation(JsonNode n, String where) {
    String reason = optional(n, "reason", where);
    if (reason == null) {
      throw new IllegalArgumentException("not a rejection line: " + where + " has no \"reason\"");
    }
    return new Violation(reason, optional(n, "rule", where), optional(n, "field", where), optional(n, "message", where));
  }

  private static String required(JsonNode n, String key) {
    String v = optional(n, key, "the rejection");
    if (v == null) {
      throw new IllegalArgumentException("not a rejection line: no \"" + key + "\"");
    }
    return v;
  }

  private static String optional(JsonNode n, String key, String where) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(
          "not a rejection line: " + where + " \"" + key + "\" is not a string");
    }
    return v.textValue();
  }
}
