package dev.cauce.orchestrate;

import dev.cauce.ExitCode;
import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.monitor.Alerts;
import dev.cauce.monitor.CauceMetrics;
import dev.cauce.monitor.HtmlReport;
import dev.cauce.monitor.Progress;
import dev.cauce.monitor.RunLogging;
import dev.cauce.monitor.RunReport;
import dev.cauce.monitor.Secrets;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.state.Hosts;
import dev.cauce.state.LedgerEntry;
import dev.cauce.state.LockCheck;
import dev.cauce.state.LockGrant;
import dev.cauce.state.LockHeldException;
import dev.cauce.state.LockInfo;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import dev.cauce.state.StateStore;
import dev.cauce.state.StateStores;
import dev.cauce.write.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.util.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything around one run that is not the job: the driver ({@code Cauce}) calls {@link #start}
 * before the job, {@link #jobStarting} / {@link #jobRunning} around {@code pipeline.run()}, and
 * {@link #close} when it is done, whatever happened. In between, this session:
 *
 * <ul>
 *   <li>checks the operating options and the spec's {@code depends_on} (exit 2 on a problem);
 *   <li>starts the run's logging (run id and pipeline on every line, {@code --logLevel}, {@code
 *       _runs/<runId>/run.log});
 *   <li>takes the pipeline's lock in the state store (exit 2 naming the holder when a live run has
 *       it; a stale lock is taken over with a warning and its run marked FAILED);
 *   <li>chooses the inputs with the ledger: files already ingested into this output folder are
 *       skipped; nothing new means no job (status SKIPPED, exit 0); {@code --reprocess} reads all;
 *   <li>while the job runs, reports progress to stderr and the store, and renews the lock;
 *   <li>at the end: the final run record (counts as in the report), the ledger (only for a
 *       SUCCEEDED run, i.e. after publishing), the HTML report, alerts, and the log file.
 * </ul>
 */
public final class RunSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

  private final PrintStream out;
  private final PrintStream err;

  private StateStore store;
  private RunLogging logging;
  private Progress progress;
  private PipelineSpec spec;
  private String runId;
  private String outputKey;
  private OpsOptions options;
  private RunReport report;
  private List<InputFile> chosen;
  private boolean ledgerApplies;
  private boolean locked;
  private long lockToken;
  private boolean lockHeld = true;
  private PipelineResult result;
  private Path localLog;
  private volatile RunRecord record;

  public RunSession(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Prepares the run. Returns an exit code when the run must end here: 2 for a bad operating
   * option, a dependency problem, an unreachable store or a pipeline already running; 0 when there
   * is nothing new to ingest (recorded as SKIPPED). Empty: go on and run the job.
   *
   * @param matched the files the source pattern matched (or the replayed dead letters)
   * @param noLedger true when the ledger does not apply (dead letters being replayed, an HTTP API)
   */
  public Optional<ExitCode> start(
      OpsOptions opts, PipelineSpec pipelineSpec, String specPath, String id, List<InputFile> matched, boolean noLedger, RunReport runReport) {
    this.options = opts;
    this.spec = pipelineSpec;
    this.runId = id;
    this.report = runReport;
    this.chosen = matched;
    this.outputKey = outputKey(pipelineSpec.output());

    if (!(opts.getProgressSeconds() >= 0.1) || opts.getLockTtlSeconds() < 2 || opts.getLockTtlSeconds() < 2 * opts.getProgressSeconds()) {
      return usage("--progressSeconds must be 0.1 or more, and --lockTtlSeconds 2 or more and at least twice --progressSeconds; got "
          + opts.getProgressSeconds() + " and " + opts.getLockTtlSeconds());
    }
    Double ratio = opts.getAlertRejectedRatio();
    if (ratio != null && !(ratio >= 0 && ratio <= 1)) {
      return usage("--alertRejectedRatio must be a ratio between 0 and 1, got " + ratio);
    }
    if (opts.getAlertWebhook() != null && !opts.getAlertWebhook().matches("(?i)https?://.+")) {
      return usage("--alertWebhook must be an http:// or https:// URL");
    }
    Optional<String> depProblem = Dependencies.checkSpec(Path.of(specPath), pipelineSpec);
    if (depProblem.isPresent()) {
      return usage(depProblem.get());
    }
    try {
      logging = new RunLogging(id, pipelineSpec.name(), opts.getLogLevel());
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    try {
      store = StateStores.open(opts.getStateStore());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return usage("--stateStore: " + Secrets.maskText(e.getMessage()));
    }
    startLogFile();

    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    LockInfo me = new LockInfo(spec.name(), id, Hosts.name(), ProcessHandle.current().pid(), now, now,
        opts.getLockTtlSeconds() * 1000L);
    try {
      LockGrant grant = store.acquireLock(me);
      locked = true;
      lockToken = grant.token();
      grant.tookOver().ifPresent(stale -> abandon(stale, grant.takeOverWarning().orElseThrow()));
    } catch (LockHeldException e) {
      return usage(e.getMessage());
    } catch (RuntimeException e) {
      return usage("cannot take the run lock in the " + store.describe() + ": " + Secrets.maskText(e.getMessage()));
    }

    record = RunRecord.started(spec.name(), id, now, opts.getRunner().getSimpleName(), spec.output());
    ledgerApplies = !noLedger;
    if (ledgerApplies) {
      Optional<ExitCode> skipped = chooseInputs(matched, now);
      if (skipped.isPresent()) {
        return skipped;
      }
    }
    putRecord(record);
    if (ledgerApplies) {
      report.inputs(chosen);
    }

    // Direct runner: return from run() at once so that counters can be read while the job runs.
    // (Other runners ignore this option; Flink's batch run() blocks until the job ends.)
    opts.as(DirectOptions.class).setBlockOnRun(false);
    progress = new Progress(Duration.ofMillis(Math.round(opts.getProgressSeconds() * 1000)), err, spec.name() + " " + id, this::onProgress);
    return Optional.empty();
  }

  /** The fencing token of this run's lock (for the commit record). */
  public long lockToken() {
    return lockToken;
  }

  /**
   * Renews the lock and proves this run still holds it with its token; the driver calls it right
   * before the commit and publishes nothing when it is not held (the reason says why).
   */
  public LockCheck proveLock() {
    return locked ? store.refreshLock(spec.name(), runId, lockToken, Instant.now()) : new LockCheck(false, "the run took no lock");
  }

  /** The inputs this run reads (after the ledger), in path order. */
  public List<InputFile> inputs() {
    return chosen;
  }

  /** The files the job must read, or null to read the source as given (replay, HTTP API). */
  public List<InputFile> filesToRead() {
    return ledgerApplies ? chosen : null;
  }

  public void jobStarting() {
    if (progress != null) {
      progress.jobStarting();
      updateStage("job");
    }
  }

  public void jobRunning(PipelineResult r) {
    this.result = r;
    if (progress != null) {
      progress.watch(r);
    }
  }

  private Optional<ExitCode> usage(String message) {
    err.println("cauce: " + message);
    return Optional.of(ExitCode.USAGE);
  }

  // ---- the ledger ----

  private Optional<ExitCode> chooseInputs(List<InputFile> matched, Instant now) {
    Map<String, LedgerEntry> ledger = store.ledger(spec.name(), outputKey);
    List<InputFile> fresh = new ArrayList<>();
    for (InputFile f : matched) {
      LedgerEntry e = ledger.get(f.path());
      if (e == null || !e.sameFile(f.sizeBytes(), f.lastModifiedMillis())) {
        fresh.add(f);
      }
    }
    int already = matched.size() - fresh.size();
    Map<String, Object> ingestion = new LinkedHashMap<>();
    ingestion.put("matched", matched.size());
    ingestion.put("already_ingested", already);
    ingestion.put("reprocess", options.getReprocess());
    String note;
    if (options.getReprocess()) {
      chosen = matched;
      note = "--reprocess: reading all " + matched.size() + " input file(s)" + (already > 0 ? ", " + already + " of them ingested before" : "");
    } else if (fresh.isEmpty()) {
      String msg = "nothing new to ingest: all " + matched.size() + " input file(s) of " + spec.source().path()
          + " were ingested before into " + spec.output() + "; skipped " + matched.size()
          + " file(s), the job did not run. Use --reprocess to ingest them again.";
      out.println("cauce: pipeline " + spec.name() + ": " + msg);
      LOG.info(msg);
      record = record.withDetail("skipped " + matched.size() + " already ingested input file(s)");
      record = record.ended(RunStatus.SKIPPED, null, now);
      putRecord(record);
      chosen = List.of();
      return Optional.of(ExitCode.OK);
    } else if (already == 0) {
      chosen = matched;
      note = "ingesting " + matched.size() + " input file(s), none ingested before";
    } else if (spec.sinks().stream().allMatch(s -> s.mode() == WriteMode.APPEND)) {
      chosen = fresh;
      note = "ingesting " + fresh.size() + " new input file(s); skipped " + already + " already ingested";
    } else {
      chosen = matched;
      String sink = spec.sinks().stream().filter(s -> s.mode() == WriteMode.OVERWRITE).findFirst().orElseThrow().name();
      note = fresh.size() + " new input file(s), " + already + " ingested before: reading all " + matched.size()
          + " because sink " + sink + " is mode: overwrite (a publish replaces the dataset, so it must hold every input)";
    }
    ingestion.put("read", chosen.size());
    ingestion.put("skipped", matched.size() - chosen.size());
    report.section("ingestion", ingestion);
    out.println("cauce: pipeline " + spec.name() + ": " + note);
    LOG.info(note);
    record = record.withDetail(note);
    return Optional.empty();
  }

  /** The ledger's key for an output folder: a local folder's absolute path, or the URL as given. */
  static String outputKey(String output) {
    String o = output.replaceAll("/+$", "");
    if (o.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return o;
    }
    return Path.of(o).toAbsolutePath().normalize().toString();
  }

  // ---- state while running ----

  private void abandon(LockInfo stale, String msg) {
    LOG.warn(msg);
    err.println("cauce: warning: " + msg);
    try {
      store.run(stale.pipeline(), stale.runId()).filter(r -> r.status() == RunStatus.RUNNING).ifPresent(r ->
          store.putRun(r.ended(RunStatus.FAILED, "abandoned: its lock went stale and run " + runId + " took it over", Instant.now())));
    } catch (RuntimeException e) {
      LOG.warn("could not mark run {} as abandoned: {}", stale.runId(), e.toString());
    }
  }

  private void onProgress(Progress.Snapshot s) {
    Instant now = Instant.now();
    if (locked) {
      // keeps beating while the store is unreachable: the lock may still be ours when it answers again
      LockCheck check = store.refreshLock(spec.name(), runId, lockToken, now);
      if (!check.held() && lockHeld) {
        LOG.error("cannot prove this run still holds the lock of pipeline {}: {}", spec.name(), check.reason());
      }
      lockHeld = check.held();
    }
    RunRecord r = record;
    if (r != null && !r.status().ended()) {
      record = r.withProgress(s.stage(), s.countsKnown() ? s.counts() : r.counts(), s.recordsPerSecond(), now);
      putRecord(record);
    }
  }

  private void updateStage(String stage) {
    RunRecord r = record;
    if (r != null) {
      record = r.withStage(stage, Instant.now());
      putRecord(record);
    }
  }

  private void putRecord(RunRecord r) {
    try {
      store.putRun(r);
    } catch (RuntimeException e) {
      LOG.warn("could not update run {} in the {}: {}", r.runId(), store.describe(), Secrets.maskText(e.toString()));
    }
  }

  // ---- the end ----

  @Override
  public void close() {
    try {
      if (store != null && record != null && !record.status().ended()) {
        finish();
      }
    } finally {
      if (progress != null) {
        progress.close();
      }
      if (store != null) {
        if (locked) {
          try {
            store.releaseLock(spec.name(), runId);
          } catch (RuntimeException e) {
            LOG.warn("could not release the run lock: {}", e.toString());
          }
        }
        store.close();
      }
      closeLogFile();
    }
  }

  private void finish() {
    if (progress != null) {
      progress.close();
    }
    Map<String, Object> r = report.asMap();
    String statusText = String.valueOf(r.get("status"));
    RunStatus status;
    String error = (String) r.get("error");
    switch (statusText) {
      case "SUCCEEDED" -> status = RunStatus.SUCCEEDED;
      case "REFUSED" -> status = RunStatus.REFUSED;
      case "FAILED" -> status = RunStatus.FAILED;
      default -> {
        status = RunStatus.FAILED;
        error = "cauce ended before the run finished (status " + statusText + ")";
      }
    }
    Instant now = Instant.now();
    String jsonPath = reportPath("run-report.json");
    Map<String, Long> counts = countsOf(r);
    RunRecord rec = record.withProgress("done", counts.isEmpty() ? record.counts() : counts, record.recordsPerSecond(), now)
        .withReport(jsonPath);
    if (status == RunStatus.REFUSED && error == null) {
      error = refusal(r);
    }

    if (status == RunStatus.SUCCEEDED && ledgerApplies) {
      List<LedgerEntry> entries = new ArrayList<>();
      for (InputFile f : chosen) {
        entries.add(new LedgerEntry(f.path(), f.sizeBytes(), f.lastModifiedMillis(), runId, now.truncatedTo(ChronoUnit.MILLIS)));
      }
      try {
        store.addToLedger(spec.name(), outputKey, entries);
        LOG.info("ledger: {} input file(s) recorded as ingested", entries.size());
      } catch (RuntimeException e) {
        String msg = "the run was published but its inputs could not be recorded in the ledger (" + Secrets.maskText(e.toString())
            + "): the next run will ingest them again";
        LOG.error(msg);
        err.println("cauce: " + msg);
      }
    }

    String html = null;
    if (r.get("counts") != null || status != RunStatus.SUCCEEDED) {
      try {
        html = HtmlReport.writeBeside(r, spec, runId, jsonPath);
        out.println("  html report: " + html);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not write the HTML report: {}", e.toString());
      }
    }

    Map<String, Long> breakers = breakerCounters();
    Alerts.Decision alerts = Alerts.decide(r, breakers, options.getAlertRejectedRatio());
    if (!alerts.reasons().isEmpty()) {
      Alerts.raise(alerts, r, jsonPath, html, options.getAlertWebhook());
    }

    record = rec.ended(status, error, now);
    putRecord(record);
  }

  private static String refusal(Map<String, Object> r) {
    Object gate = r.get("quality_gate");
    if (gate instanceof Map<?, ?> g && g.get("breaches") instanceof List<?> breaches) {
      List<String> msgs = new ArrayList<>();
      for (Object b : breaches) {
        if (b instanceof Map<?, ?> bm) {
          msgs.add(String.valueOf(bm.get("message")));
        }
      }
      return "refused by the quality gate: " + String.join("; ", msgs);
    }
    return "refused by the quality gate";
  }

  /** The report's counts as the store's flat counter names. */
  @SuppressWarnings("unchecked")
  static Map<String, Long> countsOf(Map<String, Object> report) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (!(report.get("counts") instanceof Map<?, ?> c)) {
      return m;
    }
    m.put(CauceMetrics.READ, ((Number) c.get("read")).longValue());
    ((Map<String, Object>) c.get("rejected_by_stage")).forEach((k, v) -> m.put(CauceMetrics.rejected(k), ((Number) v).longValue()));
    m.put(CauceMetrics.DUPLICATES, ((Number) c.get("duplicates")).longValue());
    ((Map<String, Object>) c.get("written")).forEach((k, v) -> m.put(CauceMetrics.written(k), ((Number) v).longValue()));
    m.put(CauceMetrics.DEAD_LETTERED, ((Number) c.get("dead_lettered")).longValue());
    return m;
  }

  /** Counters (any namespace) whose name ends with {@code breaker_opened} and are above 0. */
  private Map<String, Long> breakerCounters() {
    Map<String, Long> m = new LinkedHashMap<>();
    if (result == null) {
      return m;
    }
    try {
      for (MetricResult<Long> c : result.metrics().allMetrics().getCounters()) {
        Long v = c.getAttempted();
        if (c.getName().getName().endsWith("breaker_opened") && v != null && v > 0) {
          m.merge(c.getName().getNamespace() + ":" + c.getName().getName(), v, Long::sum);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("could not read the job's counters for circuit breakers: {}", e.toString());
    }
    return m;
  }

  private String reportPath(String file) {
    return Layout.runDir(spec.output(), runId).resolve(file, StandardResolveOptions.RESOLVE_FILE).toString();
  }

  // ---- the run's log file ----

  private void startLogFile() {
    ResourceId dir = Layout.runDir(spec.output(), runId);
    try {
      if ("file".equals(dir.getScheme())) {
        localLog = Path.of(dir.resolve("run.log", StandardResolveOptions.RESOLVE_FILE).toString());
      } else {
        localLog = Files.createTempDirectory("cauce-" + runId).resolve("run.log");
      }
      Files.createDirectories(localLog.getParent());
      logging.toFile(localLog);
    } catch (IOException | RuntimeException e) {
      LOG.warn("no run log file: {}", e.toString());
      localLog = null;
    }
  }

  private void closeLogFile() {
    if (logging == null) {
      return;
    }
    logging.close();
    ResourceId dir = Layout.runDir(spec.output(), runId);
    if (localLog != null && !"file".equals(dir.getScheme()) && Files.exists(localLog)) {
      ResourceId target = dir.resolve("run.log", StandardResolveOptions.RESOLVE_FILE);
      try (InputStream in = Files.newInputStream(localLog);
          OutputStream o = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
        in.transferTo(o);
        Files.deleteIfExists(localLog);
        Files.deleteIfExists(localLog.getParent());
      } catch (IOException | RuntimeException e) {
        err.println("cauce: the run log stays at " + localLog + ": could not copy it to " + target + ": " + e);
      }
    }
  }
}
