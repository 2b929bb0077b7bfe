package dev.cauce.monitor;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class AlertsTest {
  private static Map<String, Object> report(String status, long read, long rejected) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("pipeline", "p");
    r.put("run_id", "r1");
    r.put("status", status);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("read", read);
    c.put("rejected", rejected);
    c.put("written", Map.of("p", read - rejected));
    c.put("duplicates", 0L);
    r.put("counts", c);
    return r;
  }

  @Test
  public void anOpenedCircuitBreakerIsAnAlertEvenForASucceededRun() {
    Alerts.Decision d = Alerts.decide(report("SUCCEEDED", 10, 0), Map.of("cauce:http.breaker_opened", 2L), null);
    assertThat(d.reasons(), contains("circuit breaker opened: cauce:http.breaker_opened = 2"));
  }

  @Test
  public void aCleanSucceededRunIsNoAlertAndTheThresholdIsStrict() {
    assertThat(Alerts.decide(report("SUCCEEDED", 10, 1), Map.of(), 0.1).reasons(), empty());
    assertThat(Alerts.decide(report("SUCCEEDED", 10, 2), Map.of(), 0.1).reasons().size(), equalTo(1));
  }

  @Test
  public void thePayloadIsSlackCompatibleAndStructured() {
    Map<String, Object> r = report("FAILED", 10, 0);
    r.put("error", "the job failed: boom");
    Alerts.Decision d = Alerts.decide(r, Map.of(), null);
    Map<String, Object> p = Alerts.payload(d, r, "/out/_runs/r1/run-report.json", null);
    assertThat(List.copyOf(p.keySet()).subList(0, 5), contains("text", "pipeline", "run_id", "status", "alerts"));
    assertThat(p.get("text"), equalTo(":rotating_light: cauce pipeline p run r1 FAILED: run failed: the job failed: boom (report: /out/_runs/r1/run-report.json)"));
  }
}
