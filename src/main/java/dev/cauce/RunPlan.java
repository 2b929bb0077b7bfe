package dev.cauce;

import dev.cauce.ingest.HttpSource;
import dev.cauce.ingest.InputFiles;
import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.ingest.InputHeaders;
import dev.cauce.ingest.NoInputException;
import dev.cauce.monitor.RunLogging;
import dev.cauce.monitor.RunReport;
import dev.cauce.orchestrate.Dependencies;
import dev.cauce.runner.RunnerProfile;
import dev.cauce.reference.ReferenceLoader;
import dev.cauce.reference.ReferenceTable;
import dev.cauce.secrets.Secrets;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.ProjectRoot;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.load.SpecLoader;
import dev.cauce.state.StateStore;
import dev.cauce.state.StateStores;
import dev.cauce.write.Layout;
import dev.cauce.write.OutputCheck;
import dev.cauce.write.jdbc.JdbcPreflight;
import dev.cauce.write.jdbc.JdbcRun;
import dev.cauce.write.jdbc.JdbcSettings;
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
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Everything a run needs, gathered and checked before anything starts: the options (cauce's, the
 * operating ones, the runner's cluster), the spec and its {@code depends_on}, the run id, the inputs
 * (files or an HTTP API), the output folder, the state store and the PostgreSQL tables. {@link
 * #check} reports every problem it finds, not only the first. The plan owns the opened state store:
 * closing the plan closes it.
 *
 * @param givenRunId the run id as given when {@code runId} is its safe form ({@link Layout#safeRunId}), else null
 * @param root the folder the spec's relative paths and the default state store are resolved against
 * @param inputs the files the source (or {@code --replay}) matches; empty for an HTTP API
 * @param headers the inputs whose CSV header differs from the schema in a way the spec allows
 * @param checkMillis how long gathering and checking took
 * @param maskedOptions the arguments as given, secrets masked, for the run report
 * @param references the spec's reference tables, read once for the run (the spec holds their headers)
 */
record RunPlan(
    CauceOptions options,
    RunnerProfile profile,
    PipelineSpec spec,
    String runId,
    String givenRunId,
    ProjectRoot root,
    Instant startedAt,
    long checkMillis,
    List<InputFile> inputs,
    List<InputHeaders.Finding> headers,
    JdbcRun jdbc,
    StateStore store,
    Map<String, String> maskedOptions,
    Map<String, ReferenceTable> references)
    implements AutoCloseable {

  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * A plan, or (plan null) every problem found, each as the line(s) to print; {@code warnings}
   * (printed either way) are what should change but does not stop the run.
   */
  record Checked(RunPlan plan, List<String> problems, List<String> warnings) {}

  /** Checks everything a run of {@code args} needs; the problems are in the order the checks run. */
  static Checked check(String[] args) {
    Instant started = Instant.now();
    List<String> warnings = new ArrayList<>();
    String[] given = lastOccurrenceWins(RunnerProfile.hostedArgs(args, warnings));
    CauceOptions options;
    try {
      PipelineOptionsFactory.register(CauceOptions.class);
      options = PipelineOptionsFactory.fromArgs(given).withValidation().as(CauceOptions.class);
    } catch (IllegalArgumentException e) {
      return new Checked(null, List.of("cauce: " + Secrets.maskText(e.getMessage()), "Run with --help to see every option."),
          warnings);
    }
    List<String> problems = new ArrayList<>();
    checkOptions(options, problems);
    String runId = runId(options, started, problems);
    FileSystems.setDefaultPipelineOptions(options);
    RunnerProfile profile = RunnerProfile.of(options);
    profile.preflight().ifPresent(p -> problems.add("cauce: " + p));
    ProjectRoot root = ProjectRoot.of(Path.of(options.getSpec()), options.getBaseDir());
    PipelineSpec spec = spec(options, root, problems);
    List<InputFile> inputs = spec == null ? List.of() : checkInputsAndOutput(options, spec, runId, problems);
    List<InputHeaders.Finding> headers = spec == null ? List.of() : checkHeaders(options, spec, inputs, problems);
    if (spec != null) {
      Dependencies.checkSpec(Path.of(options.getSpec()), spec).ifPresent(p -> problems.add("cauce: " + p));
    }
    Map<String, ReferenceTable> references = spec == null ? Map.of() : references(spec, options, problems);
    references.values().stream().filter(t -> t.duplicateKeys() > 0).forEach(t -> warnings.add("cauce: warning: reference "
        + t.spec().name() + ": " + t.duplicateKeys() + " row(s) repeat a key of an earlier row; the first row of each key is used"));
    spec = spec == null ? null : ReferenceLoader.withColumns(spec, references);
    StateStore store = store(options, root, problems, warnings);
    JdbcRun jdbc = spec == null || runId == null ? null : jdbc(spec, options, runId, problems);
    if (!problems.isEmpty()) {
      if (store != null) {
        store.close();
      }
      return new Checked(null, problems, warnings);
    }
    long checkMillis = System.currentTimeMillis() - started.toEpochMilli();
    String givenRunId = runId.equals(options.getRunId()) ? null : options.getRunId();
    Map<String, String> masked = maskedOptions(given);
    if (!masked.containsKey("jobName")) {
      options.setJobName(jobName(spec.name(), runId));
    }
    return new Checked(new RunPlan(options, profile, spec, runId, givenRunId, root, started, checkMillis, inputs, headers, jdbc, store,
        masked, references), List.of(), warnings);
  }

  /** cauce's option values, and the operating options' (state, progress, alerts, logging). */
  private static void checkOptions(CauceOptions o, List<String> problems) {
    List<String> p = new ArrayList<>();
    if (o.getMaxRecordBytes() < 1 || o.getSplitBytes() < 0) {
      p.add("--maxRecordBytes must be a positive number of bytes and --splitBytes 0 (by runner) or more; got "
          + o.getMaxRecordBytes() + " and " + o.getSplitBytes());
    }
    if (!(o.getProgressSeconds() >= 0.1) || o.getLockTtlSeconds() < 2 || o.getLockTtlSeconds() < 2 * o.getProgressSeconds()) {
      p.add("--progressSeconds must be 0.1 or more, and --lockTtlSeconds 2 or more and at least twice --progressSeconds; got "
          + o.getProgressSeconds() + " and " + o.getLockTtlSeconds());
    }
    if (o.getStopTimeoutSeconds() < 1) {
      p.add("--stopTimeoutSeconds must be 1 or more, got " + o.getStopTimeoutSeconds());
    }
    Double ratio = o.getAlertRejectedRatio();
    if (ratio != null && !(ratio >= 0 && ratio <= 1)) {
      p.add("--alertRejectedRatio must be a ratio between 0 and 1, got " + ratio);
    }
    if (o.getAlertWebhook() != null && !o.getAlertWebhook().matches("(?i)https?://.+")) {
      p.add("--alertWebhook must be an http:// or https:// URL");
    }
    RunLogging.levelProblem(o.getLogLevel()).ifPresent(p::add);
    String nothingNew = ExitCode.problem(o.getNothingNewExitCode());
    if (nothingNew != null) {
      p.add(nothingNew);
    }
    p.forEach(m -> problems.add("cauce: " + m));
  }

  /** The run id given (in its safe form) or a new one; null (and a problem) when the given one is empty or too long. */
  private static String runId(CauceOptions options, Instant started, List<String> problems) {
    try {
      return options.getRunId() != null ? Layout.safeRunId(options.getRunId()) : newRunId(started);
    } catch (IllegalArgumentException e) {
      problems.add("cauce: --runId: " + e.getMessage());
      return null;
    }
  }

  /**
   * The spec with local paths made absolute, so that workers (a Flink TaskManager, say) read the same
   * files: the spec's own against its project {@code root}, --input/--output/--replay (which replace
   * them) against the working directory, as any command-line path. Null after a problem.
   */
  private static PipelineSpec spec(CauceOptions options, ProjectRoot root, List<String> problems) {
    try {
      PipelineSpec spec = SpecLoader.load(Path.of(options.getSpec()));
      ProjectRoot cwd = ProjectRoot.workingDirectory();
      if (options.getReplay() != null) {
        options.setReplay(cwd.resolve(options.getReplay()));
      }
      return spec.withOverrides(root.resolve(spec.source().path()), root.resolve(spec.output()))
          .withOverrides(cwd.resolve(options.getInput()), cwd.resolve(options.getOutput()))
          .withReferences(spec.references().stream().map(r -> r.isQuery() ? r : r.withPath(root.resolve(r.path()))).toList());
    } catch (SpecException e) {
      problems.add(e.getMessage());
      return null;
    }
  }

  /** The source (files or an HTTP API) and the output folder; returns the matched files. */
  private static List<InputFile> checkInputsAndOutput(CauceOptions options, PipelineSpec spec, String runId, List<String> problems) {
    List<String> p = new ArrayList<>();
    List<InputFile> inputs = List.of();
    if (spec.source().isHttp() && options.getInput() != null) {
      p.add("--input applies to file sources only; " + options.getSpec() + " reads from an HTTP API"
          + " (source.type: http): change source.http.url or source.http.params instead");
    }
    if (options.getReplay() == null && spec.source().isHttp()) {
      p.addAll(HttpSource.check(spec.source().http(), System::getenv));
    } else {
      try {
        inputs = InputFiles.match(options.getReplay() != null ? options.getReplay() : spec.source().path());
      } catch (NoInputException e) {
        p.add(e.getMessage());
      }
    }
    if (runId != null) {
      OutputCheck.problem(spec.output(), runId).ifPresent(p::add);
    }
    OutputCheck.ownerProblem(spec.output(), spec.name()).ifPresent(p::add);
    p.forEach(m -> problems.add("cauce: " + m));
    return inputs;
  }

  /**
   * Reads every input's CSV header (not a replay's dead letters): a refused header is a problem
   * naming the file; the others that differ from the schema are returned.
   */
  private static List<InputHeaders.Finding> checkHeaders(CauceOptions options, PipelineSpec spec, List<InputFile> inputs,
      List<String> problems) {
    if (options.getReplay() != null || inputs.isEmpty() || !InputHeaders.apply(spec) || options.getMaxRecordBytes() < 1) {
      return List.of();
    }
    List<InputHeaders.Finding> allowed = new ArrayList<>();
    for (InputHeaders.Finding f : InputHeaders.check(spec, inputs, options.getMaxRecordBytes())) {
      if (f.check().refused()) {
        problems.add("cauce: input " + f.path() + ": " + f.check().refusal());
      } else {
        allowed.add(f);
      }
    }
    return allowed;
  }

  /** Reads the spec's reference tables (files, PostgreSQL queries): each one that cannot be used is a problem. */
  private static Map<String, ReferenceTable> references(PipelineSpec spec, CauceOptions options, List<String> problems) {
    if (spec.references().isEmpty()) {
      return Map.of();
    }
    try {
      return ReferenceLoader.loadAll(spec, JdbcSettings.of(options));
    } catch (ReferenceLoader.ReferenceException e) {
      problems.addAll(List.of(e.getMessage().split("\n")));
      return Map.of();
    }
  }

  private static StateStore store(CauceOptions options, ProjectRoot root, List<String> problems, List<String> warnings) {
    try {
      return StateStores.open(options.getStateStore(), root.dir(), System::getenv, w -> warnings.add("cauce: warning: --stateStore: " + w));
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.add("cauce: --stateStore: " + Secrets.maskText(e.getMessage()));
      return null;
    }
  }

  /**
   * The run's PostgreSQL tables, checked (and its staging tables created, unless this is a dry run
   * or another problem stops the run: then nothing is created). Null after a problem.
   */
  private static JdbcRun jdbc(PipelineSpec spec, CauceOptions options, String runId, List<String> problems) {
    try {
      return JdbcPreflight.prepare(spec, options, runId, options.getDryRun() || !problems.isEmpty());
    } catch (JdbcSetupException e) {
      problems.add("cauce: " + e.getMessage());
      return null;
    }
  }

  /** Answers a dry run: what would run. */
  void printDryRun(PrintStream out) {
    if (fromApi()) {
      out.printf("cauce: spec %s is valid; it reads from the HTTP API %s; dry run, nothing ran.%n", options.getSpec(),
          HttpSource.describe(spec.source().http()));
      references.values().forEach(t -> out.printf("  reference %s%n", t.describe()));
      return;
    }
    out.printf("cauce: spec %s is valid; %d input file(s) match; dry run, nothing ran.%n", options.getSpec(), inputs.size());
    for (InputFile f : inputs) {
      out.printf("  %s (%d bytes)%n", f.path(), f.sizeBytes());
      headers.stream().filter(h -> h.path().equals(f.path()))
          .forEach(h -> h.check().problems().forEach(p -> out.printf("    header: %s%n", p)));
    }
    jdbc.notes().forEach(n -> out.printf("  %s%n", n));
    references.values().forEach(t -> out.printf("  reference %s%n", t.describe()));
  }

  /** True when the records come from an HTTP API (not files, not a replay). */
  boolean fromApi() {
    return options.getReplay() == null && spec.source().isHttp();
  }

  /** The ledger of ingested files applies to file sources; replays and HTTP APIs read everything. */
  boolean ledgerApplies() {
    return options.getReplay() == null && !spec.source().isHttp();
  }

  String runner() {
    return options.getRunner().getSimpleName();
  }

  /** Who and what for the run report, with the inputs the run reads. */
  RunReport.Run reportRun(List<InputFile> read) {
    List<RunReport.Input> in = fromApi() ? List.of(new RunReport.UrlInput(HttpSource.describe(spec.source().http())))
        : RunReport.Input.files(read);
    java.util.Set<String> paths = read.stream().map(InputFile::path).collect(java.util.stream.Collectors.toSet());
    List<RunReport.HeaderNote> notes = headers.stream().filter(h -> paths.contains(h.path()))
        .map(h -> new RunReport.HeaderNote(h.path(), h.check().problems())).toList();
    return new RunReport.Run(runId, givenRunId, spec.name(), options.getSpec(), runner(), startedAt, maskedOptions, in, notes);
  }

  String runDir() {
    return Layout.runDir(spec.output(), runId).toString();
  }

  /** Where run-report.json goes (run-report.html and run.log beside it). */
  String reportPath() {
    return Layout.runDir(spec.output(), runId).resolve("run-report.json", StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /** The run's staging folder, and its staging tables when it writes to PostgreSQL. */
  String stagingKept() {
    String root = Layout.stagingRoot(spec.output(), runId).toString();
    return stagingTables() == null ? root : root + " and " + stagingTables();
  }

  /** "PostgreSQL table(s) a, b": the run's staging tables; null when it writes to no table. */
  String stagingTables() {
    List<String> tables = JdbcRun.stagingTables(spec, runId);
    return tables.isEmpty() ? null : "PostgreSQL table(s) " + String.join(", ", tables);
  }

  @Override
  public void close() {
    store.close();
  }

  /** The job's name on every runner (what Flink's web UI and REST API list), unless --jobName is given. */
  static String jobName(String pipeline, String runId) {
    return "cauce-" + pipeline + "-" + runId;
  }

  static String newRunId(Instant now) {
    return RUN_ID_TIME.format(now) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
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
      m.put(name, Secrets.maskOption(name, eq < 0 ? "true" : s.substring(eq + 1)));
    }
    return m;
  }
}
