package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Database faults during the job, through a TCP proxy between cauce and PostgreSQL: a short outage
 * is retried and the run succeeds with exact counts; a long outage or a stalled server opens the
 * circuit breaker and the run fails fast, clearly and in bounded time, publishing nothing; a re-run
 * afterwards publishes exactly once. Each outage is armed to start with the job's first connection
 * (the check before the job uses exactly one), so it always hits the staging writes. The measured
 * figures are printed (lines starting with FIGURES).
 */
public class JdbcFaultTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static TestPostgres pg;
  private TcpProxy proxy;

  @BeforeClass
  public static void database() {
    pg = TestPostgres.forClass(JdbcFaultTest.class);
  }

  @AfterClass
  public static void dropSchema() throws SQLException {
    if (pg != null) {
      pg.close();
    }
  }

  @Before
  public void startProxy() throws IOException {
    proxy = new TcpProxy(TestPostgres.PORT);
  }

  @After
  public void stopProxy() throws IOException {
    proxy.close();
  }

  private Path spec(String table, String retries, String breaker) throws IOException {
    Path spec = tmp.getRoot().toPath().resolve(table + ".yaml");
    Files.writeString(spec, """
        name: faults
        source: {path: unused.jsonl, format: jsonl}
        schema:
          - {name: id, type: long, required: true}
          - {name: v, type: string}
        sinks:
          - name: %s
            type: jdbc
            table: %s
            key: [id]
            create: if_missing
            batch_size: 10
            retries: %s
            breaker: %s
        """.formatted(table, table, retries, breaker));
    return spec;
  }

  private Path input(String name, int from, int to, String v) throws IOException {
    Path dir = tmp.getRoot().toPath().resolve(name);
    Files.createDirectories(dir);
    StringBuilder b = new StringBuilder();
    for (int i = from; i <= to; i++) {
      b.append("{\"id\":").append(i).append(",\"v\":\"").append(v).append("\"}\n");
    }
    Files.writeString(dir.resolve("in.jsonl"), b.toString(), StandardCharsets.UTF_8);
    return dir;
  }

  private CauceRun run(String runId, Path spec, Path input, String... urlParams) {
    return CauceRun.run(tmp.getRoot().toPath().resolve("out"), runId, "--spec=" + spec, "--input=" + input + "/*.jsonl",
        "--jdbcUrl=" + pg.urlVia(proxy.port(), urlParams), "--jdbcUser=" + TestPostgres.USER);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  @Test
  public void aShortOutageIsRetriedAndTheRunSucceedsWithExactCounts() throws Exception {
    Path spec = spec("short", "{max_attempts: 8, initial_backoff: 200ms, multiplier: 2, max_backoff: 2s}",
        "{failure_threshold: 30, wait_open: 30s}");
    Path in = input("short-in", 1, 200, "x");
    proxy.outageFromConnection(2, TcpProxy.Mode.DROP, Duration.ofMillis(1500));

    CauceRun run = run("short-1", spec, in);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 200 = written 200 + rejected 0 + duplicates 0  OK"));
    assertThat(pg.count("short"), equalTo(200L));
    assertThat(((Number) pg.query("SELECT count(DISTINCT id) AS n FROM short").get(0).get("n")).longValue(), equalTo(200L));
    assertThat("the outage hit the job", proxy.outageStartNanos(), greaterThanOrEqualTo(0L));
    assertThat(proxy.failedDuringOutage(), greaterThanOrEqualTo(1));
    JsonNode counters = run.report().get("jdbc").get("tables").get("short").get("counters");
    assertThat(counters.get("retries").asLong(), greaterThanOrEqualTo(1L));
    assertThat(counters.get("breaker_opened").asLong(), equalTo(0L));
    assertThat(counters.get("rows").asLong(), equalTo(200L));
    assertThat(run.stdout, containsString("jdbc: short -> " + pg.schema + ".short: 200 rows staged, retries "
        + counters.get("retries").asLong() + ", breaker opened 0"));
    assertThat("published: no staging table left", pg.tables().stream().filter(t -> t.startsWith("short__stg")).toList(),
        equalTo(List.of()));
    System.out.printf("FIGURES short outage (1.5 s of dropped connections): %d connection attempts refused, %d retries"
        + " (jdbc.short.retries), breaker opened %d; rows before 0, after %d (200 read, 200 written)%n",
        proxy.failedDuringOutage(), counters.get("retries").asLong(), counters.get("breaker_opened").asLong(), pg.count("short"));
  }

  @Test
  public void aConnectionCutInMidBatchIsRetriedWithoutDuplicates() throws Exception {
    Path spec = spec("cut", "{max_attempts: 8, initial_backoff: 200ms, multiplier: 2, max_backoff: 2s}",
        "{failure_threshold: 30, wait_open: 30s}");
    Path in = input("cut-in", 1, 300, "x");
    // connection 2 is the job's first: after some batches went through it, cut it in mid-message
    proxy.cutConnectionAfterBytes(2, 6000, Duration.ofMillis(500));

    CauceRun run = run("cut-1", spec, in);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat("the cut happened", proxy.cutAtNanos(), greaterThanOrEqualTo(0L));
    assertThat(run.stdout, containsString("check: read 300 = written 300 + rejected 0 + duplicates 0  OK"));
    assertThat(run.stdout, containsString("postgresql " + pg.schema + ".cut (300 rows staged, 300 upserted)"));
    assertThat(pg.count("cut"), equalTo(300L));
    JsonNode counters = run.report().get("jdbc").get("tables").get("cut").get("counters");
    assertThat(counters.get("retries").asLong(), greaterThanOrEqualTo(1L));
    System.out.printf("FIGURES connection cut in mid-batch (then 0.5 s of dropped connections): %d retries, rows before 0,"
        + " after %d, staged %d (300 written, no duplicate)%n", counters.get("retries").asLong(), pg.count("cut"),
        counters.get("rows").asLong());
  }

  @Test
  public void aLongOutageOpensTheBreakerFailsInBoundedTimeAndARerunPublishesOnce() throws Exception {
    Path spec = spec("long", "{max_attempts: 10, initial_backoff: 100ms, multiplier: 2, max_backoff: 1s}",
        "{failure_threshold: 3, wait_open: 60s}");
    CauceRun seed = run("long-1", spec, input("a", 1, 50, "a"));
    assertThat(seed.toString(), seed.code, equalTo(ExitCode.OK));
    List<String> before = pg.snapshot("long");
    assertThat(before.size(), equalTo(50));

    Path b = input("b", 26, 100, "b");
    proxy.outageFromConnection(proxy.accepted() + 2, TcpProxy.Mode.DROP, null);
    long start = System.nanoTime();
    CauceRun failed = run("long-2", spec, b);
    long end = System.nanoTime();
    assertThat(failed.toString(), failed.code, equalTo(ExitCode.FAILED));
    double toFail = seconds(end - proxy.outageStartNanos());
    double toOpen = seconds(proxy.lastOutageConnectionNanos() - proxy.outageStartNanos());
    assertThat("fails in bounded time", toFail, lessThan(30.0));
    assertThat(failed.stderr, containsString("jdbc sink long (table " + pg.schema + ".long): writing a batch of"));
    assertThat(failed.stderr, containsString("the circuit breaker is open"));
    assertThat(failed.stderr, containsString("last error: [08"));
    assertThat(failed.stderr, containsString("Check that PostgreSQL at jdbc:postgresql://127.0.0.1:" + proxy.port()));
    assertThat(failed.stderr, containsString("pg_isready -h 127.0.0.1 -p " + proxy.port()));
    assertThat(failed.stderr, containsString("Nothing was published. Staging output (if any) is kept at "));
    assertThat("nothing published", pg.snapshot("long"), equalTo(before));
    assertThat("the failed run's staging table is kept, empty", pg.count("long__stg_long_2"), equalTo(0L));
    assertThat("the breaker stopped the retries: at most threshold attempts plus one per worker thread in flight",
        proxy.failedDuringOutage(), lessThan(10));
    String attempts = failed.stderr.replaceAll("(?s).*this call made (\\d+) attempt\\(s\\) in ([0-9.]+ s).*", "$1 attempts in $2");

    proxy.mode(TcpProxy.Mode.PASS);
    CauceRun rerun = run("long-3", spec, b);
    assertThat(rerun.toString(), rerun.code, equalTo(ExitCode.OK));
    assertThat(rerun.stdout, containsString("check: read 75 = written 75 + rejected 0 + duplicates 0  OK"));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      expected.add("(" + i + "," + (i <= 25 ? "a" : "b") + ")");
    }
    List<String> after = pg.snapshot("long");
    assertThat(after.stream().sorted().toList(), equalTo(expected.stream().sorted().toList()));
    assertThat(pg.tables(), hasItem("long__stg_long_2"));
    System.out.printf("FIGURES long outage (connections dropped until further notice; failure_threshold 3): %d connection"
        + " attempts refused; breaker opened %.2f s after the first refused connection; run failed %.2f s after it"
        + " (whole run %.2f s; the failing call: %s); rows before %d, after the failed run %d, after the re-run %d"
        + " (50 + 75 upserted, 25 overlapping)%n",
        proxy.failedDuringOutage(), toOpen, toFail, seconds(end - start), attempts, before.size(), before.size(), after.size());
  }

  @Test
  public void aStalledServerTimesOutAndOpensTheBreakerInBoundedTime() throws Exception {
    Path spec = spec("stall", "{max_attempts: 6, initial_backoff: 100ms, multiplier: 2, max_backoff: 1s}",
        "{failure_threshold: 2, wait_open: 60s}");
    proxy.outageFromConnection(2, TcpProxy.Mode.STALL, null);
    long start = System.nanoTime();
    CauceRun failed = run("stall-1", spec, input("s", 1, 30, "s"), "connectTimeout=1", "loginTimeout=2", "socketTimeout=2");
    long end = System.nanoTime();
    assertThat(failed.toString(), failed.code, equalTo(ExitCode.FAILED));
    double toFail = seconds(end - proxy.outageStartNanos());
    assertThat(toFail, lessThan(30.0));
    assertThat(failed.stderr, containsString("jdbc sink stall"));
    assertThat(failed.stderr, containsString("the circuit breaker is open"));
    assertThat(failed.stderr, containsString("last error: [08"));
    assertThat(pg.count("stall"), equalTo(0L));
    proxy.mode(TcpProxy.Mode.PASS);
    System.out.printf("FIGURES stalled server (login timeout 2 s, failure_threshold 2): %d stalled connection attempts;"
        + " run failed %.2f s after the first (whole run %.2f s); rows before 0, after 0%n",
        proxy.failedDuringOutage(), toFail, seconds(end - start));
  }
}
