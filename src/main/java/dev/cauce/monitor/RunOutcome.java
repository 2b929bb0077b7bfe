package dev.cauce.monitor;

import dev.cauce.expect.ResultList;
import dev.cauce.metrics.Conservation;
import dev.cauce.metrics.RunCounts;
import dev.cauce.quality.QualityGate;
import dev.cauce.secrets.Secrets;
import java.util.List;

/**
 * How a run ended, as one value: the console summary, the run report, the state store's run
 * record, the alerts and the exit code are all read from it. Errors are kept with secrets masked.
 */
public sealed interface RunOutcome {
  /**
   * The kinds of ending, with their exit codes (0 ok, 1 failed, 2 usage/spec/input, 3 refused, 143
   * cancelled by SIGTERM or 130 by SIGINT, nothing new: 0 or --nothingNewExitCode; {@code dev.cauce.ExitCode}).
   */
  enum Kind {
    SUCCEEDED(0),
    REFUSED(3),
    FAILED(1),
    SKIPPED(0),
    USAGE(2),
    CANCELLED(143);

    final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  Kind kind();

  /** SUCCEEDED, REFUSED, FAILED, SKIPPED, USAGE or CANCELLED (the report's and the run record's status). */
  default String status() {
    return kind().name();
  }

  /** The process exit code. */
  default int exitCode() {
    return kind().exitCode;
  }

  /** The run's id; null when no run was planned (bad options, {@code --help}). */
  default String runId() {
    return null;
  }

  /** What the job counted and what the checks on the counts found; null when the job did not count. */
  default Counted counted() {
    return null;
  }

  /** The written run-report.json, or null (no report, or it could not be written). */
  default String report() {
    return null;
  }

  /** This outcome with the path of its written run report (null when writing it failed). */
  default RunOutcome reported(String path) {
    return this;
  }

  /**
   * A job's counts and the checks made on them.
   *
   * @param verdict the quality gate's verdict, or null when the conservation check failed first
   * @param expectations the expectations' results; null when the spec has none or they were not read
   */
  record Counted(RunCounts counts, Conservation.Check conservation, QualityGate.Verdict verdict, ResultList expectations) {
    public Counted(RunCounts counts, Conservation.Check conservation, QualityGate.Verdict verdict) {
      this(counts, conservation, verdict, null);
    }
  }

  /** Published: every sink's output and the dead letter are visible. */
  record Succeeded(String runId, Counted counted, List<String> published, String report) implements RunOutcome {
    public Succeeded {
      published = List.copyOf(published);
    }

    @Override
    public Kind kind() {
      return Kind.SUCCEEDED;
    }

    @Override
    public RunOutcome reported(String path) {
      return new Succeeded(runId, counted, published, path);
    }
  }

  /** The quality gate refused the run: nothing was published, staging is kept. */
  record Refused(String runId, Counted counted, String stagingKept, String report) implements RunOutcome {
    @Override
    public Kind kind() {
      return Kind.REFUSED;
    }

    /** The refusal in words, for the run record: every breach's message. */
    public String refusal() {
      return "refused by the quality gate: " + String.join("; ", counted.verdict().breaches().stream().map(QualityGate.Breach::message).toList());
    }

    @Override
    public RunOutcome reported(String path) {
      return new Refused(runId, counted, stagingKept, path);
    }
  }

  /**
   * The job failed, its counts did not add up, or publishing failed: nothing was published.
   *
   * @param counted null when the job ended before counting
   */
  record Failed(String runId, String error, Counted counted, String stagingKept, String report) implements RunOutcome {
    public Failed {
      error = Secrets.maskText(error);
    }

    @Override
    public Kind kind() {
      return Kind.FAILED;
    }

    @Override
    public RunOutcome reported(String path) {
      return new Failed(runId, error, counted, stagingKept, path);
    }
  }

  /**
   * A signal stopped the run before its commit: the job was cancelled, nothing was published, staging is kept.
   *
   * @param signal {@code SIGTERM}, {@code SIGINT}, or null when the JVM could not tell which signal it was
   * @param counted null when the job did not count
   */
  record Cancelled(String runId, String signal, Counted counted, String stagingKept, String report) implements RunOutcome {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }

    /** 130 for SIGINT (Ctrl-C), else 143 (SIGTERM): 128 plus the signal's number, as a shell reports it. */
    @Override
    public int exitCode() {
      return "SIGINT".equals(signal) ? 130 : Kind.CANCELLED.exitCode;
    }

    /** "cancelled by SIGTERM" (the run record's error). */
    public String why() {
      return "cancelled by " + (signal == null ? "a signal" : signal);
    }

    /** The one line a cancelled run prints. */
    public String line() {
      return "cauce: run " + runId + " " + why() + ": nothing published; staging kept in " + stagingKept;
    }

    @Override
    public RunOutcome reported(String path) {
      return new Cancelled(runId, signal, counted, stagingKept, path);
    }
  }

  /**
   * No job ran and nothing is wrong: nothing new to ingest, a dry run, or {@code --help}.
   *
   * @param exitCode 0, or the code {@code --nothingNewExitCode} chose for a run with nothing new
   */
  record Skipped(String runId, String why, int exitCode) implements RunOutcome {
    /** The {@code why} of a dry run. */
    public static final String DRY_RUN = "dry run";

    public Skipped(String runId, String why) {
      this(runId, why, 0);
    }

    public boolean isDryRun() {
      return why.equals(DRY_RUN);
    }

    @Override
    public Kind kind() {
      return Kind.SKIPPED;
    }
  }

  /** Bad options, spec, inputs or environment, or the pipeline is already running: nothing ran. */
  record Usage(List<String> problems) implements RunOutcome {
    public Usage {
      problems = List.copyOf(problems);
    }

    @Override
    public Kind kind() {
      return Kind.USAGE;
    }
  }
}
