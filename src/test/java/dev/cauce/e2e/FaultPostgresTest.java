package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import dev.cauce.e2e.FaultSuite.Live;
import dev.cauce.spec.load.SpecLoader;
import dev.cauce.write.jdbc.JdbcRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Fault suite, PostgreSQL: a spec with a jdbc sink on a PostgreSQL of the test's own ({@link
 * PrivatePostgres}) that crashes (every server process SIGKILLed) and starts again while cauce (its
 * own JVM) is paused at {@code job:running}, the job going on on its threads. The run either
 * completes with exactly the reference table or fails with exit 1 naming the cause, the table as it
 * was; a re-run gives exactly the reference table (row count and content).
 */
public class FaultPostgresTest {
  private static PrivatePostgres pg;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300); // a safety net: the tests wait on pause lines and exits

  @BeforeClass
  public static void startServer() throws Exception {
    pg = PrivatePostgres.start();
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  /** The suite's spec with the jdbc sink {@code table} (upsert by id) instead of the file sinks; the dead letter as a file. */
  private static Path spec(Path dir, String table) throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Path spec = dir.resolve(table + ".yaml");
    Files.writeString(spec, """
        name: faults_pg
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        dedupe: {key: [id]}
        sinks:
          - {name: rows, type: jdbc, table: %s, key: [id], create: if_missing}
        """.formatted(ws.inputs(), table));
    return spec;
  }

  private static String[] jdbc() {
    return new String[] {"--jdbcUrl=" + pg.url(), "--jdbcUser=" + PrivatePostgres.USER};
  }

  private static List<String> table(String name) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, amount FROM " + name + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "," + rs.getBigDecimal(2).toPlainString());
      }
    }
    return rows;
  }

  private static long count(String table) throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT CASE WHEN to_regclass('" + table + "') IS NULL THEN -1 ELSE 0 END")) {
      rs.next();
      if (rs.getLong(1) < 0) {
        return -1;
      }
    }
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> reference;
  private static Live referenceDeadLetter;

  /** Both inputs, one uninterrupted run (own JVM) into a fresh table and folder: 180 rows. */
  private static synchronized List<String> reference(Path dir) throws Exception {
    if (reference == null) {
      long t0 = System.nanoTime();
      Path out = dir.resolve("ref-out");
      try (CauceProcess ref = FaultSuite.run(dir, spec(dir, "ref_rows"), out, "ref", jdbc())) {
        assertThat(FaultSuite.describe(ref), ref.exitCode(), equalTo(0));
      }
      reference = table("ref_rows");
      assertThat(reference.size(), equalTo(180));
      referenceDeadLetter = FaultSuite.live(out);
      FaultSuite.shared().figure("PostgreSQL reference run (own JVM): exit 0, table 180 rows, dead letter %d, %d ms",
          referenceDeadLetter.count("rejected"), FaultSuite.millisSince(t0));
    }
    return reference;
  }

  /**
   * Pauses a run of both inputs over a table holding in-1 (90 rows) at job:running, crashes the
   * server (after the job staged every row, when {@code afterStaging}), starts it again, resumes.
   */
  private void crashDuringTheRun(String table, boolean afterStaging) throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Path work = tmp.getRoot().toPath();
    List<String> want = reference(ws.root);
    Path spec = spec(work, table);
    Path out = work.resolve("out");
    CauceRun previous = CauceRun.run(out, "prev", join(new String[] {"--spec=" + spec, "--input=" + ws.in1}, jdbc()));
    assertThat(previous.toString(), previous.code, equalTo(ExitCode.OK));
    List<String> before = table(table);
    assertThat(before.size(), equalTo(90));

    long t0 = System.nanoTime();
    String staging = JdbcRun.stagingTables(SpecLoader.load(spec), "run-a").get(0);
    int exit;
    String stderr;
    try (CauceProcess a = FaultSuite.start(work, spec, out, "run-a", "job:running", jdbc())) {
      a.awaitPause("job:running");
      if (afterStaging) {
        LocalServers.await("run-a's staging table " + staging + " holding 180 rows", Duration.ofSeconds(120), () -> {
          try {
            return count(staging) == 180;
          } catch (SQLException e) {
            return false;
          }
        });
      }
      pg.crash();
      pg.startAgain();
      a.resume();
      exit = a.exitCode();
      stderr = a.stderr();
      assertThat(FaultSuite.describe(a), exit, anyOf(equalTo(0), equalTo(1)));
    }
    long aMillis = FaultSuite.millisSince(t0);
    if (exit == 0) {
      assertThat(table(table), equalTo(want));
    } else {
      assertThat(stderr, containsString("cauce: run run-a FAILED: "));
      assertThat(stderr, anyOf(containsString("PostgreSQL"), containsString("Connection"), containsString("connection")));
      assertThat(table(table), equalTo(before));
    }
    if (afterStaging) {
      assertThat("the staged rows survive the crash: " + stderr, exit, equalTo(0));
    }

    long t1 = System.nanoTime();
    try (CauceProcess rerun = FaultSuite.run(work, spec, out, "run-b", jdbc())) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
    }
    assertThat(table(table), equalTo(want));
    assertThat(FaultSuite.live(out).rows(), equalTo(referenceDeadLetter.rows()));
    ws.figure("PostgreSQL crashed and restarted (crash+start %d ms) while run A was paused at job:running%s: A exit %d in %d ms%s;"
            + " re-run exit 0 in %d ms: table %d rows = reference", pg.startMillis(), afterStaging ? ", its rows staged" : "", exit,
        aMillis, exit == 0 ? " with 180 rows" : " (" + firstLine(stderr, "FAILED") + "), table 90 rows unchanged",
        FaultSuite.millisSince(t1), table(table).size());
  }

  private static String firstLine(String text, String containing) {
    return text.lines().filter(l -> l.contains(containing)).findFirst().orElse("?");
  }

  private static String[] join(String[] a, String[] b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  @Test
  public void aCrashWhileTheJobRunsEndsWithTheExactTableOrAFailureNamingTheCause() throws Exception {
    crashDuringTheRun("crash_rows", false);
  }

  @Test
  public void aCrashAfterTheRowsWereStagedLosesNoneOfThem() throws Exception {
    crashDuringTheRun("staged_rows", true);
  }

  /**
   * SIGKILL after the tables' transaction committed and before the files' commit: the table holds
   * the new run, the files the previous one; the next run's recovery asks PostgreSQL, makes the
   * files' commit, and finds nothing new to ingest: tables, dead letter and ledger all the new run's.
   */
  @Test
  public void aKillBetweenTheTablesAndTheFilesIsFinishedByTheNextRun() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Path work = tmp.getRoot().toPath();
    List<String> want = reference(ws.root);
    Path spec = spec(work, "split_rows");
    Path out = work.resolve("out");
    CauceRun previous = CauceRun.run(out, "prev", join(new String[] {"--spec=" + spec, "--input=" + ws.in1}, jdbc()));
    assertThat(previous.toString(), previous.code, equalTo(ExitCode.OK));
    Live before = FaultSuite.live(out);

    long t0 = System.nanoTime();
    try (CauceProcess a = FaultSuite.start(work, spec, out, "run-a", "publish:participant-committed", jdbc())) {
      a.awaitPause("publish:participant-committed");
      a.kill();
    }
    assertThat("the tables committed", table("split_rows"), equalTo(want));
    assertThat("the files did not", FaultSuite.live(out), equalTo(before));
    assertThat(FaultSuite.commit(out).runId(), equalTo("prev"));

    CauceProcess b = FaultSuite.run(work, spec, out, "run-b", jdbc());
    assertThat(FaultSuite.describe(b), b.exitCode(), equalTo(0));
    assertThat(b.stdout() + b.stderr(), containsString("nothing new to ingest"));
    assertThat(table("split_rows"), equalTo(want));
    Live after = FaultSuite.live(out);
    assertThat(after.rows(), equalTo(referenceDeadLetter.rows()));
    assertThat(after.ledger(), equalTo(FaultSuite.ledgerOf(ws.in1, ws.in2)));
    assertThat(FaultSuite.commit(out).runId(), equalTo("run-a"));
    FaultSuite.assertOnlyCommittedFiles(out);
    ws.figure("PostgreSQL + files: run A SIGKILLed after its tables committed, before its files' commit (%d ms): table %d rows"
        + " (new), dead letter %d (previous); run B's recovery made A's commit: exit 0, nothing new to ingest, dead letter %d,"
        + " ledger %d inputs", FaultSuite.millisSince(t0), want.size(), before.count("rejected"), after.count("rejected"),
        after.ledger().size());
  }
}
