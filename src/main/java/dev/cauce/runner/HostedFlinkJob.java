package dev.cauce.runner;

import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.accumulators.AccumulatorHelper;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.joda.time.Duration;

/**
 * The job of a detached run that a Flink client hosts (Flink's REST API and web UI run main inside
 * the JobManager, where the job client Beam holds answers neither state nor counters): its state,
 * cancel and counters through the cluster's REST API ({@link RestClusterClient}, configured as the
 * client is). The job is the newest one with the run's job name. Counters are Beam's, from the
 * job's metrics accumulator (attempted values, as on any Flink job); the final ones from its result.
 */
final class HostedFlinkJob implements PipelineResult {
  private final Configuration conf;
  private final String jobName;
  private final String accumulator;
  private volatile JobID id;
  private volatile MetricResults finalMetrics;

  HostedFlinkJob(Configuration conf, String jobName, String accumulator) {
    this.conf = conf;
    this.jobName = jobName;
    this.accumulator = accumulator;
  }

  @Override
  public State getState() {
    return call(c -> state(c.getJobStatus(id(c)).get()));
  }

  @Override
  public State cancel() throws IOException {
    return call(c -> {
      c.cancel(id(c)).get();
      return state(c.getJobStatus(id(c)).get());
    });
  }

  /**
   * Waits for the job's result (the REST client polls for it), which also holds its final counters:
   * {@code GET /jobs/<id>/accumulators} may answer from a cache of the running job for a few seconds.
   */
  @Override
  public State waitUntilFinish(Duration duration) {
    return call(c -> {
      CompletableFuture<JobResult> future = c.requestJobResult(id(c));
      JobResult r;
      try {
        r = duration.getMillis() < 1 ? future.get() : future.get(duration.getMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return state(c.getJobStatus(id(c)).get());
      }
      finalMetrics = results(AccumulatorHelper.deserializeAndUnwrapAccumulators(r.getAccumulatorResults(), loader()).get(accumulator));
      return switch (r.getApplicationStatus()) {
        case SUCCEEDED -> State.DONE;
        case CANCELED -> State.CANCELLED;
        case FAILED -> State.FAILED;
        default -> State.UNKNOWN;
      };
    });
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  @Override
  public MetricResults metrics() {
    if (finalMetrics != null) {
      return finalMetrics;
    }
    Map<String, Object> all = call(c -> c.getAccumulators(id(c), loader()).get());
    return results(all.get(accumulator));
  }

  private static MetricResults results(Object accumulated) {
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(
        accumulated instanceof MetricsContainerStepMap map ? map : new MetricsContainerStepMap());
  }

  private static ClassLoader loader() {
    return HostedFlinkJob.class.getClassLoader();
  }

  private JobID id(RestClusterClient<StandaloneClusterId> c) throws ExecutionException, InterruptedException {
    if (id == null) {
      id = c.listJobs().get().stream().filter(j -> j.getJobName().equals(jobName))
          .max(Comparator.comparingLong(JobStatusMessage::getStartTime)).map(JobStatusMessage::getJobId)
          .orElseThrow(() -> new IllegalStateException("no job named " + jobName + " on the Flink cluster at "
              + conf.toMap().getOrDefault("rest.address", "?") + ":" + conf.toMap().getOrDefault("rest.port", "?")));
    }
    return id;
  }

  private static State state(JobStatus s) {
    return switch (s) {
      case FINISHED -> State.DONE;
      case CANCELED -> State.CANCELLED;
      case FAILED -> State.FAILED;
      case SUSPENDED -> State.STOPPED;
      default -> State.RUNNING;
    };
  }

  private interface Call<T> {
    T apply(RestClusterClient<StandaloneClusterId> c) throws Exception;
  }

  private <T> T call(Call<T> f) {
    try (RestClusterClient<StandaloneClusterId> c = new RestClusterClient<>(conf, StandaloneClusterId.getInstance())) {
      return f.apply(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the Flink cluster about job " + jobName, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not ask the Flink cluster about job " + jobName + ": " + e, e);
    }
  }
}
