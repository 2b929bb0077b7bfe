package dev.cauce.write;

import java.io.IOException;

/** A commit that must not happen: another writer committed first, a newer lock holder did, or the folder has another owner. */
public final class CommitRefusedException extends IOException {
  /** Why the commit was refused. */
  public enum Reason {
    /** The live commit changed since this publish read it (another writer won). */
    CONCURRENT,
    /** The live commit carries a higher fencing token, or this run's token from another run: this run's lock was taken over. */
    FENCED,
    /** The output folder belongs to another pipeline. */
    OWNER
  }

  private final Reason reason;

  public CommitRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
