package dev.cauce.orchestrate;

import dev.cauce.state.LockCheck;
import dev.cauce.state.LockGrant;
import dev.cauce.state.LockHeldException;
import dev.cauce.state.LockInfo;
import dev.cauce.state.RunStatus;
import dev.cauce.state.StateStore;
import java.io.PrintStream;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's hold on its pipeline's lock in the state store: taken before the job (a stale lock is
 * taken over with a warning and its run marked FAILED), renewed by every progress heartbeat,
 * released at the end.
 */
public final class RunLock {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

  private final StateStore store;
  private final LockInfo me;
  private final long token;
  private volatile boolean held = true;

  private RunLock(StateStore store, LockInfo me, long token) {
    this.store = store;
    this.me = me;
    this.token = token;
  }

  /**
   * Takes the lock for {@code me} with a fencing token above {@code floor} (the token of the output's
   * live commit, so a store that lost its data still hands out a higher one).
   *
   * @throws LockHeldException when a live run holds it (its message names the holder)
   * @throws RuntimeException when the store cannot be asked
   */
  public static RunLock take(StateStore store, LockInfo me, long floor, PrintStream err) {
    LockGrant grant = store.acquireLock(me, floor);
    RunLock lock = new RunLock(store, me, grant.token());
    grant.tookOver().ifPresent(stale -> lock.abandon(stale, grant.takeOverWarning().orElseThrow(), err));
    return lock;
  }

  /** This run's fencing token: the commit records it, and refuses a token below the live one. */
  public long token() {
    return token;
  }

  private void abandon(LockInfo stale, String msg, PrintStream err) {
    LOG.warn(msg);
    err.println("cauce: warning: " + msg);
    try {
      store.run(stale.pipeline(), stale.runId()).filter(r -> r.status() == RunStatus.RUNNING).ifPresent(r ->
          store.putRun(r.ended(RunStatus.FAILED, "abandoned: its lock went stale and run " + me.runId() + " took it over", Instant.now())));
    } catch (RuntimeException e) {
      LOG.warn("could not mark run {} as abandoned: {}", stale.runId(), e.toString());
    }
  }

  /** Renews the lock; logs when this run can no longer prove it holds it (and keeps beating: the store may answer again). */
  public void heartbeat(Instant now) {
    LockCheck check = store.refreshLock(me.pipeline(), me.runId(), token, now);
    if (!check.held() && held) {
      LOG.error("cannot prove this run still holds the lock of pipeline {}: {}", me.pipeline(), check.reason());
    }
    held = check.held();
  }

  /** Renews the lock and proves this run still holds it with its token; called right before the commit. */
  public LockCheck prove() {
    LockCheck check = store.refreshLock(me.pipeline(), me.runId(), token, Instant.now());
    held = check.held();
    return check;
  }

  public void release() {
    try {
      store.releaseLock(me.pipeline(), me.runId());
    } catch (RuntimeException e) {
      LOG.warn("could not release the run lock: {}", e.toString());
    }
  }
}
