package dev.cauce.state;

/**
 * A run's status in the state store. RUNNING until it ends; then SUCCEEDED (published), FAILED (the
 * job failed, counts did not add up, publishing failed, or the run was abandoned), REFUSED (quality
 * gate), or SKIPPED (nothing new to ingest: the job did not run).
 */
public enum RunStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  REFUSED,
  SKIPPED;

  public boolean ended() {
    return this != RUNNING;
  }
}
