package dev.cauce.archfixture;

import org.apache.beam.sdk.options.PipelineOptions;

/** ArchitectureTest's sample of a class that names a runner outside the profile. */
public final class NamesARunnerSample {
  static final String FLINK = "FlinkRunner";

  public static boolean flink(PipelineOptions options) {
    return options.getRunner().getSimpleName().equals(FLINK);
  }
}
