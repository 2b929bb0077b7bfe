package dev.cauce;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Checks, before a job is built, that the cluster it will be submitted to answers. A Flink client
 * pointed at a dead JobManager only gives up after about a minute; this says so in seconds. The job
 * itself never depends on this class: it only guards the submission.
 */
final class Preflight {
  private Preflight() {}

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A problem to report (and exit 2 on), or empty when there is nothing to check or all is well. */
  static Optional<String> check(PipelineOptions options) {
    if (!options.getRunner().getSimpleName().equals("FlinkRunner")) {
      return Optional.empty();
    }
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    if (master == null || master.startsWith("[")) {
      return Optional.empty(); // [local], [auto], [collection]: no remote cluster to reach
    }
    String base = master.startsWith("http://") || master.startsWith("https://") ? master : "http://" + master;
    URI overview = URI.create(base.replaceAll("/+$", "") + "/overview");
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    try {
      HttpResponse<String> r =
          client.send(HttpRequest.newBuilder(overview).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.of("the Flink cluster at " + master + " answered " + r.statusCode() + " to GET /overview; is it a Flink JobManager's REST address?");
      }
      if (r.body().contains("\"slots-total\":0")) {
        return Optional.of("the Flink cluster at " + master + " has no TaskManager slots; check `make flink-status` and the TaskManager log");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot reach the Flink cluster at " + master + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Start the project's cluster with `make flink-up`,"
          + " or pass --flinkMaster=<host:port> of your JobManager's REST endpoint.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking the Flink cluster at " + master);
    }
  }
}
