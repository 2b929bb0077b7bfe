package dev.cauce.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What cauce remembers between runs: each run's record (status, stage, counts so far, times) and
 * one lock per pipeline so that two runs of it never overlap (the ledger of ingested inputs lives in
 * the output's commit, with the data it describes). Two backends: {@link LocalStateStore} (files, the default) and {@link
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

  // ---- the lock ----

  /**
   * Takes the pipeline's lock for {@code candidate.runId()} and hands out a fencing token (the
   * candidate's own token is ignored): {@code max(last token handed out + 1, floor + 1)}, stored as
   * the pipeline's new last token. Pass as {@code floor} the token recorded in the live output's
   * last commit, so that a store that lost its data (Redis restarted without persistence) still
   * hands out tokens above every committed one. A stale lock (see {@link LockInfo#staleReason}) is
   * taken over; the grant names it and why. The same run id from another process is another run
   * ({@link LockInfo#sameHolder}).
   *
   * @throws LockHeldException when a live run holds it
   */
  LockGrant acquireLock(LockInfo candidate, long floor);

  /** {@link #acquireLock(LockInfo, long)} with no committed token to stay above. */
  default LockGrant acquireLock(LockInfo candidate) {
    return acquireLock(candidate, 0);
  }

  /**
   * Renews the lock's heartbeat if {@code runId} still holds it with {@code token}, and says whether
   * it does. Never throws: a store that cannot be reached is reported as not held, with the reason.
   */
  LockCheck refreshLock(String pipeline, String runId, long token, Instant now);

  /**
   * Whether {@code runId} can prove, now, that it holds the lock with {@code token} (renewing its
   * heartbeat when it does); {@link #refreshLock} says why not.
   */
  default boolean stillHolds(String pipeline, String runId, long token) {
    return refreshLock(pipeline, runId, token, Instant.now()).held();
  }

  /** Releases the lock if {@code runId} holds it. */
  void releaseLock(String pipeline, String runId);

  Optional<LockInfo> lock(String pipeline);

  @Override
  void close();
}
