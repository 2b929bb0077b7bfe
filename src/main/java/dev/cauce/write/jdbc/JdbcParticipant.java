package dev.cauce.write.jdbc;

import dev.cauce.metrics.RunCounts;
import dev.cauce.write.Participant;
import java.util.Optional;

/**
 * A run's PostgreSQL tables as the commit point of its publish: their one transaction ({@link
 * JdbcPublisher}) also records the run in {@code cauce_publish_log}, which recovery reads to tell
 * whether a publish that died before its files' commit had committed its tables.
 */
public final class JdbcParticipant implements Participant {
  private final JdbcRun run;
  private final RunCounts counts;
  private JdbcPublisher.Result result;

  /** @param counts the run's counts, which the staging tables must match (null: recovery only) */
  public JdbcParticipant(JdbcRun run, RunCounts counts) {
    this.run = run;
    this.counts = counts;
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public void commit(String runId) throws JdbcPublisher.PublishException {
    if (!runId.equals(run.runId()) || counts == null) {
      throw new IllegalStateException("this participant publishes run " + run.runId() + " only");
    }
    result = JdbcPublisher.publish(run, counts);
  }

  @Override
  public Optional<Boolean> committed(String runId) {
    return JdbcPublisher.committed(run, runId);
  }

  /** What the commit published; empty before it committed. */
  public Optional<JdbcPublisher.Result> result() {
    return Optional.ofNullable(result);
  }
}
