package dev.cauce.orchestrate;

import dev.cauce.monitor.Progress;
import dev.cauce.secrets.Secrets;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import dev.cauce.state.StateStore;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's record in the state store, kept up to date: its stage and counts while it runs (from
 * progress snapshots, on the progress thread), and how it ended. A store that cannot be written is
 * logged, never fatal.
 */
public final class RunState {
  private static final Logger LOG = LoggerFactory.getLogger(RunState.class);

  private final StateStore store;
  private volatile RunRecord record;

  public RunState(StateStore store, RunRecord started) {
    this.store = store;
    this.record = started;
  }

  public boolean ended() {
    return record.status().ended();
  }

  /** Adds a human note (e.g. what the ledger chose); written with the next update. */
  public void detail(String note) {
    record = record.withDetail(note);
  }

  public void put() {
    try {
      store.putRun(record);
    } catch (RuntimeException e) {
      LOG.warn("could not update run {} in the {}: {}", record.runId(), store.describe(), Secrets.maskText(e.toString()));
    }
  }

  public void stage(String stage) {
    record = record.withStage(stage, Instant.now());
    put();
  }

  public void progress(Progress.Snapshot s) {
    RunRecord r = record;
    if (!r.status().ended()) {
      record = r.withProgress(s.stage(), s.countsKnown() ? s.counts() : r.counts(), s.recordsPerSecond(), Instant.now());
      put();
    }
  }

  /** Ends the run SKIPPED: the job did not run. */
  public void skipped(String detail, Instant at) {
    record = record.withDetail(detail).ended(RunStatus.SKIPPED, null, at);
    put();
  }

  /**
   * Ends the run.
   *
   * @param counts the final counts as counter names, or null to keep the last ones seen
   * @param report the run report's path
   */
  public void end(RunStatus status, String error, Map<String, Long> counts, String report) {
    Instant now = Instant.now();
    record = record.withProgress("done", counts == null ? record.counts() : counts, record.recordsPerSecond(), now)
        .withReport(report).ended(status, error, now);
    put();
  }
}
