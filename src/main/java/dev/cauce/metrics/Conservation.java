package dev.cauce.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The conservation check: every record read ends somewhere. For every sink, {@code read = written +
 * rejected + duplicates}; and every rejection reached the dead letter. A run that breaks it fails.
 */
public final class Conservation {
  private Conservation() {}

  /** The check of one run: each sink's equation as text, and the broken ones (none: it holds). */
  public record Check(boolean holds, List<String> equations, List<String> problems) {}

  /** Checks {@code c} for the sinks {@code sinkNames}. */
  public static Check check(RunCounts c, List<String> sinkNames) {
    List<String> equations = new ArrayList<>();
    sinkNames.forEach(s -> equations.add(s + ": " + equation(c, c.writtenBySink().getOrDefault(s, 0L))));
    List<String> problems = problems(c, sinkNames);
    return new Check(problems.isEmpty(), equations, problems);
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
