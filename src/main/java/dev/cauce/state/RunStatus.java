package dev.cauce.state;

/**
 * A run's status in the state store. RUNNING until it ends; then SUCCEEDED (published), FAILED (the
 * job failed, counts did not add up, publishing failed, or the run was abandoned), REFUSED (quality
 * gate), SKIPPED (nothing new to ingest: the job did not run), or CANCELLED (stopped by SIGTERM or
 * SIGINT before its commit).
 */
public enum RunStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  REFUSED,
  SKIPPED,
  CANCELLED;

  public boolean ended() {
    return this != RUNNING;
  }
}
