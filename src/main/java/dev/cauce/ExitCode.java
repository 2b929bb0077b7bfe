package dev.cauce;

/** cauce's exit codes; the README lists them. */
public enum ExitCode {
  /** The run succeeded and its output was published. */
  OK(0),
  /** The job failed, or its counts did not add up: nothing was published. */
  FAILED(1),
  /** Bad options, a bad spec, or no input: nothing ran. */
  USAGE(2),
  /** The quality gate refused the run: nothing was published; the staging output is kept. */
  REFUSED(3),
  /** Ctrl-C (SIGINT) cancelled the run before its commit: nothing was published; staging is kept. */
  INTERRUPTED(130),
  /** SIGTERM cancelled the run before its commit: nothing was published; staging is kept. */
  TERMINATED(143);

  public final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The exit code of a run that ended with {@code outcome}. */
  public static ExitCode of(dev.cauce.monitor.RunOutcome outcome) {
    for (ExitCode c : values()) {
      if (c.code == outcome.exitCode()) {
        return c;
      }
    }
    throw new IllegalArgumentException("no exit code " + outcome.exitCode());
  }
}
