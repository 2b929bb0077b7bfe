package dev.cauce.state;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What cauce remembers between runs: each run's record (status, stage, counts so far, times), the
 * ledger of ingested inputs per pipeline and output folder, and one lock per pipeline so that two
 * runs of it never overlap. Two backends: {@link LocalStateStore} (files, the default) and {@link
 * RedisStateStore}. Implementations are safe for use from several threads.
 */
public interface StateStore extends AutoCloseable {

  /** Where the store is, for messages (secrets masked). */
  String describe();

  // ---- runs ----

  /** Creates or replaces a run's record. */
  void putRun(RunRecord run);

  Optional<RunRecord> run(String pipeline, String runId);

  /** The pipeline's latest runs, newest start first, at most {@code limit}. */
  List<RunRecord> latestRuns(String pipeline, int limit);

  /** Every pipeline that has a run record, sorted. */
  List<String> pipelines();

  // ---- the ledger ----

  /**
   * The inputs recorded as ingested for a pipeline writing to {@code output} (the ledger is kept per
   * pipeline and output folder, so a run into a fresh folder ingests everything), by path.
   */
  Map<String, LedgerEntry> ledger(String pipeline, String output);

  /** Records inputs as ingested (replacing entries with the same path). */
  void addToLedger(String pipeline, String output, Collection<LedgerEntry> entries);

  // ---- the lock ----

  /**
   * Takes the pipeline's lock for {@code candidate.runId()}.
   *
   * @return the stale lock that was taken over, if any
   * @throws LockHeldException when a live run holds it
   */
  Optional<LockInfo> acquireLock(LockInfo candidate);

  /** Renews the lock's heartbeat; false when the run no longer holds it. */
  boolean refreshLock(String pipeline, String runId, Instant now);

  /** Releases the lock if {@code runId} holds it. */
  void releaseLock(String pipeline, String runId);

  Optional<LockInfo> lock(String pipeline);

  @Override
  void close();
}
