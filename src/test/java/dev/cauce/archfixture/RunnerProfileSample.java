package dev.cauce.archfixture;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/** ArchitectureTest's sample of a runner profile: it may name runners. */
public final class RunnerProfileSample {
  public static boolean direct(PipelineOptions options) {
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      options.as(DirectOptions.class).setBlockOnRun(false);
      return true;
    }
    return false;
  }
}
