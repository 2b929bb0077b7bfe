package dev.cauce.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a pipeline's run lock: the run, its host and process, when it took the lock, its last
 * heartbeat, the lock's time to live, and its fencing token (assigned by the store when the lock
 * is taken; it grows with every acquisition of the pipeline's lock, so a commit can refuse a run
 * whose token is below the one already committed). A lock is stale, and the next run takes it over,
 * when its heartbeat is older than its TTL or, on this host, when its process is gone.
 */
public record LockInfo(
    String pipeline, String runId, String host, long pid, Instant acquiredAt, Instant heartbeatAt, long ttlMillis, long token) {

  /** A candidate for {@link StateStore#acquireLock}: the store assigns the token. */
  public LockInfo(String pipeline, String runId, String host, long pid, Instant acquiredAt, Instant heartbeatAt, long ttlMillis) {
    this(pipeline, runId, host, pid, acquiredAt, heartbeatAt, ttlMillis, 0);
  }

  /**
   * A process started this long after the lock was taken cannot be its holder (the pid was reused);
   * process start times are known to about 10 ms, so a second is a safe margin.
   */
  private static final Duration PID_REUSE_MARGIN = Duration.ofSeconds(1);

  /**
   * Whether {@code other} is this very holder taking the lock again: the same run in the same
   * process. The same run id from another process (a run started again while it still runs) is
   * another holder: it waits for this one, or takes the lock over when this one is stale.
   */
  public boolean sameHolder(LockInfo other) {
    return runId.equals(other.runId) && host.equals(other.host) && pid == other.pid;
  }

  public boolean staleAt(Instant now) {
    return heartbeatAt.plusMillis(ttlMillis).isBefore(now);
  }

  /**
   * Why another run may take this lock over at {@code now}, from {@code host}: its process is no
   * longer running on this same host (at once, whatever the TTL), or no heartbeat came within the
   * TTL. Empty while the holder may be alive (a live pid here, or a recent heartbeat from elsewhere).
   */
  public Optional<String> staleReason(Instant now, String thisHost) {
    if (host.equals(thisHost) && !processAlive()) {
      return Optional.of("its process " + pid + " is no longer running on this host (" + host + "), so run " + runId
          + " ended without releasing it");
    }
    if (staleAt(now)) {
      return Optional.of("no heartbeat within " + ttlMillis / 1000 + "s, its run is presumed dead");
    }
    return Optional.empty();
  }

  /** Whether this machine runs a process with the holder's pid that started before the lock was taken. */
  private boolean processAlive() {
    if (pid == ProcessHandle.current().pid()) {
      return true;
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(p -> p.info().startInstant().map(s -> !s.isAfter(acquiredAt.plus(PID_REUSE_MARGIN))).orElse(true))
        .orElse(false);
  }

  public LockInfo heartbeat(Instant at) {
    return new LockInfo(pipeline, runId, host, pid, acquiredAt, at, ttlMillis, token);
  }

  public LockInfo withToken(long fencingToken) {
    return new LockInfo(pipeline, runId, host, pid, acquiredAt, heartbeatAt, ttlMillis, fencingToken);
  }

  /** "run X (pid 123 on host h, since T, last heartbeat 3s ago)". */
  public String describe(Instant now) {
    long ago = Math.max(0, Duration.between(heartbeatAt, now).toSeconds());
    return "run " + runId + " (pid " + pid + " on " + host + ", since " + acquiredAt + ", last heartbeat " + ago + "s ago)";
  }
}
