package dev.cauce.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cauce.files.AtomicFiles;
import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.metrics.Conservation;
import dev.cauce.metrics.RunCounts;
import dev.cauce.quality.QualityGate;
import dev.cauce.secrets.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code run-report.json}: everything about one run in one file — who, what, inputs, counts per
 * stage, reason and rule, the conservation check, the quality gate, the expectations' results (GX's
 * suite validation-result shape, {@code ResultList#toGxSuite}), outputs, timings and status.
 * Built once from the run's {@link RunOutcome} ({@link #of}); the JSON keys are the components'
 * names in snake case, in declaration order, and an absent section (null) is left out. Option
 * values are masked ({@link Secrets}) before they get here.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
    String runId,
    String runIdGiven,
    String pipeline,
    String spec,
    String runner,
    String status,
    int exitCode,
    String startedAt,
    String finishedAt,
    Map<String, String> options,
    List<Input> inputs,
    List<HeaderNote> headers,
    Ingestion ingestion,
    Jdbc jdbc,
    Counts counts,
    Conservation.Check conservation,
    Gate qualityGate,
    Map<String, Object> expectations,
    Outputs outputs,
    String error,
    Timings timingsMs) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Who and what, known before the job: the run, its spec and runner, when it started, its options
   * and inputs, and the inputs whose CSV header differs from the schema; {@code runIdGiven} is the run
   * id as given when {@code runId} is its safe form, else null.
   */
  public record Run(String runId, String runIdGiven, String pipeline, String spec, String runner, Instant startedAt,
      Map<String, String> options, List<Input> inputs, List<HeaderNote> headers) {
    public Run {
      headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public Run(String runId, String pipeline, String spec, String runner, Instant startedAt, Map<String, String> options,
        List<Input> inputs) {
      this(runId, null, pipeline, spec, runner, startedAt, options, inputs, List.of());
    }
  }

  /** An input read although its CSV header differs from the schema (the spec's policy allows it): each difference. */
  public record HeaderNote(String path, List<String> problems) {}

  /** An input: a file, or an HTTP source's first page. */
  public sealed interface Input permits FileInput, UrlInput {
    static List<Input> files(List<InputFile> files) {
      return files.stream().<Input>map(f -> new FileInput(f.path(), f.sizeBytes(),
          f.lastModifiedMillis() > 0 ? Instant.ofEpochMilli(f.lastModifiedMillis()).toString() : null)).toList();
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record FileInput(String path, long sizeBytes, String lastModified) implements Input {}

  /** An HTTP source's first page, secrets masked. */
  public record UrlInput(String url) implements Input {
    public UrlInput {
      url = Secrets.maskText(url);
    }
  }

  /** What the ledger of ingested inputs left to read. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Ingestion(int matched, int alreadyIngested, boolean reprocess, int read, int skipped) {}

  /**
   * The PostgreSQL side: per table its target, staging table and counters; {@code summary}, the
   * lines the console summary prints; {@code publish}, the publish's retry counts (null before it).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Jdbc(String url, Map<String, JdbcTable> tables, List<String> summary, Map<String, Long> publish) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record JdbcTable(String kind, String table, String stagingTable, Map<String, Long> counters) {}

  /**
   * The job's counts; {@code source} (an HTTP source's counters) only when there are any; {@code
   * replaced} (live records a replay replaced) only when above 0; {@code lines} (physical lines of
   * the input files) only when the run read files; {@code mapped_by_field} (values changed by dictionaries),
   * {@code lookups_filled_by_field} and {@code lookups_missed_by_field} (lookups that found / did not find a row) and
   * {@code changed_by_step} (values changed per cleaning step and field, {@code <step>.<field>}) only when any; {@code dependencies}
   * (per functional dependency: violations, violating_records, repaired, unresolved) only when the spec has any.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Counts(long read, Map<String, Long> written, long rejected, Map<String, Long> rejectedByStage,
      Map<String, Map<String, Long>> violationsByStageAndReason, long duplicates, Map<String, Long> warningsByRule,
      long deadLettered, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> source,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long replaced, Lines lines,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> mappedByField,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> lookupsFilledByField,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> lookupsMissedByField,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> changedByStep,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Long>> dependencies) {
    static Counts of(RunCounts c, boolean withLines) {
      return new Counts(c.read(), c.writtenBySink(), c.rejected(), c.rejectedByStage(), c.reasons(), c.duplicates(), c.warnings(),
          c.deadLettered(), c.source(), c.replaced(),
          withLines ? new Lines(c.lines().consumed(), c.lines().inRecords(), c.lines().skipped()) : null, c.mapped(),
          c.lookupsFilled(), c.lookupsMissed(), c.changedByStep(), c.dependencies());
    }
  }

  /** Physical lines of the input files: consumed = in records + skipped (by reason). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Lines(long consumed, long inRecords, Map<String, Long> skipped) {}

  /** The quality gate's verdict: the limits checked and the ones breached. */
  public record Gate(boolean passed, List<String> checked, List<Breach> breaches) {
    static Gate of(QualityGate.Verdict v) {
      return new Gate(v.passed(), v.checked(),
          v.breaches().stream().map(b -> new Breach(b.limit(), b.allowed(), b.actual(), b.message())).toList());
    }
  }

  public record Breach(String limit, String allowed, String actual, String message) {}

  /** What was published, or where the staging output is kept (null when published). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Outputs(List<String> published, String stagingKept) {}

  /** Milliseconds per phase: check (the plan), run (the job), publish, total (a published run only). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Timings(Long check, Long run, Long publish, Long total) {}

  /** The report of a run that ended with {@code o}. */
  public static RunReport of(Run run, Ingestion ingestion, Jdbc jdbc, RunOutcome o, Timings timings, Instant finishedAt) {
    RunOutcome.Counted c = o.counted();
    Outputs outputs = o instanceof RunOutcome.Succeeded s ? new Outputs(s.published(), null) : new Outputs(List.of(), stagingKept(o));
    return new RunReport(run.runId(), run.runIdGiven(), run.pipeline(), run.spec(), run.runner(), o.status(), o.exitCode(),
        run.startedAt().toString(), finishedAt.toString(), run.options(), run.inputs(), run.headers().isEmpty() ? null : run.headers(),
        ingestion, jdbc,
        c == null ? null : Counts.of(c.counts(), c.conservation().lines() != null),
        c == null ? null : c.conservation(), c == null || c.verdict() == null ? null : Gate.of(c.verdict()),
        c == null || c.expectations() == null ? null : c.expectations().toGxSuite(), outputs,
        o instanceof RunOutcome.Failed f ? f.error() : o instanceof RunOutcome.Cancelled x ? x.why() : null, timings);
  }

  private static String stagingKept(RunOutcome o) {
    if (o instanceof RunOutcome.Refused r) {
      return r.stagingKept();
    }
    if (o instanceof RunOutcome.Cancelled c) {
      return c.stagingKept();
    }
    return o instanceof RunOutcome.Failed f ? f.stagingKept() : null;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot render the run report", e);
    }
  }

  /** Writes the report to {@code path} (local or gs://) whole or not at all ({@link AtomicFiles}). */
  public void writeTo(String path) throws IOException {
    AtomicFiles.write(path, toJson().getBytes(StandardCharsets.UTF_8));
  }
}
