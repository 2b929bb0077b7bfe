package dev.cauce.orchestrate;

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
  private volatile boolean held = true;

  private RunLock(StateStore store, LockInfo me) {
    this.store = store;
    this.me = me;
  }

  /**
   * Takes the lock for {@code me}.
   *
   * @throws LockHeldException when a live run holds it (its message names the holder)
   * @throws RuntimeException when the store cannot be asked
   */
  public static RunLock take(StateStore store, LockInfo me, PrintStream err) {
    RunLock lock = new RunLock(store, me);
    store.acquireLock(me).ifPresent(stale -> lock.abandon(stale, err));
    return lock;
  }

  private void abandon(LockInfo stale, PrintStream err) {
    String msg = "took over the stale lock of pipeline " + stale.pipeline() + " from " + stale.describe(Instant.now())
        + ": no heartbeat within " + stale.ttlMillis() / 1000 + "s, its run is presumed dead";
    LOG.warn(msg);
    err.println("cauce: warning: " + msg);
    try {
      store.run(stale.pipeline(), stale.runId()).filter(r -> r.status() == RunStatus.RUNNING).ifPresent(r ->
          store.putRun(r.ended(RunStatus.FAILED, "abandoned: its lock went stale and run " + me.runId() + " took it over", Instant.now())));
    } catch (RuntimeException e) {
      LOG.warn("could not mark run {} as abandoned: {}", stale.runId(), e.toString());
    }
  }

  /** Renews the lock; logs once when another run took it over. */
  public void heartbeat(Instant now) {
    if (held && !store.refreshLock(me.pipeline(), me.runId(), now)) {
      LOG.error("lost the run lock of pipeline {} (another run took it over?)", me.pipeline());
      held = false;
    }
  }

  public void release() {
    if (!held) {
      return;
    }
    try {
      store.releaseLock(me.pipeline(), me.runId());
    } catch (RuntimeException e) {
      LOG.warn("could not release the run lock: {}", e.toString());
    }
  }
}
