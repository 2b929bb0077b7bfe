package dev.cauce;

import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.monitor.Alerts;
import dev.cauce.monitor.Progress;
import dev.cauce.monitor.RunOutcome;
import dev.cauce.monitor.RunReport;
import dev.cauce.orchestrate.Ledger;
import dev.cauce.orchestrate.RunLock;
import dev.cauce.orchestrate.RunLog;
import dev.cauce.orchestrate.RunState;
import dev.cauce.secrets.Secrets;
import dev.cauce.state.Hosts;
import dev.cauce.state.LockHeldException;
import dev.cauce.state.LockInfo;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import dev.cauce.write.LiveOutput;
import dev.cauce.write.Publisher;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a run, after its plan: the run's logging and log file, the pipeline's lock, the run
 * record in the state store and the inputs the ledger leaves to read. While the job runs it reports
 * progress (stderr and the store) and renews the lock; {@link #end} writes the final run record.
 * Closing it stops progress, releases the lock and closes the log, whatever happened.
 */
final class RunStart implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunStart.class);

  private final RunPlan plan;
  private final PrintStream out;
  private final PrintStream err;
  private RunLog log;
  private RunLock lock;
  private RunState state;
  private Progress progress;
  private Ledger.Choice choice; // null when the ledger does not apply
  private LiveOutput live;
  private final AtomicBoolean closed = new AtomicBoolean();

  RunStart(RunPlan plan, PrintStream out, PrintStream err) {
    this.plan = plan;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts logging, takes the lock, records the run and chooses its inputs. Returns the outcome
   * when the run ends here: USAGE when another run holds the lock, SKIPPED when nothing is new.
   */
  Optional<RunOutcome> begin() {
    String name = plan.spec().name();
    log = RunLog.start(plan.runId(), name, plan.options().getLogLevel(), plan.spec().output(), err);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try {
      // the live commit's token is the floor: a store that lost its data still fences older runs out
      lock = RunLock.take(plan.store(), new LockInfo(name, plan.runId(), Hosts.name(), ProcessHandle.current().pid(), now, now,
          plan.options().getLockTtlSeconds() * 1000L), LiveOutput.read(plan.spec().output()).fencingToken(), err);
    } catch (LockHeldException e) {
      return usage(e.getMessage());
    } catch (IOException | RuntimeException e) {
      return usage("cannot take the run lock in the " + plan.store().describe() + ": " + Secrets.maskText(e.getMessage()));
    }
    Optional<String> unusable = recover();
    if (unusable.isPresent()) {
      return usage(unusable.get());
    }
    state = new RunState(plan.store(), RunRecord.started(name, plan.runId(), now, plan.runner(), plan.spec().output()));
    if (plan.ledgerApplies() && chooseInputs(now)) {
      return Optional.of(new RunOutcome.Skipped(plan.runId(), "nothing new to ingest", plan.options().getNothingNewExitCode()));
    }
    if (plan.options().getReplay() != null && alreadyReplayed(now)) {
      return Optional.of(new RunOutcome.Skipped(plan.runId(), "already replayed", plan.options().getNothingNewExitCode()));
    }
    state.put();
    progress = new Progress(Duration.ofMillis(Math.round(plan.options().getProgressSeconds() * 1000)), err,
        name + " " + plan.runId(), this::onProgress);
    return Optional.empty();
  }

  /**
   * Under the lock: finishes or rolls back a publish an earlier process left half done, then reads
   * what the output serves now. A problem (another pipeline's folder, an unreadable commit) is returned.
   */
  private Optional<String> recover() {
    String output = plan.spec().output();
    try {
      Publisher.Recovery r = new Publisher(plan.options()).recover(output, plan.spec().name(), plan.runId(), Commit.tables(plan));
      if (!r.rolledBack().isEmpty() || !r.deleted().isEmpty()) {
        LOG.warn("recovered {}: rolled back the unfinished publish of run(s) {}, deleted {} unlisted file(s)", output,
            r.rolledBack(), r.deleted().size());
      }
      live = LiveOutput.read(output);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot use the output folder " + output + ": " + Secrets.maskText(String.valueOf(e.getMessage())));
    }
  }

  /** What the output served when the run started (after recovery). */
  LiveOutput live() {
    return live;
  }

  /** This run's lock. */
  RunLock lock() {
    return lock;
  }

  /** Asks the live commit's ledger what to read; true when there is nothing new (the run is recorded SKIPPED). */
  private boolean chooseInputs(Instant now) {
    choice = Ledger.choose(live.ledger(), plan.spec(), plan.inputs(), plan.options().getReprocess());
    out.println("cauce: pipeline " + plan.spec().name() + ": " + choice.note());
    LOG.info(choice.note());
    if (choice.nothingNew()) {
      state.skipped("skipped " + plan.inputs().size() + " already ingested input file(s)", now);
      return true;
    }
    state.detail(choice.note());
    return false;
  }

  /**
   * A replay's dead-letter files go into the ledger with the records they add: replaying the same
   * files again would add those records twice, so it is skipped (recorded SKIPPED) unless --reprocess.
   */
  private boolean alreadyReplayed(Instant now) {
    List<InputFile> fresh = Ledger.notIngested(live.ledger(), plan.inputs());
    if (!fresh.isEmpty() || plan.options().getReprocess()) {
      return false;
    }
    String note = "already replayed: every file of " + plan.options().getReplay() + " was replayed into " + plan.spec().output()
        + " before, so its records are live; the job did not run. Use --reprocess to add them again.";
    out.println("cauce: pipeline " + plan.spec().name() + ": " + note);
    state.skipped(note, now);
    return true;
  }

  private Optional<RunOutcome> usage(String message) {
    err.println("cauce: " + message);
    return Optional.of(new RunOutcome.Usage(List.of("cauce: " + message)));
  }

  /** The inputs this run reads (after the ledger), in path order. */
  List<InputFile> inputs() {
    return choice == null ? plan.inputs() : choice.read();
  }

  /** The files the job must read, or null to read the source as given (replay, HTTP API). */
  List<InputFile> filesToRead() {
    return choice == null ? null : choice.read();
  }

  /** The run report's who and what, and its ingestion section (null without a ledger). */
  RunReport.Run reportRun() {
    return plan.reportRun(inputs());
  }

  RunReport.Ingestion ingestion() {
    return choice == null ? null : choice.ingestion();
  }

  void jobStarting() {
    progress.jobStarting();
    state.stage("job");
  }

  void jobRunning(PipelineResult result) {
    progress.watch(result);
  }

  private void onProgress(Progress.Snapshot s) {
    lock.heartbeat(Instant.now());
    state.progress(s);
  }

  /** Stops progress lines and heartbeats (the lock stays held until {@link #close}). */
  void stopProgress() {
    if (progress != null) {
      progress.close();
    }
  }

  /** The final run record: status, error, counts as in the report, the report's path. */
  void end(RunOutcome o) {
    String error = o instanceof RunOutcome.Failed f ? f.error() : o instanceof RunOutcome.Refused r ? r.refusal()
        : o instanceof RunOutcome.Cancelled c ? c.why() : null;
    state.end(RunStatus.valueOf(o.status()), error, o.counted() == null ? null : o.counted().counts().asCounters(), plan.reportPath());
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return; // the stop hook closed it already
    }
    try {
      if (state != null && !state.ended()) {
        abandon(new RunOutcome.Failed(plan.runId(), "cauce ended before the run finished (status RUNNING)", null, plan.stagingKept(),
            null));
      }
    } finally {
      stopProgress();
      if (lock != null) {
        lock.release();
      }
      if (log != null) {
        log.close();
      }
    }
  }

  /**
   * The run ended before its finish: an exception (FAILED, with an alert; a finish that failed half
   * way may have written its report) or the stop hook (CANCELLED: its report is written here). Its
   * record says so; nothing when the run was not recorded yet.
   */
  void abandon(RunOutcome o) {
    stopProgress();
    if (state == null) {
      return;
    }
    RunReport report = RunReport.of(reportRun(), ingestion(), null, o, new RunReport.Timings(plan.checkMillis(), null, null, null),
        Instant.now());
    if (o instanceof RunOutcome.Cancelled) {
      try {
        report.writeTo(plan.reportPath());
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not write the run report {}: {}", plan.reportPath(), e.toString());
      }
    }
    end(o);
    if (o instanceof RunOutcome.Failed) {
      Alerts.raise(Alerts.decide(o, Map.of(), null), report, plan.reportPath(), null, plan.options().getAlertWebhook());
    }
  }
}
