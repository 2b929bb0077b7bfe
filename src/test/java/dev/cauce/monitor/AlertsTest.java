package dev.cauce.monitor;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.metrics.Conservation;
import dev.cauce.metrics.RunCounts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class AlertsTest {
  private static RunOutcome outcome(String status, long read, long rejected) {
    RunCounts c = RunCounts.fromCounters(Map.of("read", read, "rejected.validate", rejected, "written.p", read - rejected,
        "dead_lettered", rejected));
    RunOutcome.Counted counted = new RunOutcome.Counted(c, Conservation.check(c, List.of("p")), null);
    return status.equals("FAILED") ? new RunOutcome.Failed("r1", "the job failed: boom", counted, "/out/_staging/r1/", null)
        : new RunOutcome.Succeeded("r1", counted, List.of("/out/p/"), null);
  }

  private static RunReport report(RunOutcome o) {
    RunReport.Run run = new RunReport.Run("r1", "p", "p.yaml", "DirectRunner", Instant.EPOCH, Map.of(), List.of());
    return RunReport.of(run, null, null, o, new RunReport.Timings(1L, null, null, null), Instant.EPOCH);
  }

  @Test
  public void anOpenedCircuitBreakerIsAnAlertEvenForASucceededRun() {
    Alerts.Decision d = Alerts.decide(outcome("SUCCEEDED", 10, 0), Map.of("cauce:http.breaker_opened", 2L), null);
    assertThat(d.reasons(), contains("circuit breaker opened: cauce:http.breaker_opened = 2"));
  }

  @Test
  public void aCleanSucceededRunIsNoAlertAndTheThresholdIsStrict() {
    assertThat(Alerts.decide(outcome("SUCCEEDED", 10, 1), Map.of(), 0.1).reasons(), empty());
    assertThat(Alerts.decide(outcome("SUCCEEDED", 10, 2), Map.of(), 0.1).reasons().size(), equalTo(1));
  }

  @Test
  public void thePayloadIsSlackCompatibleAndStructured() {
    RunOutcome failed = outcome("FAILED", 10, 0);
    Alerts.Decision d = Alerts.decide(failed, Map.of(), null);
    Map<String, Object> p = Alerts.payload(d, report(failed), "/out/_runs/r1/run-report.json", null);
    assertThat(List.copyOf(p.keySet()).subList(0, 5), contains("text", "pipeline", "run_id", "status", "alerts"));
    assertThat(p.get("text"), equalTo(":rotating_light: cauce pipeline p run r1 FAILED: run failed: the job failed: boom (report: /out/_runs/r1/run-report.json)"));
  }
}
