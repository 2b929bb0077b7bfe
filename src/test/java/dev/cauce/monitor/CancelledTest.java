package dev.cauce.monitor;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;

/** A run stopped by a signal: its exit code, status and the one line it prints. */
public class CancelledTest {
  @Test
  public void sigtermExits143SigintExits130AndAnUnknownSignalCountsAsSigterm() {
    RunOutcome.Cancelled term = new RunOutcome.Cancelled("r1", "SIGTERM", null, "out/o/_staging/r1/", null);
    RunOutcome.Cancelled ctrlC = new RunOutcome.Cancelled("r1", "SIGINT", null, "out/o/_staging/r1/", null);
    RunOutcome.Cancelled unknown = new RunOutcome.Cancelled("r1", null, null, "out/o/_staging/r1/", null);
    assertThat(term.exitCode(), equalTo(143));
    assertThat(ctrlC.exitCode(), equalTo(130));
    assertThat(unknown.exitCode(), equalTo(143));
    assertThat(term.status(), equalTo("CANCELLED"));
    assertThat(dev.cauce.ExitCode.of(ctrlC), equalTo(dev.cauce.ExitCode.INTERRUPTED));
    assertThat(dev.cauce.ExitCode.of(term), equalTo(dev.cauce.ExitCode.TERMINATED));
    assertThat(term.line(), equalTo("cauce: run r1 cancelled by SIGTERM: nothing published; staging kept in out/o/_staging/r1/"));
    assertThat(unknown.why(), equalTo("cancelled by a signal"));
    assertThat(term.reported("x/run-report.json").report(), equalTo("x/run-report.json"));
  }
}
