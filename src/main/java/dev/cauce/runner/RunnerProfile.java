package dev.cauce.runner;

import dev.cauce.dedupe.Deduplicate;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What cauce does differently on the runner the options name, resolved once: how dedupe groups,
 * the default size of input parts, whether {@code run()} must be told not to block, and which
 * cluster must answer before a job is submitted. The only class that looks at which runner it is;
 * transforms take these choices as parameters. Counters are read the same way on every runner
 * ({@code RunCounts}: committed values where the runner has them, else attempted).
 */
public final class RunnerProfile {
  /** Input part size where parts are spread over the workers at random: many small parts even out the work. */
  public static final long SPREAD_SPLIT_BYTES = 1L << 20;

  /** Input part size on the Direct runner, whose GroupByKey copies state once per bundle: fewer, larger parts. */
  public static final long DIRECT_SPLIT_BYTES = 16L << 20;

  private final boolean direct;
  private final String remoteMaster;

  private RunnerProfile(boolean direct, String remoteMaster) {
    this.direct = direct;
    this.remoteMaster = remoteMaster;
  }

  public static RunnerProfile of(PipelineOptions options) {
    Class<?> runner = options.getRunner();
    String master = null;
    if (runner == FlinkRunner.class) {
      master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
      if (master != null && master.startsWith("[")) {
        master = null; // [local], [auto], [collection]: no remote cluster to reach
      }
    }
    return new RunnerProfile(runner == DirectRunner.class, master);
  }

  /** By hash bucket on the Direct runner (it pays per group), by key elsewhere (sorted groups, flat memory). */
  public Deduplicate.Grouping dedupeGrouping() {
    return direct ? Deduplicate.Grouping.BUCKET : Deduplicate.Grouping.KEY;
  }

  /** The input part size: {@code configured} ({@code --splitBytes}) when above 0, else this runner's. */
  public long splitBytes(long configured) {
    if (configured > 0) {
      return configured;
    }
    return direct ? DIRECT_SPLIT_BYTES : SPREAD_SPLIT_BYTES;
  }

  /**
   * Sets what this runner needs on the options before the pipeline is created: the Direct runner
   * returns from {@code run()} at once, so counters can be read while the job runs (Flink's batch
   * {@code run()} blocks until the job ends whatever is set).
   */
  public void prepare(PipelineOptions options) {
    if (direct) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
  }

  /** A problem to report (exit 2) before submitting: a remote Flink cluster that does not answer; else empty. */
  public Optional<String> preflight() {
    return remoteMaster == null ? Optional.empty() : ClusterCheck.problem(remoteMaster);
  }
}
