package dev.cauce;

import dev.cauce.monitor.RunOutcome;
import dev.cauce.runner.RunnerProfile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * cauce's entry point. A run has three parts: the plan ({@link RunPlan}: every check, every problem
 * reported at once, nothing started), the job ({@link RunJob}: build and run the pipeline) and the
 * finish ({@link RunFinish}: conservation, quality gate, commit, report, alerts, ledger). Between
 * plan and job, {@link RunStart} takes the run's lock, starts its log and asks the ledger what to
 * read. One {@link RunOutcome} comes out, and the exit code is read from it.
 */
public final class Cauce {
  private Cauce() {}

  public static void main(String[] args) {
    if (!RunnerProfile.hostedByFlink()) {
      System.exit(run(args, System.out, System.err).code);
    }
    // A Flink client owns this JVM (flink run; the REST API and web UI run main in the JobManager):
    // no exit; a run that did not publish throws, so the client reports it with the lines printed.
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    ExitCode code = run(args, System.out, new PrintStream(new Tee(System.err, said), true, StandardCharsets.UTF_8));
    if (code != ExitCode.OK) {
      throw new RunFailed(code, said.toString(StandardCharsets.UTF_8));
    }
  }

  /** A run hosted by a Flink client ended with another exit code than 0: what main throws there. */
  public static final class RunFailed extends RuntimeException {
    private static final int MAX_CHARS = 4000;

    RunFailed(ExitCode code, String stderr) {
      super("cauce ended with exit code " + code.code + " (" + code.name + ")"
          + (stderr.isBlank() ? "" : ":\n" + stderr.substring(Math.max(0, stderr.length() - MAX_CHARS)).strip()));
    }
  }

  /** Writes to a stream and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final PrintStream out;
    private final ByteArrayOutputStream copy;

    Tee(PrintStream out, ByteArrayOutputStream copy) {
      this.out = out;
      this.copy = copy;
    }

    @Override
    public synchronized void write(int b) {
      copy.write(b);
      out.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      copy.write(b, off, len);
      out.write(b, off, len);
    }

    @Override
    public void flush() {
      out.flush();
    }
  }

  /** Runs one pipeline from command-line arguments; prints the summary; returns the exit code. */
  public static ExitCode run(String[] args, PrintStream out, PrintStream err) {
    return ExitCode.of(execute(args, out, err));
  }

  /** Runs one pipeline from command-line arguments (or prints the help); returns how it ended. */
  public static RunOutcome execute(String[] args, PrintStream out, PrintStream err) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h") || a.startsWith("--help=")) {
        printHelp(out);
        return new RunOutcome.Skipped(null, "help");
      }
    }
    RunPlan.Checked checked = RunPlan.check(args);
    checked.warnings().forEach(err::println);
    if (checked.plan() == null) {
      checked.problems().forEach(err::println);
      return new RunOutcome.Usage(checked.problems());
    }
    try (RunPlan plan = checked.plan()) {
      if (plan.givenRunId() != null) {
        err.println("cauce: run id \"" + plan.givenRunId() + "\" is " + plan.runId() + " in file names and the state store"
            + " (the run report keeps both)");
      }
      if (plan.options().getDryRun()) {
        plan.printDryRun(out);
        return new RunOutcome.Skipped(plan.runId(), RunOutcome.Skipped.DRY_RUN);
      }
      // the stop hook closes last: it waits until the run's lock is released
      try (RunStop stop = RunStop.install(plan, err); RunStart start = new RunStart(plan, out, err)) {
        stop.running(start);
        Optional<RunOutcome> ended = start.begin(); // the pipeline is already running, or nothing is new
        return ended.isPresent() ? ended.get() : new RunFinish(plan, start, stop, out, err).finish(RunJob.run(plan, start, stop));
      }
    }
  }

  static void printHelp(PrintStream out) {
    out.println("cauce: run one data pipeline described by a YAML spec.");
    out.println();
    out.println("Usage: runners/cauce [--runner-profile=direct|flink-local|...] --spec=pipelines/<name>.yaml [options]");
    out.println("   or: make run PIPELINE=<name> [RUNNER=direct] [ARGS='--option=value ...']  (make turns every failure into 2)");
    out.println("   or: java -cp <classpath> dev.cauce.Cauce --spec=pipelines/<name>.yaml [options]");
    out.println();
    out.println("Exit codes: 0 published (or nothing new), 1 failed (nothing published), 2 bad options/spec/input, 3 refused by the");
    out.println("            quality gate, 143 (SIGTERM) or 130 (Ctrl-C) cancelled before the commit (nothing published, staging kept),");
    out.println("            --nothingNewExitCode (e.g. 99) when asked for a run with nothing new to ingest.");
    out.println();
    PipelineOptionsFactory.printHelp(out, CauceOptions.class);
  }
}
