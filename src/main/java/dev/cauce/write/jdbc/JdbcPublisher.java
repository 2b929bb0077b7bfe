package dev.cauce.write.jdbc;

import dev.cauce.metrics.RunCounts;
import dev.cauce.resilience.Policy;
import dev.cauce.resilience.SqlStates;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an accepted run's staging tables into their targets, in the driver, after the job
 * succeeded, the counts added up and the quality gate passed. All of a run's tables share one
 * database, so they are published in <b>one transaction</b>: for each table, the staging table must
 * hold exactly as many rows as the job counted (sinks: {@code written.<sink>}; the dead letter: the
 * rejected records), then it is upserted into the target ({@link JdbcTarget#publishSql}) and
 * dropped; then one commit. Either every table is published or none is: a failure rolls everything
 * back and leaves the targets exactly as they were, with the staging tables kept for debugging.
 *
 * <p>The transaction runs under the retry and breaker policy of the run's first table: a transient
 * failure retries it whole on a new connection. If a commit's acknowledgement is lost (the
 * connection drops during COMMIT), the next attempt finds the staging tables gone and knows the
 * commit went through, so nothing is published twice.
 *
 * <p>The driver calls this before the file sinks are published; there is no transaction across
 * the database and the files.
 */
public final class JdbcPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcPublisher.class);

  private JdbcPublisher() {}

  /** What publishing did: one line per table, and the retry and breaker counts of the publish. */
  public record Result(List<String> published, Map<String, Long> counters) {
    public static final Result NONE = new Result(List.of(), Map.of());
  }

  /** Publishing failed: nothing was published; the message is masked and says what to check. */
  public static final class PublishException extends Exception {
    public PublishException(String message) {
      super(dev.cauce.secrets.Secrets.maskText(message), null, false, false);
    }
  }

  /** A problem no retry can fix (the staging table does not match what the job counted). */
  private static final class NotPublishable extends RuntimeException {
    NotPublishable(String message) {
      super(message, null, false, false);
    }
  }

  public static Result publish(JdbcRun run, RunCounts counts) throws PublishException {
    if (run.isEmpty()) {
      return Result.NONE;
    }
    Map<String, Long> counters = new LinkedHashMap<>();
    AtomicLong retries = new AtomicLong();
    AtomicLong opened = new AtomicLong();
    Policy.Listener listener = new Policy.Listener() {
      @Override
      public void retried(int attempt, Throwable error, Duration wait) {
        retries.incrementAndGet();
        LOG.warn("publishing run {} to PostgreSQL: attempt {} failed ({}); retrying in {} ms", run.runId(), attempt,
            JdbcErrors.describe(error), wait.toMillis());
      }

      @Override
      public void breakerChanged(CircuitBreaker.State from, CircuitBreaker.State to) {
        if (to == CircuitBreaker.State.OPEN) {
          opened.incrementAndGet();
        }
      }

      @Override
      public void notPermitted() {}
    };
    JdbcTarget first = run.targets().get(0);
    Policy.Breaker breaker = Policy.newBreaker("publish " + run.runId(), first.breaker(), SqlStates::isTransient, listener);
    Policy policy = new Policy("publish " + run.runId(), first.retries(), breaker, SqlStates::isTransient, listener);

    Map<JdbcTarget, Long> expected = new LinkedHashMap<>();
    for (JdbcTarget t : run.targets()) {
      expected.put(t, t.kind() == JdbcTarget.Kind.SINK ? counts.writtenBySink().getOrDefault(t.name(), 0L) : counts.rejected());
    }
    DataSource ds = run.settings().dataSource();
    boolean[] commitSent = {false};
    try {
      List<String> published = policy.call(() -> attempt(run, ds, expected, commitSent));
      counters.put("retries", retries.get());
      counters.put("breaker_opened", opened.get());
      return new Result(published, counters);
    } catch (Policy.Failure f) {
      String staging = String.join(", ", run.targets().stream().map(JdbcTarget::stagingName).toList());
      String what = f.lastError() instanceof NotPublishable
          ? "publishing to PostgreSQL refused: " + f.lastError().getMessage() + "."
          : JdbcErrors.failure(f, "publishing to PostgreSQL") + "." + JdbcErrors.advice(f, run.settings());
      throw new PublishException(what + " The target tables are unchanged (the transaction was rolled back);"
          + " the staging tables are kept: " + staging + ".");
    }
  }

  private static List<String> attempt(JdbcRun run, DataSource ds, Map<JdbcTarget, Long> expected, boolean[] commitSent)
      throws SQLException {
    try (Connection c = run.settings().connect(ds)) {
      try {
        if (commitSent[0] && committed(c, run, run.runId())) {
          LOG.warn("run {}: the previous publish attempt's COMMIT was sent and its staging tables are gone: it was committed",
              run.runId());
          return describe(run, expected, null);
        }
        Map<JdbcTarget, Long> changed = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
          for (Map.Entry<JdbcTarget, Long> e : expected.entrySet()) {
            JdbcTarget t = e.getKey();
            if (!exists(c, t)) {
              throw new NotPublishable("staging table " + t.stagingName() + " does not exist (was it dropped, or the run"
                  + " already published?)");
            }
            long staged;
            try (ResultSet rs = st.executeQuery(t.countStagingSql())) {
              rs.next();
              staged = rs.getLong(1);
            }
            if (staged != e.getValue()) {
              throw new NotPublishable("staging table " + t.stagingName() + " holds " + staged + " rows but the job counted "
                  + e.getValue() + " for " + (t.kind() == JdbcTarget.Kind.SINK ? "sink " + t.name() : "the dead letter")
                  + restartedSince(c, run.stagedAt()));
            }
            long n = 0;
            for (String sql : t.publishSql()) {
              int k = st.executeUpdate(sql);
              if (sql.startsWith("INSERT")) {
                n += k;
              }
            }
            st.execute(t.dropStagingSql());
            changed.put(t, n);
          }
        }
        record(c, run);
        commitSent[0] = true;
        c.commit();
        return describe(run, expected, changed);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is gone: the server rolls the transaction back
        }
        throw e;
      }
    }
  }

  /**
   * "; likely cause: ..." when the server restarted after the staging tables were created (the
   * recovery after a crash empties UNLOGGED tables, and with fsync off can lose committed rows), else "".
   */
  private static String restartedSince(Connection c, Instant stagedAt) throws SQLException {
    if (stagedAt == null) {
      return "";
    }
    Instant started;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_postmaster_start_time()")) {
      rs.next();
      started = rs.getTimestamp(1).toInstant();
    }
    if (!started.isAfter(stagedAt)) {
      return "";
    }
    return "; likely cause: the PostgreSQL server restarted at " + started + ", after the staging tables were created at "
        + stagedAt + " (the recovery after a crash or an immediate shutdown empties UNLOGGED tables, and with fsync off"
        + " can lose committed rows). Run the pipeline again to stage its rows anew";
  }

  /** The table where each publish records its run in its own transaction: the schema of the run's first table. */
  static String logTable(JdbcRun run) {
    return Sql.qualified(run.targets().get(0).schema(), LOG_TABLE);
  }

  static final String LOG_TABLE = "cauce_publish_log";

  /** The run's tables, which with the run id name a publish in the log (run ids repeat across pipelines). */
  private static String tables(JdbcRun run) {
    return String.join(",", run.targets().stream().map(JdbcTarget::targetName).toList());
  }

  /** Records in the publish's transaction that run {@code run} committed: this row exists if and only if it did. */
  private static void record(Connection c, JdbcRun run) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS " + logTable(run)
          + " (run_id text NOT NULL, tables text NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, tables))");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + logTable(run) + " (run_id, tables) VALUES (?, ?) ON CONFLICT (run_id, tables) DO UPDATE SET committed_at = now()")) {
      ps.setString(1, run.runId());
      ps.setString(2, tables(run));
      ps.executeUpdate();
    }
  }

  /** Whether the publish of run {@code runId} into {@code run}'s database committed (its row is in the log). */
  private static boolean committed(Connection c, JdbcRun run, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, logTable(run));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return false;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + logTable(run) + " WHERE run_id = ? AND tables = ?")) {
      ps.setString(1, runId);
      ps.setString(2, tables(run));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Whether the publish of run {@code runId} into {@code run}'s database committed; empty when the server cannot be asked. */
  public static Optional<Boolean> committed(JdbcRun run, String runId) {
    try (Connection c = run.settings().connect(run.settings().dataSource())) {
      boolean done = committed(c, run, runId);
      c.rollback();
      return Optional.of(done);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("cannot ask PostgreSQL whether run {} published its tables: {}", runId, JdbcErrors.describe(e));
      return Optional.empty();
    }
  }

  private static boolean exists(Connection c, JdbcTarget t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, t.quotedStaging());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static List<String> describe(JdbcRun run, Map<JdbcTarget, Long> expected, Map<JdbcTarget, Long> changed) {
    List<String> out = new ArrayList<>();
    for (JdbcTarget t : run.targets()) {
      String verb = t.kind() == JdbcTarget.Kind.SINK ? "upserted" : "inserted";
      out.add("postgresql " + t.targetName() + " (" + expected.get(t) + " rows staged"
          + (changed == null ? "" : ", " + changed.get(t) + " " + verb) + ")");
    }
    return out;
  }
}
