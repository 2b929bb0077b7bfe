package dev.cauce.runner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks that the Flink cluster a job will be submitted to answers, before the job is built: a
 * client pointed at a dead JobManager only gives up after about a minute; this says so in seconds.
 */
final class ClusterCheck {
  private ClusterCheck() {}

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A problem to report (and exit 2 on) with the JobManager's REST address {@code master}, or empty. */
  static Optional<String> problem(String master) {
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
