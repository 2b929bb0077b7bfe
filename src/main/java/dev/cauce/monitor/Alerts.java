package dev.cauce.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
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
   * @param report the run report ({@link RunReport#asMap()})
   * @param breakers counters ending in {@code breaker_opened} that are above 0, by name
   * @param rejectedRatioWarning the warning threshold, or null for none
   */
  public static Decision decide(Map<String, Object> report, Map<String, Long> breakers, Double rejectedRatioWarning) {
    List<String> reasons = new ArrayList<>();
    String status = String.valueOf(report.get("status"));
    if (status.equals("FAILED") || status.equals("RUNNING")) {
      reasons.add("run failed: " + (report.get("error") == null ? "(no error recorded)" : report.get("error")));
    } else if (status.equals("REFUSED")) {
      reasons.add("run refused by the quality gate: " + breachText(report));
    }
    breakers.forEach((name, n) -> reasons.add("circuit breaker opened: " + name + " = " + n));
    if (rejectedRatioWarning != null && report.get("counts") instanceof Map<?, ?> c) {
      long read = ((Number) c.get("read")).longValue();
      long rejected = ((Number) c.get("rejected")).longValue();
      if (read > 0 && (double) rejected / read > rejectedRatioWarning) {
        reasons.add(String.format(Locale.ROOT, "rejected ratio %.2f%% (%d of %d) is above the warning threshold %.2f%%",
            100.0 * rejected / read, rejected, read, 100 * rejectedRatioWarning));
      }
    }
    return new Decision(reasons);
  }

  private static String breachText(Map<String, Object> report) {
    if (report.get("quality_gate") instanceof Map<?, ?> g && g.get("breaches") instanceof List<?> bs) {
      List<String> m = new ArrayList<>();
      bs.forEach(b -> m.add(String.valueOf(((Map<?, ?>) b).get("message"))));
      return String.join("; ", m);
    }
    return "(no breach recorded)";
  }

  /** The JSON body: Slack's {@code text} plus the structured fields. */
  public static Map<String, Object> payload(Decision d, Map<String, Object> report, String reportPath, String htmlPath) {
    Map<String, Object> body = new LinkedHashMap<>();
    String status = String.valueOf(report.get("status"));
    body.put("text", ":rotating_light: cauce pipeline " + report.get("pipeline") + " run " + report.get("run_id") + " " + status + ": "
        + String.join("; ", d.reasons()) + (reportPath == null ? "" : " (report: " + reportPath + ")"));
    body.put("pipeline", report.get("pipeline"));
    body.put("run_id", report.get("run_id"));
    body.put("status", status);
    body.put("alerts", d.reasons());
    Map<String, Object> counts = new LinkedHashMap<>();
    if (report.get("counts") instanceof Map<?, ?> c) {
      counts.put("read", c.get("read"));
      counts.put("written", c.get("written"));
      counts.put("rejected", c.get("rejected"));
      counts.put("duplicates", c.get("duplicates"));
    }
    body.put("counts", counts);
    body.put("error", report.get("error"));
    body.put("report", reportPath);
    body.put("html_report", htmlPath);
    return body;
  }

  /**
   * Logs each reason at ERROR and, when a webhook is set, POSTs the payload. Never throws: a
   * webhook that cannot be reached is logged, and the run's outcome stays what it was.
   */
  public static boolean raise(Decision d, Map<String, Object> report, String reportPath, String htmlPath, String webhook) {
    for (String reason : d.reasons()) {
      LOG.error("ALERT pipeline {} run {}: {}", report.get("pipeline"), report.get("run_id"), Secrets.maskText(reason));
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
