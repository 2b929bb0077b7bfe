package dev.cauce;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.cauce.monitor.RunOutcome;
import org.junit.Test;

/** The nothing-new exit code: 0 by default, or a free code such as Airflow's 99; never one of cauce's own. */
public class ExitCodeTest {
  @Test
  public void nothingNewIsOkByDefaultAndTheChosenCodeOtherwise() {
    assertThat(ExitCode.of(new RunOutcome.Skipped("r", "nothing new to ingest")), equalTo(ExitCode.OK));
    ExitCode skip = ExitCode.of(new RunOutcome.Skipped("r", "nothing new to ingest", 99));
    assertThat(skip.code, equalTo(99));
    assertThat(skip.toString(), equalTo("NOTHING_NEW(99)"));
    assertThat(ExitCode.of(new RunOutcome.Usage(java.util.List.of("x"))), equalTo(ExitCode.USAGE));
  }

  @Test
  public void theNothingNewCodeMayNotMeanSomethingElse() {
    assertThat(ExitCode.problem(0), nullValue());
    assertThat(ExitCode.problem(4), nullValue());
    assertThat(ExitCode.problem(99), nullValue());
    assertThat(ExitCode.problem(125), nullValue());
    String expected = "--nothingNewExitCode must be 0 (the default: nothing new is a success) or 4-125 (e.g. 99, Airflow's skip"
        + " code), not one of cauce's own codes 1, 2, 3, 130, 143 or a shell's; got ";
    for (int code : new int[] {-1, 1, 2, 3, 126, 130, 143, 256}) {
      assertThat(ExitCode.problem(code), equalTo(expected + code));
    }
  }
}
