package dev.cauce.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The conservation check: every record read ends somewhere. For every sink, {@code read = written +
 * rejected + duplicates}; and every rejection reached the dead letter. For file sources, every
 * physical line too: {@code lines consumed = lines in records + lines skipped}. A run that breaks
 * it fails.
 */
public final class Conservation {
  private Conservation() {}

  /**
   * The check of one run: each sink's equation as text, the line equation ({@code lines}; null for
   * an HTTP source, which has no lines), and the broken ones (none: it holds).
   */
  public record Check(boolean holds, List<String> equations, String lines, List<String> problems) {}

  /** Checks the records of {@code c} for the sinks {@code sinkNames} (no line check). */
  public static Check check(RunCounts c, List<String> sinkNames) {
    return check(c, sinkNames, false);
  }

  /** Checks {@code c} for the sinks {@code sinkNames}, and its lines when it read files ({@code fileSource}). */
  public static Check check(RunCounts c, List<String> sinkNames, boolean fileSource) {
    List<String> equations = new ArrayList<>();
    sinkNames.forEach(s -> equations.add(s + ": " + equation(c, c.writtenBySink().getOrDefault(s, 0L))));
    List<String> problems = problems(c, sinkNames);
    if (fileSource && !linesHold(c.lines())) {
      RunCounts.Lines l = c.lines();
      problems.add("lines: " + lineEquation(l).replace(" = ", " != ") + " (difference "
          + (l.consumed() - l.inRecords() - l.skippedTotal()) + ")");
    }
    return new Check(problems.isEmpty(), equations, fileSource ? lineEquation(c.lines()) : null, problems);
  }

  /** Whether every physical line consumed is in a record or skipped. */
  public static boolean linesHold(RunCounts.Lines l) {
    return l.consumed() == l.inRecords() + l.skippedTotal();
  }

  /** The line equation as text: {@code consumed 310 = in records 300 + skipped 10 (blank 9, header 1)}. */
  public static String lineEquation(RunCounts.Lines l) {
    String reasons = l.skipped().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
    return "consumed " + l.consumed() + " = in records " + l.inRecords() + " + skipped " + l.skippedTotal()
        + (reasons.isEmpty() ? "" : " (" + reasons + ")");
  }

  /** The equation as text, for one sink's written count. */
  public static String equation(RunCounts c, long written) {
    return "read " + c.read() + " = written " + written + " + rejected " + c.rejected() + " + duplicates " + c.duplicates();
  }

  /** The broken equations, empty when everything adds up. */
  public static List<String> problems(RunCounts c, List<String> sinkNames) {
    List<String> problems = new ArrayList<>();
    for (String sink : sinkNames) {
      long written = c.writtenBySink().getOrDefault(sink, 0L);
      if (c.read() != written + c.rejected() + c.duplicates()) {
        problems.add("sink " + sink + ": " + equation(c, written).replace(" = ", " != ")
            + " (difference " + (c.read() - written - c.rejected() - c.duplicates()) + ")");
      }
    }
    if (c.deadLettered() != c.rejected()) {
      problems.add("dead letter: " + c.deadLettered() + " rejections written, but " + c.rejected() + " records rejected");
    }
    return problems;
  }
}
