package dev.cauce;

import dev.cauce.metrics.RunCounts;
import dev.cauce.write.Publisher;
import dev.cauce.write.jdbc.JdbcPublisher;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one step that makes a run visible, once its job succeeded, its counts added up and the
 * quality gate passed: its PostgreSQL tables (all in one transaction), then its files and dead
 * letter. No transaction spans the database and the files.
 */
final class Commit {
  private static final Logger LOG = LoggerFactory.getLogger(Commit.class);

  private Commit() {}

  /**
   * What publishing did.
   *
   * @param published the targets published (empty when it failed)
   * @param tables the tables' publish, or null when it did not succeed
   * @param error why publishing failed, or null
   */
  record Result(List<String> published, JdbcPublisher.Result tables, String error) {}

  static Result publish(RunPlan plan, RunCounts counts) {
    List<String> published = new ArrayList<>();
    JdbcPublisher.Result tables = null;
    try {
      tables = JdbcPublisher.publish(plan.jdbc(), counts);
      published.addAll(tables.published());
      published.addAll(new Publisher().publish(plan.spec(), plan.runId()).targets().stream().map(Publisher.Published::dir).toList());
      return new Result(published, tables, null);
    } catch (Exception e) {
      Exception failure = published.isEmpty() ? e : new IllegalStateException("publishing the files failed after "
          + String.join(", ", published) + " had been published: " + RunJob.rootMessage(e));
      LOG.error("run {}: publishing failed", plan.runId(), failure);
      return new Result(List.of(), tables, "publishing failed: " + RunJob.rootMessage(failure));
    }
  }
}
