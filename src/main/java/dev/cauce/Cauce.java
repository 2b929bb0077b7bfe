package dev.cauce;

import dev.cauce.ingest.HttpSource;
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
import dev.cauce.runner.RunnerProfile;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.load.SpecLoader;
import dev.cauce.write.Layout;
import dev.cauce.write.OutputCheck;
import dev.cauce.write.Publisher;
import dev.cauce.write.jdbc.JdbcPreflight;
import dev.cauce.write.jdbc.JdbcPublisher;
import dev.cauce.write.jdbc.JdbcRun;
import dev.cauce.write.jdbc.JdbcSetupException;
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
    if (options.getMaxRecordBytes() < 1 || options.getSplitBytes() < 0) {
      err.println("cauce: --maxRecordBytes must be a positive number of bytes and --splitBytes 0 (by runner) or more; got "
          + options.getMaxRecordBytes() + " and " + options.getSplitBytes());
      return ExitCode.USAGE;
    }
    FileSystems.setDefaultPipelineOptions(options);
    RunnerProfile runner = RunnerProfile.of(options);
    Optional<String> unreachable = runner.preflight();
    if (unreachable.isPresent()) {
      err.println("cauce: " + unreachable.get());
      return ExitCode.USAGE;
    }

    Instant started = Instant.now();
    PipelineSpec spec;
    try {
      spec = SpecLoader.load(Path.of(options.getSpec())).withOverrides(options.getInput(), options.getOutput());
      // Workers (a Flink TaskManager, say) resolve relative paths against their own working
      // directory: make local paths absolute here, where the user meant them.
      spec = spec.withOverrides(absolute(spec.source().path()), absolute(spec.output()));
      if (options.getReplay() != null) {
        options.setReplay(absolute(options.getReplay()));
      }
    } catch (SpecException e) {
      err.println(e.getMessage());
      return ExitCode.USAGE;
    }
    boolean fromApi = options.getReplay() == null && spec.source().isHttp();
    if (spec.source().isHttp() && options.getInput() != null) {
      err.println("cauce: --input applies to file sources only; " + options.getSpec() + " reads from an HTTP API"
          + " (source.type: http): change source.http.url or source.http.params instead");
      return ExitCode.USAGE;
    }
    String runId = options.getRunId() != null ? options.getRunId() : newRunId(started);
    try {
      Layout.checkRunId(runId);
    } catch (IllegalArgumentException e) {
      err.println("cauce: --runId: " + e.getMessage());
      return ExitCode.USAGE;
    }
    List<InputFile> inputs = List.of();
    if (fromApi) {
      List<String> problems = HttpSource.check(spec.source().http(), System::getenv);
      if (!problems.isEmpty()) {
        problems.forEach(p -> err.println("cauce: " + p));
        return ExitCode.USAGE;
      }
    } else {
      try {
        inputs = InputFiles.match(options.getReplay() != null ? options.getReplay() : spec.source().path());
      } catch (NoInputException e) {
        err.println("cauce: " + e.getMessage());
        return ExitCode.USAGE;
      }
    }
    Optional<String> badOutput = OutputCheck.problem(spec.output(), runId);
    if (badOutput.isPresent()) {
      err.println("cauce: " + badOutput.get());
      return ExitCode.USAGE;
    }
    JdbcRun jdbc;
    try {
      jdbc = JdbcPreflight.prepare(spec, options, runId, options.getDryRun());
    } catch (JdbcSetupException e) {
      err.println("cauce: " + e.getMessage());
      return ExitCode.USAGE;
    }
    long checkedAt = System.currentTimeMillis();

    RunReport report =
        new RunReport(runId, spec.name(), options.getSpec(), options.getRunner().getSimpleName(), started)
            .options(maskedOptions(args))
            .timing("check", checkedAt - started.toEpochMilli());
    if (fromApi) {
      report.inputUrl(HttpSource.describe(spec.source().http()));
    } else {
      report.inputs(inputs);
    }
    String runDir = Layout.runDir(spec.output(), runId).toString();
    if (options.getDryRun() && fromApi) {
      out.printf("cauce: spec %s is valid; it reads from the HTTP API %s; dry run, nothing ran.%n", options.getSpec(),
          HttpSource.describe(spec.source().http()));
      return ExitCode.OK;
    }
    if (options.getDryRun()) {
      out.printf("cauce: spec %s is valid; %d input file(s) match; dry run, nothing ran.%n", options.getSpec(), inputs.size());
      inputs.forEach(f -> out.printf("  %s (%d bytes)%n", f.path(), f.sizeBytes()));
      jdbc.notes().forEach(n -> out.printf("  %s%n", n));
      return ExitCode.OK;
    }

    // The ledger of ingested files applies to file sources; replays and HTTP APIs read everything.
    boolean noLedger = options.getReplay() != null || fromApi;
    Optional<ExitCode> early = session.start(options, spec, options.getSpec(), runId, inputs, noLedger, report);
    if (early.isPresent()) {
      return early.get(); // bad operating option, pipeline already running, or nothing new to ingest
    }
    inputs = session.inputs();
    LOG.info("run {} of pipeline {}: {}, runner {}", runId, spec.name(),
        fromApi ? "the HTTP API " + HttpSource.describe(spec.source().http()) : inputs.size() + " input file(s)",
        options.getRunner().getSimpleName());
    runner.prepare(options);
    Pipeline pipeline = Pipeline.create(options);
    CauceJob.write(
        CauceJob.build(pipeline, spec, runId, CauceJob.Input.of(options, runner).withFiles(session.filesToRead())), spec, runId, jdbc);

    RunCounts counts;
    Map<String, Object> jdbcReport = null;
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
      if (!jdbc.isEmpty()) {
        jdbcReport = jdbc.report(result.metrics());
        report.section("jdbc", jdbcReport);
      }
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
      report.outputs(List.of(), stagingKept(spec, runId));
      report.finish("REFUSED", ExitCode.REFUSED.code, null, Instant.now());
      String reportPath = writeReport(report, runDir, err);
      Summary.print(out, report, counts, verdict, "REFUSED", reportPath);
      return ExitCode.REFUSED;
    }

    long publishStart = System.currentTimeMillis();
    List<String> published = new ArrayList<>();
    try {
      // PostgreSQL tables first (all in one transaction), then the files; no transaction spans both
      JdbcPublisher.Result tables = JdbcPublisher.publish(jdbc, counts);
      published.addAll(tables.published());
      if (jdbcReport != null) {
        JdbcRun.addPublish(jdbcReport, tables);
      }
      published.addAll(new Publisher().publish(spec, runId).targets().stream().map(Publisher.Published::dir).toList());
    } catch (Exception e) {
      if (!published.isEmpty()) {
        e = new IllegalStateException("publishing the files failed after " + String.join(", ", published)
            + " had been published: " + rootMessage(e));
      }
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
    report.outputs(List.of(), stagingKept(spec, runId));
    report.finish("FAILED", ExitCode.FAILED.code, error, Instant.now());
    String reportPath = writeReport(report, runDir, err);
    err.println("cauce: run " + runId + " FAILED: " + Secrets.maskText(error));
    err.println("Nothing was published. Staging output (if any) is kept at " + stagingKept(spec, runId));
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

  /** A local path made absolute; URIs such as gs://bucket/x (and null) are returned unchanged. */
  static String absolute(String path) {
    if (path == null || path.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /** The run's staging folder, and its staging tables when it writes to PostgreSQL. */
  private static String stagingKept(PipelineSpec spec, String runId) {
    List<String> tables = JdbcRun.stagingTables(spec, runId);
    String root = Layout.stagingRoot(spec.output(), runId).toString();
    return tables.isEmpty() ? root : root + " and PostgreSQL table(s) " + String.join(", ", tables);
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
