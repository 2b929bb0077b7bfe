package dev.cauce;

import dev.cauce.fault.FaultPoints;
import dev.cauce.files.NoSpace;
import dev.cauce.ingest.HttpSource;
import dev.cauce.metrics.RunCounts;
import dev.cauce.monitor.RunReport;
import dev.cauce.replay.DedupeAgainstLive;
import dev.cauce.runner.RunnerProfile;
import dev.cauce.spec.PipelineSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job: builds the pipeline the plan describes, runs it with progress, and reads its counters. */
final class RunJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

  private RunJob() {}

  /**
   * What the job left for the finish.
   *
   * @param counts the job's counts; null when it failed
   * @param error why it failed, or null
   * @param jdbc the report's PostgreSQL section; null without tables or when the job failed
   * @param breakers counters ending in {@code breaker_opened} that are above 0, by name
   * @param noSpace whether it failed for lack of disk space ({@link NoSpace})
   */
  record Result(RunCounts counts, String error, RunReport.Jdbc jdbc, long runMillis, Map<String, Long> breakers, boolean noSpace) {
    Result(RunCounts counts, String error, RunReport.Jdbc jdbc, long runMillis, Map<String, Long> breakers) {
      this(counts, error, jdbc, runMillis, breakers, false);
    }
  }

  static Result run(RunPlan plan, RunStart start, RunStop stop) {
    PipelineSpec spec = plan.spec();
    LOG.info("run {} of pipeline {}: {}, runner {}", plan.runId(), spec.name(),
        plan.fromApi() ? "the HTTP API " + HttpSource.describe(spec.source().http()) : start.inputs().size() + " input file(s)",
        plan.runner());
    plan.references().values().forEach(t -> LOG.info("reference {}", t.describe()));
    plan.profile().prepare(plan.options());
    Pipeline pipeline = Pipeline.create(plan.options());
    CauceJob.Input input = CauceJob.Input.of(plan.options(), plan.profile()).withFiles(start.filesToRead())
        .withReferences(plan.references());
    if (plan.options().getReplay() != null) {
      input = input.withLive(DedupeAgainstLive.Live.of(spec, start.live()).orElse(null));
    }
    CauceJob.write(CauceJob.build(pipeline, spec, plan.runId(), input), spec, plan.runId(), plan.jdbc());
    long started = System.currentTimeMillis();
    PipelineResult result = null;
    try {
      if (stop.requested()) {
        return new Result(null, "stopped before the job started", null, 0, Map.of());
      }
      start.jobStarting();
      result = RunnerProfile.track(pipeline.run(), plan.options());
      stop.watch(result); // a stop from here on cancels the job
      FaultPoints.reached("job:running"); // the Direct runner returns at once: the job goes on on its threads
      start.jobRunning(result);
      PipelineResult.State state = result.waitUntilFinish();
      long millis = System.currentTimeMillis() - started;
      if (state != PipelineResult.State.DONE) {
        return new Result(null, "the job ended in state " + state, null, millis, breakers(result));
      }
      RunReport.Jdbc jdbc = plan.jdbc().isEmpty() ? null : plan.jdbc().report(result.metrics());
      return new Result(RunCounts.from(result.metrics()), null, jdbc, millis, breakers(result));
    } catch (RuntimeException e) {
      LOG.error("run {} failed", plan.runId(), e);
      return new Result(null, "the job failed: " + rootMessage(e), null, System.currentTimeMillis() - started, breakers(result),
          NoSpace.causedBy(e));
    }
  }

  /** Counters (any namespace) whose name ends with {@code breaker_opened} and are above 0. */
  private static Map<String, Long> breakers(PipelineResult result) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (result == null) {
      return m;
    }
    try {
      for (MetricResult<Long> c : result.metrics().allMetrics().getCounters()) {
        Long v = c.getAttempted();
        if (c.getName().getName().endsWith("breaker_opened") && v != null && v > 0) {
          m.merge(c.getName().getNamespace() + ":" + c.getName().getName(), v, Long::sum);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("could not read the job's counters for circuit breakers: {}", e.toString());
    }
    return m;
  }

  /** The innermost cause, as "Type: message". */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
