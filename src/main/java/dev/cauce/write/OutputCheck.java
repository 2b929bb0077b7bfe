package dev.cauce.write;

import java.io.IOException;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Checks, before a job is built, that the output folder can be listed: on an object store this
 * catches a bucket that does not exist or cannot be read (a typo in {@code --output}), which would
 * otherwise only fail the job once it writes its first file, after all the reading and processing,
 * and leave no run report. It lists {@code <output>/_runs/<runId>/}, normally empty, so it costs one
 * call. A local folder that does not exist yet passes (it is created when written).
 */
public final class OutputCheck {
  private OutputCheck() {}

  /** A problem to report (exit code 2), or empty when the output folder can be listed. */
  public static Optional<String> problem(String output, String runId) {
    String probe = Layout.runDir(output, runId) + "*";
    try {
      MatchResult m = FileSystems.match(probe, EmptyMatchTreatment.ALLOW);
      if (m.status() == MatchResult.Status.OK || m.status() == MatchResult.Status.NOT_FOUND) {
        return Optional.empty();
      }
      m.metadata(); // throws the listing's error
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of("cannot use the output folder " + Layout.dir(output) + ": " + e.getMessage()
          + "; check --output (or output in the spec), that the bucket exists and that these credentials may list it");
    }
  }

  /**
   * A problem to report (exit code 2) when the output folder's commit record names another owner
   * pipeline than {@code pipeline}, or cannot be read; empty when the folder is the pipeline's or
   * has no commit yet. One folder has one owner, so two pipelines never replace each other's data.
   */
  public static Optional<String> ownerProblem(String output, String pipeline) {
    LiveOutput live;
    try {
      live = LiveOutput.read(output);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of("cannot read the commit record of the output folder " + Layout.dir(output) + ": " + e.getMessage());
    }
    return live.commit().filter(c -> !c.owner().equals(pipeline)).map(c -> Publisher.ownerMessage(output, c, pipeline));
  }
}
