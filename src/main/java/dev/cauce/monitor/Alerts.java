package dev.cauce.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.secrets.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a run needs a person's attention, and telling them: a failed run, a refused run, a circuit
 * breaker that opened (any counter whose name ends in {@code breaker_opened} above 0), or a
 * rejected ratio above the {@code --alertRejectedRatio} warning threshold. Each alert is an ERROR
 * log line and, with {@code --alertWebhook}, one JSON POST (see {@link AlertSender}).
 */
public final class Alerts {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Alerts() {}

  /** Why to alert (empty: no alert). */
  public record Decision(List<String> reasons) {}

  /**
   * @param o how the run ended
   * @param breakers counters ending in {@code breaker_opened} that are above 0, by name
   * @param rejectedRatioWarning the warning threshold, or null for none
   */
  public static Decision decide(RunOutcome o, Map<String, Long> breakers, Double rejectedRatioWarning) {
    List<String> reasons = new ArrayList<>();
    if (o instanceof RunOutcome.Failed f) {
      reasons.add("run failed: " + (f.error() == null ? "(no error recorded)" : f.error()));
    } else if (o instanceof RunOutcome.Refused r) {
      reasons.add("run " + r.refusal());
    }
    breakers.forEach((name, n) -> reasons.add("circuit breaker opened: " + name + " = " + n));
    if (rejectedRatioWarning != null && o.counted() != null) {
      long read = o.counted().counts().read();
      long rejected = o.counted().counts().rejected();
      if (read > 0 && (double) rejected / read > rejectedRatioWarning) {
        reasons.add(String.format(Locale.ROOT, "rejected ratio %.2f%% (%d of %d) is above the warning threshold %.2f%%",
            100.0 * rejected / read, rejected, read, 100 * rejectedRatioWarning));
      }
    }
    return new Decision(reasons);
  }

  /** The JSON body: Slack's {@code text} plus the structured fields (a map only to render it). */
  public static Map<String, Object> payload(Decision d, RunReport report, String reportPath, String htmlPath) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", ":rotating_light: cauce pipeline " + report.pipeline() + " run " + report.runId() + " " + report.status() + ": "
        + String.join("; ", d.reasons()) + (reportPath == null ? "" : " (report: " + reportPath + ")"));
    body.put("pipeline", report.pipeline());
    body.put("run_id", report.runId());
    body.put("status", report.status());
    body.put("alerts", d.reasons());
    Map<String, Object> counts = new LinkedHashMap<>();
    if (report.counts() != null) {
      counts.put("read", report.counts().read());
      counts.put("written", report.counts().written());
      counts.put("rejected", report.counts().rejected());
      counts.put("duplicates", report.counts().duplicates());
    }
    body.put("counts", counts);
    body.put("error", report.error());
    body.put("report", reportPath);
    body.put("html_report", htmlPath);
    return body;
  }

  /**
   * Logs each reason at ERROR and, when a webhook is set, POSTs the payload. Never throws: a
   * webhook that cannot be reached is logged, and the run's outcome stays what it was.
   */
  public static boolean raise(Decision d, RunReport report, String reportPath, String htmlPath, String webhook) {
    for (String reason : d.reasons()) {
      LOG.error("ALERT pipeline {} run {}: {}", report.pipeline(), report.runId(), Secrets.maskText(reason));
    }
    if (webhook == null || webhook.isBlank()) {
      return false;
    }
    try {
      String body = Secrets.maskText(JSON.writeValueAsString(payload(d, report, reportPath, htmlPath)));
      return new AlertSender(URI.create(webhook), Duration.ofSeconds(5), 3, Duration.ofMillis(500)).send(body);
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.error("could not send the alert: {}", e.toString());
      return false;
    }
  }
}
