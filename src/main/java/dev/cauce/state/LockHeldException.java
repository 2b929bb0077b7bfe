package dev.cauce.state;

import java.time.Instant;

/** Another live run holds the pipeline's lock. */
public final class LockHeldException extends RuntimeException {
  private final LockInfo holder;

  public LockHeldException(LockInfo holder) {
    super("pipeline " + holder.pipeline() + " is already running: " + holder.describe(Instant.now())
        + ". Wait for it to end, or if that process is gone, for its lock to expire ("
        + holder.ttlMillis() / 1000 + "s after its last heartbeat).");
    this.holder = holder;
  }

  public LockInfo holder() {
    return holder;
  }
}
