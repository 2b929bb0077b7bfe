package dev.cauce.write.jdbc;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.resilience.Policy;
import dev.cauce.resilience.SqlStates;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Inserts elements into a table's staging table in batches of {@code batch_size}, each batch one
 * transaction through a prepared statement. Every batch runs under the table's {@link Policy}:
 * a transient failure (connection lost, serialization failure, deadlock, admin shutdown) rolls the
 * batch back, drops the connection and retries the whole batch on a new one, with exponential
 * backoff and jitter; a circuit breaker shared by every thread of the sink in this JVM stops all of
 * them after repeated failures. Rows are counted only once their batch has committed. A retried
 * batch whose first commit did succeed (its acknowledgement was lost) adds nothing: staging rows
 * are keyed by the record's source and line, and the insert skips rows already there.
 *
 * <p>When the policy gives up, the bundle fails with a {@link JdbcSinkException} naming the sink,
 * the tables, the last error and what to check; the run then fails and publishes nothing.
 */
final class StageBatchFn<T> extends DoFn<T, Void> {
  /** Sets one element's values as the insert's parameters (1-based, in {@link JdbcTarget#stagingColumns} order). */
  interface Binder<T> extends Serializable {
    void bind(PreparedStatement ps, T element) throws SQLException;
  }

  private final JdbcSettings settings;
  private final String runId;
  private final JdbcTarget target;
  private final Binder<T> binder;
  /** Also counted, besides {@code jdbc.<name>.rows}: {@code written.<sink>} for sinks; null for none. */
  private final String rowsCounter;
  private final String sql;

  private transient DataSource dataSource;
  private transient Connection connection;
  private transient Policy policy;
  private transient List<T> batch;
  private transient Counter rows;
  private transient Counter otherRows;

  StageBatchFn(JdbcSettings settings, String runId, JdbcTarget target, Binder<T> binder, String rowsCounter) {
    this.settings = settings;
    this.runId = runId;
    this.target = target;
    this.binder = binder;
    this.rowsCounter = rowsCounter;
    this.sql = target.insertStagingSql();
  }

  static String breakerKey(String runId, JdbcTarget target) {
    return "stage/" + runId + "/" + target.name();
  }

  @Setup
  public void setup() {
    dataSource = settings.dataSource();
    JdbcCounters listener = new JdbcCounters(target.name());
    Policy.Breaker breaker = Policy.sharedBreaker(breakerKey(runId, target), target.breaker(), SqlStates::isTransient, listener);
    policy = new Policy("stage " + target.name(), target.retries(), breaker, SqlStates::isTransient, listener);
    rows = CauceMetrics.counter(CauceMetrics.jdbc(target.name(), JdbcCounters.ROWS));
    otherRows = rowsCounter == null ? null : CauceMetrics.counter(rowsCounter);
  }

  @StartBundle
  public void startBundle() {
    CauceMetrics.startBundle();
    batch = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element T element) {
    batch.add(element);
    if (batch.size() >= target.spec().batchSize()) {
      flush();
    }
  }

  @FinishBundle
  public void finishBundle() {
    flush();
    CauceMetrics.finishBundle();
  }

  @Teardown
  public void teardown() {
    CauceMetrics.abandonBundle();
    closeConnection();
    if (policy != null) {
      Policy.release(breakerKey(runId, target));
      policy = null;
    }
  }

  private void flush() {
    if (batch.isEmpty()) {
      return;
    }
    int n = batch.size();
    try {
      policy.call(() -> {
        insert(batch);
        return null;
      });
    } catch (Policy.Failure f) {
      String what = target.kind() == JdbcTarget.Kind.SINK ? "jdbc sink " + target.name() : "dead letter table of " + target.name();
      throw new JdbcSinkException(what + " (table " + target.targetName() + "): "
          + JdbcErrors.failure(f, "writing a batch of " + n + " rows to staging table " + target.stagingName())
          + "." + JdbcErrors.advice(f, settings), f.lastError());
    }
    rows.inc(n);
    if (otherRows != null) {
      otherRows.inc(n);
    }
    batch.clear();
  }

  private void insert(List<T> elements) throws SQLException {
    try {
      if (connection == null) {
        connection = settings.connect(dataSource);
      }
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (T e : elements) {
          binder.bind(ps, e);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      closeConnection(); // the transaction is rolled back with it; the next attempt starts on a new connection
      throw e;
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // a broken connection: nothing more to do
      }
      connection = null;
    }
  }
}
