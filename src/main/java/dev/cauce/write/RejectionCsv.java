package dev.cauce.write;

import dev.cauce.model.Violation;
import java.util.stream.Collectors;
import dev.cauce.model.Rejection;
import java.util.List;

/**
 * The dead letter's CSV form of a {@link Rejection} ({@code dead_letter.format: csv}): the columns
 * {@code run_id, pipeline, stage, reason, rule, field, message, source, line, raw, reasons,
 * error_count}, where reason, rule, field and message are the first violation's, {@code reasons}
 * lists every violation's reason code separated by {@code |}, and {@code error_count} says how many
 * violations the record had. The CSV form keeps neither the other violations' messages nor the CSV
 * source's header: replay from the JSON Lines form ({@link RejectionJson#fromJson}).
 *
 * <p>Not thread-safe: one instance per writer.
 */
public final class RejectionCsv {
  /** The columns, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "run_id", "pipeline", "stage", "reason", "rule", "field", "message", "source", "line", "raw",
          "reasons", "error_count");

  private final CsvLines lines = new CsvLines();
  private final String[] values = new String[COLUMNS.size()];

  /** The header line. */
  public static String header() {
    return String.join(",", COLUMNS);
  }

  /** The rejection as one CSV line, without a line terminator. */
  public String format(Rejection r) {
    values[0] = r.runId();
    values[1] = r.pipeline();
    values[2] = r.stage();
    values[3] = r.reason();
    values[4] = r.rule();
    values[5] = r.field();
    values[6] = r.message();
    values[7] = r.source();
    values[8] = Long.toString(r.line());
    values[9] = r.raw();
    values[10] = r.errors().stream().map(Violation::reason).collect(Collectors.joining("|"));
    values[11] = Integer.toString(r.errors().size());
    return lines.line(values);
  }
}
