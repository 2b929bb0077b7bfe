package dev.cauce;

import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.metrics.RunCounts;
import dev.cauce.spec.DependencySpec;
import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.DeadLetterRewrite;
import dev.cauce.write.Publisher;
import dev.cauce.write.jdbc.JdbcParticipant;
import dev.cauce.write.jdbc.JdbcPublisher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one step that makes a run visible, once its job succeeded, its counts added up, the quality
 * gate passed, its inputs were unchanged and its lock proved: every file sink, the dead letter and
 * the ledger in one commit ({@link Publisher}), with the PostgreSQL tables' one transaction as its
 * commit point when the spec writes tables ({@link JdbcParticipant}): committed after the files
 * moved into place and before the files' commit, which a crash in between leaves to the next run's
 * recovery to make.
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

  /**
   * @param read the inputs the run read (the ledger's new entries when the ledger applies)
   * @param token the run lock's fencing token (a commit below the live one is refused)
   */
  static Result publish(RunPlan plan, RunCounts counts, List<InputFile> read, long token) {
    JdbcParticipant tables = plan.jdbc().isEmpty() ? null : new JdbcParticipant(plan.jdbc(), counts);
    try {
      List<String> published = new ArrayList<>();
      List<String> files = new Publisher(plan.options()).publish(request(plan, counts, read, token), tables).targets().stream()
          .map(Publisher.Published::dir).toList();
      JdbcPublisher.Result result = tables == null ? JdbcPublisher.Result.NONE : tables.result().orElse(JdbcPublisher.Result.NONE);
      published.addAll(result.published());
      published.addAll(files);
      return new Result(published, result, null);
    } catch (Exception e) {
      LOG.error("run {}: publishing failed", plan.runId(), e);
      String why = e.getMessage() != null && e.getMessage().endsWith(Publisher.PENDING) ? e.getMessage() : RunJob.rootMessage(e);
      return new Result(List.of(), tables == null ? null : tables.result().orElse(null), "publishing failed: " + why);
    }
  }

  /** The plan's tables as the participant that decides a publish left half done (null: the spec writes none). */
  static JdbcParticipant tables(RunPlan plan) {
    return plan.jdbc() == null || plan.jdbc().isEmpty() ? null : new JdbcParticipant(plan.jdbc(), null);
  }

  private static Publisher.Request request(RunPlan plan, RunCounts counts, List<InputFile> read, long token) throws Exception {
    Map<String, Long> records = new HashMap<>(counts.writtenBySink());
    Publisher.targets(plan.spec()).stream().filter(Publisher.Target::deadLetter)
        .forEach(t -> records.put(t.name(), counts.deadLettered()));
    if (plan.spec().dedupe() != null && plan.spec().dedupe().dropped() != null) {
      records.put(plan.spec().dedupe().dropped(), counts.duplicates()); // one line per duplicate dropped
    }
    if (DependencySpec.anyRepairs(plan.spec().dependencies())) {
      records.put(DependencySpec.REPAIRS, counts.repaired()); // a repairs line per repaired cell
    }
    Publisher.Request req = Publisher.Request.of(plan.spec(), plan.runId()).withFencingToken(token).withRecords(records);
    if (plan.ledgerApplies() || plan.options().getReplay() != null) { // a replay's files too: replayed once
      req = req.withInputs(read.stream().map(f -> IngestedInput.of(f.path(), f.sizeBytes(), f.lastModifiedMillis(), null)).toList());
    }
    if (plan.options().getReplay() != null) {
      req = req.asReplay(DeadLetterRewrite.keysOf(plan.options().getReplay()));
    }
    return req;
  }
}
