package dev.cauce.write.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import dev.cauce.e2e.PrivatePostgres;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.metrics.RunCounts;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Staged rows against a PostgreSQL of the test's own that crashes (every server process killed)
 * after they were staged: logged staging tables keep them and the publish goes through with the
 * exact count; an UNLOGGED one (as older cauce versions made) is emptied by the recovery, and the
 * refused publish names the restart as the likely cause.
 */
public class JdbcStagingCrashTest {
  private static final int ROWS = 5_000;
  private static PrivatePostgres pg;

  @BeforeClass
  public static void startServer() throws Exception {
    pg = PrivatePostgres.start();
    System.out.printf("FIGURES private PostgreSQL: initdb %d ms, first start %d ms%n", pg.initMillis, pg.startMillis());
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static PipelineSpec spec(String table) {
    return SpecLoader.parse("""
        name: crash
        source: {path: in/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: long, required: true}
          - {name: v, type: string}
        sinks:
          - {name: %s, type: jdbc, table: %s, key: [id], create: if_missing}
        """.formatted(table, table), "crash.yaml");
  }

  private static JdbcRun prepare(String table, String runId) throws Exception {
    JdbcOptions options = PipelineOptionsFactory.as(JdbcOptions.class);
    options.setJdbcUrl(pg.url());
    options.setJdbcUser(PrivatePostgres.USER);
    return JdbcPreflight.prepare(spec(table), options, runId, false);
  }

  /** Stages {@link #ROWS} rows in committed batches of 500, as the job's writers do. */
  private static void stage(JdbcTarget t) throws SQLException {
    try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(t.insertStagingSql())) {
      c.setAutoCommit(false);
      for (int i = 1; i <= ROWS; i++) {
        ps.setLong(1, i);
        ps.setString(2, "value " + i);
        ps.setString(3, "file:///in/part.jsonl");
        ps.setLong(4, i);
        ps.addBatch();
        if (i % 500 == 0) {
          ps.executeBatch();
          c.commit();
        }
      }
    }
  }

  private static long count(String table) throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static RunCounts wrote(String sink, long rows) {
    return RunCounts.fromCounters(Map.of(CauceMetrics.READ, rows, CauceMetrics.written(sink), rows));
  }

  private static void crashAndRestart() throws Exception {
    long t0 = System.nanoTime();
    pg.crash();
    pg.startAgain();
    System.out.printf("FIGURES crash and restart with recovery: %d ms (of which the start %d ms)%n",
        (System.nanoTime() - t0) / 1_000_000, pg.startMillis());
  }

  @Test
  public void loggedStagingRowsSurviveACrashAndThePublishHasTheExactCount() throws Exception {
    JdbcRun run = prepare("orders", "run-logged");
    JdbcTarget t = run.sink("orders");
    stage(t);
    assertThat(count(t.stagingName()), equalTo((long) ROWS));

    crashAndRestart();
    assertThat(pg.log(), containsString("database system was interrupted"));
    assertThat("the staged rows are still there", count(t.stagingName()), equalTo((long) ROWS));

    JdbcPublisher.Result result = JdbcPublisher.publish(run, wrote("orders", ROWS));
    assertThat(result.published(), equalTo(List.of("postgresql public.orders (5000 rows staged, 5000 upserted)")));
    assertThat(count("public.orders"), equalTo((long) ROWS));
    assertThat(count("(SELECT DISTINCT id FROM public.orders) d"), equalTo((long) ROWS));
  }

  @Test
  public void anUnloggedStagingTableEmptiedByCrashRecoveryIsRefusedNamingTheRestart() throws Exception {
    JdbcRun run = prepare("unlogged", "run-old");
    JdbcTarget t = run.sink("unlogged");
    execute("ALTER TABLE " + t.quotedStaging() + " SET UNLOGGED");
    stage(t);
    assertThat(count(t.stagingName()), equalTo((long) ROWS));

    crashAndRestart();
    JdbcPublisher.PublishException refused =
        assertThrows(JdbcPublisher.PublishException.class, () -> JdbcPublisher.publish(run, wrote("unlogged", ROWS)));
    assertThat(refused.getMessage(), containsString("publishing to PostgreSQL refused: staging table public.unlogged__stg_run_old"
        + " holds 0 rows but the job counted 5000 for sink unlogged; likely cause: the PostgreSQL server restarted at "));
    assertThat(refused.getMessage(), containsString(", after the staging tables were created at " + run.stagedAt()
        + " (the recovery after a crash or an immediate shutdown empties UNLOGGED tables"));
    assertThat(refused.getMessage(), containsString("Run the pipeline again to stage its rows anew. The target tables are unchanged"));
    assertThat("nothing published", count("public.unlogged"), equalTo(0L));
  }

  @Test
  public void aMismatchWithoutARestartNamesNoRestart() throws Exception {
    JdbcRun run = prepare("short", "run-short");
    JdbcTarget t = run.sink("short");
    stage(t);
    execute("DELETE FROM " + t.quotedStaging() + " WHERE id <= 10");
    JdbcPublisher.PublishException refused =
        assertThrows(JdbcPublisher.PublishException.class, () -> JdbcPublisher.publish(run, wrote("short", ROWS)));
    assertThat(refused.getMessage(), containsString("holds 4990 rows but the job counted 5000 for sink short. The target"));
    assertThat(refused.getMessage(), not(containsString("restarted")));
    assertThat(run.stagedAt().toEpochMilli(), greaterThan(0L));
  }
}
