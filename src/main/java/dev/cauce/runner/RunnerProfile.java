package dev.cauce.runner;

import dev.cauce.dedupe.Deduplicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.configuration.DeploymentOptions;

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
  private final String hostProblem;

  private RunnerProfile(boolean direct, String remoteMaster, String hostProblem) {
    this.direct = direct;
    this.remoteMaster = remoteMaster;
    this.hostProblem = hostProblem;
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
    String hostProblem = hostedByFlink() && runner != FlinkRunner.class
        ? "a Flink client runs this job (flink run, or a jar run through Flink's REST API or web UI): leave --runner out"
            + " or give --runner=FlinkRunner, not " + runner.getSimpleName()
        : null;
    return new RunnerProfile(runner == DirectRunner.class, master, hostProblem);
  }

  /**
   * Whether a Flink client runs this main: {@code flink run}, or Flink's REST API ({@code
   * /jars/<id>/run}, what the web UI's "Submit New Job" calls), which runs it inside the JobManager.
   * That client owns the JVM: cauce must not exit it nor take its signals; the job goes to its cluster.
   */
  public static boolean hostedByFlink() {
    try {
      return !ExecutionEnvironment.areExplicitEnvironmentsAllowed();
    } catch (LinkageError e) {
      return false; // no Flink on the classpath
    }
  }

  /**
   * {@code args} for a run a Flink client hosts ({@link #hostedByFlink}), else unchanged: FlinkRunner
   * unless given, on the client's cluster ({@code --flinkMaster=[auto]}: a master given is dropped,
   * with a warning); when the client is detached (the REST API, {@code flink run -d}) Beam's detached
   * mode, the run then waiting for its job ({@link #track}) before it publishes.
   */
  public static String[] hostedArgs(String[] args, List<String> warnings) {
    if (!hostedByFlink()) {
      return args;
    }
    List<String> out = new ArrayList<>(List.of("--runner=FlinkRunner"));
    if (!ExecutionEnvironment.getExecutionEnvironment().getConfiguration().get(DeploymentOptions.ATTACHED)) {
      out.add("--attachedMode=false");
    }
    for (String a : args) {
      if (a.startsWith("--flinkMaster=") && !a.equals("--flinkMaster=[auto]")) {
        warnings.add("cauce: warning: " + a + " ignored: a Flink client runs this job, it goes to that client's cluster");
      } else {
        out.add(a);
      }
    }
    out.add("--flinkMaster=[auto]");
    return out.toArray(String[]::new);
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

  /**
   * The job {@code run()} started, as the run watches it: under a detached Flink client (the REST API,
   * the web UI, {@code flink run -d}) through the cluster's REST API, since the job client Beam holds
   * there answers neither state nor counters; else {@code result} itself.
   */
  public static PipelineResult track(PipelineResult result, PipelineOptions options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (!hostedByFlink() || options.getRunner() != FlinkRunner.class || flink.getAttachedMode()) {
      return result;
    }
    return new HostedFlinkJob(ExecutionEnvironment.getExecutionEnvironment().getConfiguration(), options.getJobName(),
        FlinkMetricContainer.ACCUMULATOR_NAME);
  }

  /**
   * A problem to report (exit 2) before submitting: a remote Flink cluster that does not answer, or
   * another runner than Flink's under a Flink client; else empty.
   */
  public Optional<String> preflight() {
    if (hostProblem != null) {
      return Optional.of(hostProblem);
    }
    return remoteMaster == null ? Optional.empty() : ClusterCheck.problem(remoteMaster);
  }
}
