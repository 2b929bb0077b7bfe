package dev.cauce.monitor;

import dev.cauce.resilience.Resilience;
import dev.cauce.resilience.RetrySettings;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one alert as JSON, retried with exponential backoff ({@link Resilience}) on
 * connection errors, timeouts, 429 and 5xx answers. Bounded: at most {@code attempts} requests of
 * at most {@code timeout} each, with waits of {@code firstWait}, then twice as long, between them.
 * The webhook URL is never logged (a Slack webhook's path is its secret): only its host.
 */
public final class AlertSender {
  private static final Logger LOG = LoggerFactory.getLogger(AlertSender.class);

  /** An answer worth trying again. */
  static final class RetryableStatus extends IOException {
    RetryableStatus(int status) {
      super("HTTP " + status);
    }
  }

  private final URI webhook;
  private final Duration timeout;
  private final Retry retry;
  private final HttpClient client;

  public AlertSender(URI webhook, Duration timeout, int attempts, Duration firstWait) {
    this.webhook = webhook;
    this.timeout = timeout;
    // capped at the last retry's own wait: the waits double and nothing is cut short
    RetrySettings settings = new RetrySettings(attempts, firstWait, 2.0, 0, firstWait.multipliedBy(1L << Math.max(0, attempts - 2)));
    this.retry = Retry.of("alert-webhook", Resilience.retry(settings, IOException.class::isInstance).build());
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Sends {@code json}; true when the webhook accepted it (2xx), false otherwise (logged). */
  public boolean send(String json) {
    String where = webhook.getScheme() + "://" + webhook.getHost() + (webhook.getPort() < 0 ? "" : ":" + webhook.getPort());
    HttpRequest request = HttpRequest.newBuilder(webhook)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
        .build();
    try {
      int status = Retry.decorateCheckedSupplier(retry, () -> post(request)).get();
      if (status / 100 == 2) {
        LOG.info("alert sent to {} (HTTP {})", where, status);
        return true;
      }
      LOG.error("the alert webhook at {} refused the alert: HTTP {}", where, status);
      return false;
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.error("could not deliver the alert to {} after {} attempt(s): {}", where, retry.getRetryConfig().getMaxAttempts(), e.toString());
      return false;
    }
  }

  private int post(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 429 || r.statusCode() >= 500) {
      throw new RetryableStatus(r.statusCode());
    }
    return r.statusCode();
  }
}
