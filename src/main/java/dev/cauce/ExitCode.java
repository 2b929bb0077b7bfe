package dev.cauce;

import dev.cauce.monitor.RunOutcome;
import java.util.List;
import java.util.Objects;

/**
 * cauce's exit codes; the README lists them. Every launcher passes them on unchanged ({@code
 * runners/cauce}, the Airflow DAG's tasks); only make turns a failing command into its own 2. A
 * class, not an enum: the nothing-new code is chosen per run ({@code --nothingNewExitCode}).
 */
public final class ExitCode {
  /** The run succeeded and its output was published, or it had nothing new to ingest (by default). */
  public static final ExitCode OK = new ExitCode("OK", 0);
  /** The job failed, or its counts did not add up: nothing was published. The one code worth retrying. */
  public static final ExitCode FAILED = new ExitCode("FAILED", 1);
  /** Bad options, a bad spec, or no input: nothing ran. */
  public static final ExitCode USAGE = new ExitCode("USAGE", 2);
  /** The quality gate refused the run: nothing was published; the staging output is kept. */
  public static final ExitCode REFUSED = new ExitCode("REFUSED", 3);
  /** Ctrl-C (SIGINT) cancelled the run before its commit: nothing was published; staging is kept. */
  public static final ExitCode INTERRUPTED = new ExitCode("INTERRUPTED", 130);
  /** SIGTERM cancelled the run before its commit: nothing was published; staging is kept. */
  public static final ExitCode TERMINATED = new ExitCode("TERMINATED", 143);
  /** The codes whose meaning is fixed. */
  public static final List<ExitCode> FIXED = List.of(OK, FAILED, USAGE, REFUSED, INTERRUPTED, TERMINATED);
  /** The nothing-new code Airflow's BashOperator takes as "skipped" (its skip_on_exit_code default). */
  public static final int AIRFLOW_SKIP = 99;
  /** The lowest and highest code {@code --nothingNewExitCode} may choose (other than 0): above 3, below the shell's 126. */
  static final int FREE_FROM = 4;
  static final int FREE_TO = 125;

  /** The code's name, e.g. {@code REFUSED}. */
  public final String name;
  public final int code;

  private ExitCode(String name, int code) {
    this.name = name;
    this.code = code;
  }

  /** The exit code of a run that ended with {@code outcome}. */
  public static ExitCode of(RunOutcome outcome) {
    for (ExitCode c : FIXED) {
      if (c.code == outcome.exitCode()) {
        return c;
      }
    }
    if (outcome instanceof RunOutcome.Skipped) {
      return nothingNew(outcome.exitCode());
    }
    throw new IllegalArgumentException("no exit code " + outcome.exitCode());
  }

  /** The code of a run with nothing new to ingest, as {@code --nothingNewExitCode} chose: OK for 0. */
  public static ExitCode nothingNew(int code) {
    if (code == 0) {
      return OK;
    }
    if (code < FREE_FROM || code > FREE_TO) {
      throw new IllegalArgumentException(problem(code));
    }
    return new ExitCode("NOTHING_NEW", code);
  }

  /** What is wrong with {@code --nothingNewExitCode=code}, or null when it may be used. */
  static String problem(int code) {
    if (code == 0 || code >= FREE_FROM && code <= FREE_TO) {
      return null;
    }
    return "--nothingNewExitCode must be 0 (the default: nothing new is a success) or " + FREE_FROM + "-" + FREE_TO
        + " (e.g. " + AIRFLOW_SKIP + ", Airflow's skip code), not one of cauce's own codes 1, 2, 3, 130, 143 or a shell's; got " + code;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExitCode e && e.code == code && e.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, code);
  }

  @Override
  public String toString() {
    return name + "(" + code + ")";
  }
}
