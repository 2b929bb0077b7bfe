package dev.cauce.state;

import java.time.Instant;
import java.util.Optional;

/**
 * A lock just taken: the lock as stored (with its fencing {@link #token}), and the stale lock it
 * replaced, if any, with why it was stale.
 */
public record LockGrant(LockInfo held, Optional<LockInfo> tookOver, String takeOverReason) {

  static LockGrant fresh(LockInfo held) {
    return new LockGrant(held, Optional.empty(), null);
  }

  /** The fencing token: higher than every token handed out before for this pipeline (and than the floor given). */
  public long token() {
    return held.token();
  }

  /** The warning to print when a stale lock was taken over: whose it was and why it was stale. */
  public Optional<String> takeOverWarning() {
    return tookOver.map(old -> "took over the stale lock of pipeline " + old.pipeline() + " from "
        + old.describe(Instant.now()) + ": " + takeOverReason);
  }
}
