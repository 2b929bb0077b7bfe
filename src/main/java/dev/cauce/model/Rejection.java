package dev.cauce.model;

import java.io.Serializable;
import java.util.List;

/**
 * A rejected record, as written to the dead letter: one per record, however many problems it has.
 * The top-level reason, rule, field and message are those of the first violation; {@code errors}
 * lists them all. {@code raw} is the record's original text, so fixed records can be fed back in.
 */
public record Rejection(
    String runId,
    String pipeline,
    String stage,
    String source,
    long line,
    String raw,
    String header,
    List<Violation> errors)
    implements Serializable {

  public Rejection {
    errors = List.copyOf(errors);
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a rejection needs at least one violation");
    }
  }

  public static Rejection of(String runId, String pipeline, Stage stage, SourceRecord origin, List<Violation> errors) {
    return new Rejection(
        runId, pipeline, stage.id(), origin.source(), origin.line(), origin.text(), origin.header(), errors);
  }

  public String reason() {
    return errors.get(0).reason();
  }

  public String rule() {
    return errors.get(0).rule();
  }

  public String field() {
    return errors.get(0).field();
  }

  public String message() {
    return errors.get(0).message();
  }
}
