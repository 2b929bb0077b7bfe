package dev.cauce.state;

/**
 * Whether a run could prove that it still holds its lock with its fencing token; when it could
 * not, why (the lock is gone or expired, another run or token holds it, or the store cannot be
 * reached: what cannot be proved counts as lost).
 */
public record LockCheck(boolean held, String reason) {
  static final LockCheck HELD = new LockCheck(true, null);

  static LockCheck lost(String reason) {
    return new LockCheck(false, reason);
  }

  /** Why a lock with this token and run is not {@code current} (or null when it is). */
  static String mismatch(LockInfo current, String runId, long token, java.time.Instant now) {
    if (!current.runId().equals(runId)) {
      return "the lock was taken over by " + current.describe(now) + " with fencing token " + current.token();
    }
    if (current.token() != token) {
      return "the lock of run " + runId + " was taken again with fencing token " + current.token() + " (this run holds "
          + token + ")";
    }
    return null;
  }
}
