package dev.cauce.state;

import java.time.Duration;
import java.time.Instant;

/**
 * Who holds a pipeline's run lock: the run, its host and process, when it took the lock, its last
 * heartbeat and the lock's time to live. A lock whose heartbeat is older than its TTL is stale: its
 * run is presumed dead and the next run takes the lock over.
 */
public record LockInfo(
    String pipeline, String runId, String host, long pid, Instant acquiredAt, Instant heartbeatAt, long ttlMillis) {

  public boolean staleAt(Instant now) {
    return heartbeatAt.plusMillis(ttlMillis).isBefore(now);
  }

  public LockInfo heartbeat(Instant at) {
    return new LockInfo(pipeline, runId, host, pid, acquiredAt, at, ttlMillis);
  }

  /** "run X (pid 123 on host h, since T, last heartbeat 3s ago)". */
  public String describe(Instant now) {
    long ago = Math.max(0, Duration.between(heartbeatAt, now).toSeconds());
    return "run " + runId + " (pid " + pid + " on " + host + ", since " + acquiredAt + ", last heartbeat " + ago + "s ago)";
  }
}
