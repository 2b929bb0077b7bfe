package dev.cauce;

import dev.cauce.ingest.InputFiles;
import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.ingest.NoInputException;
import dev.cauce.monitor.Conservation;
import dev.cauce.monitor.RunCounts;
import dev.cauce.monitor.RunReport;
import dev.cauce.monitor.Secrets;
import dev.cauce.monitor.Summary;
import dev.cauce.orchestrate.RunSession;
import dev.cauce.quality.QualityGate;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.SpecLoader;
import dev.cauce.write.Layout;
import dev.cauce.write.Publisher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cauce's entry point: options → spec → pipeline → run → conservation check → quality gate →
 * publish → run report. Everything that can be checked is checked before the job starts.
 */
public final class Cauce {
  private static final Logger LOG = LoggerFactory.getLogger(Cauce.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Cauce() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err).code;
    System.exit(code);
  }

  /** Runs one pipeline from command-line arguments; prints the summary; returns the exit code. */
  public static ExitCode run(String[] args, PrintStream out, PrintStream err) {
    try (RunSession session = new RunSession(out, err)) { // run state, lock, ledger, progress, logs, alerts
      return run(args, out, err, session);
    }
  }

  private static ExitCode run(String[] args, PrintStream out, PrintStream err, RunSession session) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h") || a.startsWith("--help=")) {
        printHelp(out);
        return ExitCode.OK;
      }
    }
    args = lastOccurrenceWins(args);
    PipelineOptionsFactory.register(CauceOptions.class);
    CauceOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(CauceOptions.class);
    } catch (IllegalArgumentException e) {
      err.println("cauce: " + Secrets.maskText(e.getMessage()));
      err.println("Run with --help to see every option.");
      return ExitCode.USAGE;
    }
    FileSystems.setDefaultPipelineOptions(options);
    Optional<String> unreachable = Preflight.check(options);
    if (unreachable.isPresent()) {
      err.println("cauce: " + unreachable.get());
      return ExitCode.USAGE;
    }

    Instant started = Instant.now();
    PipelineSpec spec;
    try {
      spec = SpecLoader.load(Path.of(options.getSpec())).withOverrides(options.getInput(), options.getOutput());
    } catch (SpecException e) {
      err.println(e.getMessage());
      return ExitCode.USAGE;
    }
    String runId = options.getRunId() != null ? options.getRunId() : newRunId(started);
    try {
      Layout.checkRunId(runId);
    } catch (IllegalArgumentException e) {
      err.println("cauce: --runId: " + e.getMessage());
      return ExitCode.USAGE;
    }
    List<InputFile> inputs;
    try {
      inputs = InputFiles.match(options.getReplay() != null ? options.getReplay() : spec.source().path());
    } catch (NoInputException e) {
      err.println("cauce: " + e.getMessage());
      return ExitCode.USAGE;
    }
    long checkedAt = System.currentTimeMillis();

    RunReport report =
        new RunReport(runId, spec.name(), options.getSpec(), options.getRunner().getSimpleName(), started)
            .options(maskedOptions(args))
            .inputs(inputs)
            .timing("check", checkedAt - started.toEpochMilli());
    String runDir = Layout.runDir(spec.output(), runId).toString();
    if (options.getDryRun()) {
      out.printf("cauce: spec %s is valid; %d input file(s) match; dry run, nothing ran.%n", options.getSpec(), inputs.size());
      inputs.forEach(f -> out.printf("  %s (%d bytes)%n", f.path(), f.sizeBytes()));
      return ExitCode.OK;
    }

    Optional<ExitCode> early = session.start(options, spec, options.getSpec(), runId, inputs, options.getReplay() != null, report);
    if (early.isPresent()) {
      return early.get(); // bad operating option, pipeline already running, or nothing new to ingest
    }
    inputs = session.inputs();
    LOG.info("run {} of pipeline {}: {} input file(s), runner {}", runId, spec.name(), inputs.size(), options.getRunner().getSimpleName());
    Pipeline pipeline = Pipeline.create(options);
    CauceJob.write(CauceJob.build(pipeline, spec, runId, CauceJob.Input.of(options).withFiles(session.filesToRead())), spec, runId);

    RunCounts counts;
    long runStart = System.currentTimeMillis();
    try {
      session.jobStarting();
      PipelineResult result = pipeline.run();
      session.jobRunning(result);
      PipelineResult.State state = result.waitUntilFinish();
      report.timing("run", System.currentTimeMillis() - runStart);
      if (state != PipelineResult.State.DONE) {
        return fail(report, runDir, spec, runId, "the job ended in state " + state, out, err, null);
      }
      counts = RunCounts.from(result.metrics());
    } catch (RuntimeException e) {
      report.timing("run", System.currentTimeMillis() - runStart);
      LOG.error("run {} failed", runId, e);
      return fail(report, runDir, spec, runId, "the job failed: " + rootMessage(e), out, err, null);
    }
    report.counts(counts);

    List<String> equations = new ArrayList<>();
    spec.sinks().forEach(s -> equations.add(s.name() + ": " + Conservation.equation(counts, counts.writtenBySink().getOrDefault(s.name(), 0L))));
    List<String> problems = Conservation.problems(counts, spec.sinks().stream().map(PipelineSpec.SinkSpec::name).toList());
    report.conservation(equations, problems);
    if (!problems.isEmpty()) {
      return fail(report, runDir, spec, runId, "records unaccounted for: " + String.join("; ", problems), out, err, counts);
    }

    QualityGate.Verdict verdict = QualityGate.evaluate(spec.quality(), counts);
    report.quality(verdict);
    if (!verdict.passed()) {
      report.outputs(List.of(), Layout.stagingRoot(spec.output(), runId).toString());
      report.finish("REFUSED", ExitCode.REFUSED.code, null, Instant.now());
      String reportPath = writeReport(report, runDir, err);
      Summary.print(out, report, counts, verdict, "REFUSED", reportPath);
      return ExitCode.REFUSED;
    }

    long publishStart = System.currentTimeMillis();
    List<String> published;
    try {
      published = new Publisher().publish(spec, runId).targets().stream().map(Publisher.Published::dir).toList();
    } catch (Exception e) {
      LOG.error("run {}: publishing failed", runId, e);
      report.timing("publish", System.currentTimeMillis() - publishStart);
      return fail(report, runDir, spec, runId, "publishing failed: " + rootMessage(e), out, err, counts);
    }
    report.timing("publish", System.currentTimeMillis() - publishStart);
    report.outputs(published, null);
    report.timing("total", System.currentTimeMillis() - started.toEpochMilli());
    report.finish("SUCCEEDED", ExitCode.OK.code, null, Instant.now());
    String reportPath = writeReport(report, runDir, err);
    Summary.print(out, report, counts, verdict, "SUCCEEDED", reportPath);
    return ExitCode.OK;
  }

  private static ExitCode fail(RunReport report, String runDir, PipelineSpec spec, String runId, String error,
      PrintStream out, PrintStream err, RunCounts counts) {
    report.outputs(List.of(), Layout.stagingRoot(spec.output(), runId).toString());
    report.finish("FAILED", ExitCode.FAILED.code, error, Instant.now());
    String reportPath = writeReport(report, runDir, err);
    err.println("cauce: run " + runId + " FAILED: " + Secrets.maskText(error));
    err.println("Nothing was published. Staging output (if any) is kept at " + Layout.stagingRoot(spec.output(), runId).toString());
    if (counts != null) {
      Summary.print(out, report, counts, null, "FAILED", reportPath);
    } else if (reportPath != null) {
      err.println("Report: " + reportPath);
    }
    return ExitCode.FAILED;
  }

  private static String writeReport(RunReport report, String runDir, PrintStream err) {
    try {
      return report.writeTo(runDir);
    } catch (Exception e) {
      err.println("cauce: could not write the run report to " + runDir + ": " + e.getMessage());
      return null;
    }
  }

  static String newRunId(Instant now) {
    return RUN_ID_TIME.format(now) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /**
   * Drops earlier occurrences of an option given again later, so that arguments appended on the
   * command line (make's ARGS) override a runner profile's (runners/*.args). Beam refuses repeats.
   */
  static String[] lastOccurrenceWins(String[] args) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      byName.remove(name);
      byName.put(name, a);
    }
    return byName.values().toArray(String[]::new);
  }

  /** The arguments as given, secrets masked. */
  static Map<String, String> maskedOptions(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String a : args) {
      String s = a.startsWith("--") ? a.substring(2) : a;
      int eq = s.indexOf('=');
      String name = eq < 0 ? s : s.substring(0, eq);
      String value = eq < 0 ? "true" : s.substring(eq + 1);
      m.put(name, Secrets.maskOption(name, value));
    }
    return m;
  }

  static void printHelp(PrintStream out) {
    out.println("cauce: run one data pipeline described by a YAML spec.");
    out.println();
    out.println("Usage: make run PIPELINE=<name> [RUNNER=direct] [ARGS='--option=value ...']");
    out.println("   or: java -cp <classpath> dev.cauce.Cauce --spec=pipelines/<name>.yaml [options]");
    out.println();
    out.println("Exit codes: 0 published, 1 failed (nothing published), 2 bad options/spec/input, 3 refused by the quality gate.");
    out.println();
    PipelineOptionsFactory.printHelp(out, CauceOptions.class);
  }
}
