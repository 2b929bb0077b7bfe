package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The jdbc sink end to end against the machine's PostgreSQL: every schema type round-trips exactly,
 * re-runs give the same rows, refused and failed runs leave the tables exactly as they were,
 * identifiers are checked before anything runs and secrets never show.
 */
public class JdbcSinkTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static TestPostgres pg;

  @BeforeClass
  public static void database() {
    pg = TestPostgres.forClass(JdbcSinkTest.class);
  }

  @AfterClass
  public static void dropSchema() throws SQLException {
    if (pg != null) {
      pg.close();
    }
  }

  static final String TYPES_INPUT = String.join("\n",
      "{\"id\":\"a\",\"s\":\"'); DROP TABLE x; --\",\"i\":2147483647,\"l\":9223372036854775807,\"d\":1.5e300,"
          + "\"dec\":\"12345678901234567890.123456789\",\"b\":true,\"dt\":\"2024-02-29\",\"ts\":\"2024-01-05T10:00:00.123+02:00\","
          + "\"Mixed_Case\":\"ñandú 😀 中文 \\\"q\\\" \\\\ end\"}",
      "{\"id\":\"b\",\"s\":\"  padded  \",\"i\":-2147483648,\"l\":-1,\"d\":-0.1,\"dec\":\"-0.10\",\"b\":false,"
          + "\"dt\":\"1970-01-01\",\"ts\":\"1969-12-31T23:59:59.999Z\",\"Mixed_Case\":\"line1\\nline2\"}",
      "{\"id\":\"c\"}",
      "{\"id\":\"d\",\"s\":\"first version\",\"i\":1}",
      "{\"id\":\"d\",\"s\":\"second version\",\"i\":2}",
      "{\"id\":\"e\",\"i\":\"not a number\"}",
      "not json",
      "");

  private Path typesSpec(Path input) throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("types.yaml");
    Files.writeString(spec, """
        name: types
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: s, type: string}
          - {name: i, type: int}
          - {name: l, type: long}
          - {name: d, type: double}
          - {name: dec, type: decimal}
          - {name: b, type: boolean}
          - {name: dt, type: date}
          - {name: ts, type: timestamp}
          - {name: Mixed_Case, type: string}
        clean: {all: []}
        sinks:
          - {name: typed, type: jdbc, table: typed, key: [id], create: if_missing, batch_size: 2}
        dead_letter: {name: rejected, table: typed_rejected, create: if_missing}
        """.formatted(input));
    return spec;
  }

  private String[] jdbcArgs(Path spec) {
    return new String[] {"--spec=" + spec, "--jdbcUrl=" + pg.url(), "--jdbcUser=" + TestPostgres.USER};
  }

  @Test
  public void everyTypeRoundTripsExactlyAndARerunGivesTheSameRows() throws Exception {
    Path in = tmp.newFolder("types-in").toPath();
    Files.writeString(in.resolve("t.jsonl"), TYPES_INPUT, StandardCharsets.UTF_8);
    Path spec = typesSpec(in);
    pg.execute("CREATE TABLE x (v text)", "INSERT INTO x VALUES ('still here')");
    Path out = tmp.getRoot().toPath().resolve("out");

    CauceRun first = CauceRun.run(out, "types-1", jdbcArgs(spec));
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    assertThat(first.stdout, containsString("check: read 7 = written 5 + rejected 2 + duplicates 0  OK"));
    assertThat(first.stdout, containsString("postgresql " + pg.schema + ".typed (5 rows staged, 4 upserted)"));

    List<Map<String, Object>> rows = pg.query("SELECT id, s, i, l, d, dec::text AS dec, b, dt::text AS dt,"
        + " to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS ts, \"Mixed_Case\" FROM typed ORDER BY id");
    assertThat(rows.size(), equalTo(4));
    assertThat(rows.get(0), equalTo(row("a", "'); DROP TABLE x; --", 2147483647, 9223372036854775807L, 1.5e300,
        "12345678901234567890.123456789", true, "2024-02-29", "2024-01-05T08:00:00.123Z", "ñandú 😀 中文 \"q\" \\ end")));
    assertThat(rows.get(1), equalTo(row("b", "  padded  ", -2147483648, -1L, -0.1, "-0.10", false, "1970-01-01",
        "1969-12-31T23:59:59.999Z", "line1\nline2")));
    assertThat(rows.get(2), equalTo(row("c", null, null, null, null, null, null, null, null, null)));
    assertThat("the last record in source order wins", rows.get(3).get("s"), equalTo("second version"));
    assertThat(rows.get(3).get("i"), equalTo(2));
    assertThat("the injected text was stored, not run", pg.snapshot("x"), equalTo(List.of("(\"still here\")")));
    assertThat(pg.query("SELECT data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = 'typed'"
        + " ORDER BY ordinal_position", pg.schema).stream().map(r -> r.get("data_type")).toList(),
        equalTo(List.of("text", "text", "integer", "bigint", "double precision", "numeric", "boolean", "date",
            "timestamp with time zone", "text")));

    List<Map<String, Object>> dead = pg.query("SELECT run_id, stage, reason, line, raw, errors::text AS errors"
        + " FROM typed_rejected ORDER BY line");
    assertThat(dead.size(), equalTo(2));
    assertThat(dead.get(0).get("reason"), equalTo("invalid_number"));
    assertThat(dead.get(0).get("raw"), equalTo("{\"id\":\"e\",\"i\":\"not a number\"}"));
    assertThat(dead.get(1).get("raw"), equalTo("not json"));
    assertThat((String) dead.get(1).get("errors"), containsString("\"reason\": \"malformed_json\""));
    assertThat(dead.get(1).get("run_id"), equalTo("types-1"));
    JsonNode jdbc = first.report().get("jdbc").get("tables");
    assertThat(jdbc.get("typed").get("counters").get("rows").asLong(), equalTo(5L));
    assertThat(jdbc.get("rejected").get("counters").get("rows").asLong(), equalTo(2L));

    List<String> typed = pg.snapshot("typed");
    CauceRun second = CauceRun.run(out, "types-2", withReprocess(jdbcArgs(spec))); // the same input again: --reprocess past the ledger
    assertThat(second.toString(), second.code, equalTo(ExitCode.OK));
    assertThat("a re-run leaves the same rows", pg.snapshot("typed"), equalTo(typed));
    assertThat("the dead letter table holds the latest run's rejections (mode: overwrite)",
        pg.query("SELECT DISTINCT run_id FROM typed_rejected").stream().map(r -> r.get("run_id")).toList(), equalTo(List.of("types-2")));
    assertThat(pg.count("typed_rejected"), equalTo(2L));
    assertThat("published runs leave no staging table", pg.tables(),
        equalTo(List.of("cauce_publish_log", "typed", "typed_rejected", "x")));
    assertThat("each publish is logged in its transaction",
        pg.query("SELECT run_id FROM cauce_publish_log ORDER BY run_id").stream().map(r -> r.get("run_id")).toList(),
        equalTo(List.of("types-1", "types-2")));
  }

  private static Map<String, Object> row(Object... v) {
    String[] names = {"id", "s", "i", "l", "d", "dec", "b", "dt", "ts", "Mixed_Case"};
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], v[i]);
    }
    return m;
  }

  @Test
  public void theSamplePipelineUpsertsTheGoldenRecords() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    CauceRun run = CauceRun.run(out, "sample-1", "--spec=pipelines/orders_pg.yaml", "--jdbcUrl=" + pg.url(),
        "--jdbcUser=" + TestPostgres.USER);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 157 = written 116 + rejected 33 + duplicates 8  OK"));
    assertThat(tableAsGoldenLines("orders"), equalTo(golden()));
    assertThat(pg.count("orders_rejected"), equalTo(33L));
    List<String> fileDeadLetter = new ArrayList<>();
    for (Map<String, String> r : CauceRun.deadLetter(out.resolve("rejected"))) {
      fileDeadLetter.add(r.get("source") + ":" + r.get("line") + ":" + r.get("stage") + ":" + r.get("reasons"));
    }
    List<String> tableDeadLetter = new ArrayList<>();
    for (Map<String, Object> r : pg.query("SELECT source, line, stage, errors FROM orders_rejected")) {
      List<String> reasons = new ArrayList<>();
      new ObjectMapper().readTree((String) r.get("errors").toString()).forEach(e -> reasons.add(e.get("reason").asText()));
      tableDeadLetter.add(r.get("source") + ":" + r.get("line") + ":" + r.get("stage") + ":" + String.join(",", reasons));
    }
    assertThat(sorted(tableDeadLetter), equalTo(sorted(fileDeadLetter)));
    String nul = (String) pg.query("SELECT raw FROM orders_rejected WHERE reason = 'nul_byte' ORDER BY line LIMIT 1").get(0).get("raw");
    assertThat("PostgreSQL text cannot hold NUL: stored as U+FFFD", nul, containsString("\uFFFD"));
  }

  @Test
  public void embeddedFlinkGivesTheSameTable() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out-flink");
    String url = pg.url();
    pg.execute("CREATE SCHEMA " + pg.schema + "_flink");
    try {
      CauceRun run = CauceRun.run(out, "flink-1", "--spec=pipelines/orders_pg.yaml", "--runner=FlinkRunner",
          "--flinkMaster=[local]", "--parallelism=2", "--jdbcUrl=" + url.replace("currentSchema=" + pg.schema,
              "currentSchema=" + pg.schema + "_flink"), "--jdbcUser=" + TestPostgres.USER);
      assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
      assertThat(run.stdout, containsString("check: read 157 = written 116 + rejected 33 + duplicates 8  OK"));
      assertThat(tableAsGoldenLines(pg.schema + "_flink.orders"), equalTo(golden()));
      assertThat(((Number) pg.query("SELECT count(*) AS n FROM " + pg.schema + "_flink.orders_rejected").get(0).get("n")).longValue(),
          equalTo(33L));
    } finally {
      pg.execute("DROP SCHEMA " + pg.schema + "_flink CASCADE");
    }
  }

  /** The golden records of the orders sample, one canonical line each, sorted. */
  private static List<String> golden() throws IOException {
    ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    json.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("src/test/resources/expected/orders.written.jsonl"), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      List<String> values = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = json.readTree(line).fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        values.add(e.getKey() + "=" + (e.getValue().isNull() ? "null" : e.getValue().asText()));
      }
      out.add(String.join("|", values));
    }
    return sorted(out);
  }

  /** The orders table in the golden files' text forms: decimals plain, timestamps ISO UTC with milliseconds. */
  private List<String> tableAsGoldenLines(String table) throws SQLException {
    String t = table.contains(".") ? table : pg.schema + "." + table;
    List<String> out = new ArrayList<>();
    for (Map<String, Object> r : pg.query("SELECT order_id, customer_id, customer_email, amount::text AS amount, currency,"
        + " quantity, coupon, " + ts("created_at") + ", " + ts("updated_at") + ", " + ts("shipped_at") + ", country, gift,"
        + " gift_message FROM " + t)) {
      List<String> values = new ArrayList<>();
      r.forEach((k, v) -> values.add(k + "=" + (v == null ? "null" : v.toString())));
      out.add(String.join("|", values));
    }
    return sorted(out);
  }

  private static String ts(String col) {
    return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS " + col;
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  // ---- staged publish: refused and failed runs leave the tables as they were ----

  private Path gateSpec(Path input, String extraSinkKeys) throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("gate.yaml");
    Files.writeString(spec, """
        name: gate
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0, min_inclusive: false}
        sinks:
          - {name: gate, type: jdbc, table: gate, key: [id], create: if_missing%s}
        dead_letter: {name: rejected, table: gate_rejected, create: if_missing, mode: append}
        quality:
          max_rejected_ratio: 0.5
        """.formatted(input, extraSinkKeys));
    return spec;
  }

  private static Path inputs(Path dir, String jsonl) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("in.jsonl"), jsonl, StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  public void aRefusedRunLeavesTheTablesAsTheyWereAndKeepsItsStagingTable() throws Exception {
    Path root = tmp.getRoot().toPath();
    Path good = inputs(root.resolve("good"), "{\"id\":\"1\",\"amount\":\"10.00\"}\n{\"id\":\"2\",\"amount\":\"20.50\"}\n"
        + "{\"id\":\"3\",\"amount\":\"-1\"}\n");
    Path dirty = inputs(root.resolve("dirty"), "{\"id\":\"1\",\"amount\":\"99\"}\n{\"id\":\"8\",\"amount\":\"x\"}\nnot json\n");
    Path spec = gateSpec(good, "");
    Path out = root.resolve("out");

    CauceRun first = CauceRun.run(out, "gate-1", jdbcArgs(spec));
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    List<String> before = pg.snapshot("gate");
    List<String> deadBefore = pg.snapshot("gate_rejected");
    assertThat(before, equalTo(List.of("(1,10.00)", "(2,20.50)")));
    assertThat(deadBefore.size(), equalTo(1));

    CauceRun refused = CauceRun.run(out, "gate-2", "--spec=" + spec, "--input=" + dirty + "/*.jsonl",
        "--jdbcUrl=" + pg.url(), "--jdbcUser=" + TestPostgres.USER);
    assertThat(refused.toString(), refused.code, equalTo(ExitCode.REFUSED));
    assertThat("the refused run staged its row", pg.count("gate__stg_gate_2"), equalTo(1L));
    assertThat(pg.snapshot("gate"), equalTo(before));
    assertThat(pg.snapshot("gate_rejected"), equalTo(deadBefore));
    assertThat(refused.stdout, containsString("staging kept for debugging: "));
    assertThat(refused.stdout, containsString(" and PostgreSQL table(s) gate__stg_gate_2, gate_rejected__stg_gate_2"));
    assertThat(refused.report().get("outputs").get("staging_kept").asText(), containsString("gate__stg_gate_2"));

    CauceRun rerun = CauceRun.run(out, "gate-3", withReprocess(jdbcArgs(spec))); // the same input again: --reprocess past the ledger
    assertThat(rerun.toString(), rerun.code, equalTo(ExitCode.OK));
    assertThat(pg.snapshot("gate"), equalTo(before));
    assertThat("append mode: one run's rejections after the other's", pg.count("gate_rejected"), equalTo(2L));
    assertThat(pg.tables(), not(hasItem("gate__stg_gate_3")));
    assertThat("the refused run's staging table is kept", pg.tables(), hasItem("gate__stg_gate_2"));
  }

  @Test
  public void aPublishThatFailsRollsBackEveryTableAndKeepsStaging() throws Exception {
    Path root = tmp.getRoot().toPath();
    pg.execute("CREATE TABLE capped (id text PRIMARY KEY, amount numeric CHECK (amount < 100))");
    Path good = inputs(root.resolve("good"), "{\"id\":\"1\",\"amount\":\"10\"}\n{\"id\":\"2\",\"amount\":\"20\"}\n");
    Path bad = inputs(root.resolve("bad"), "{\"id\":\"1\",\"amount\":\"11\"}\n{\"id\":\"2\",\"amount\":\"150\"}\n"
        + "{\"id\":\"3\",\"amount\":\"30\"}\n{\"id\":\"4\",\"amount\":\"-5\"}\n");
    Path spec = tmp.getRoot().toPath().resolve("capped.yaml");
    Files.writeString(spec, """
        name: capped
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        sinks:
          - {name: capped, type: jdbc, table: capped, key: [id], retries: {max_attempts: 2, initial_backoff: 10ms}}
        dead_letter: {name: rejected, table: capped_rejected, create: if_missing, mode: append}
        """.formatted(good));
    Path out = root.resolve("out");
    CauceRun first = CauceRun.run(out, "capped-1", jdbcArgs(spec));
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    List<String> before = pg.snapshot("capped");
    assertThat(before, equalTo(List.of("(1,10)", "(2,20)")));
    assertThat(pg.count("capped_rejected"), equalTo(0L));

    CauceRun failed = CauceRun.run(out, "capped-2", "--spec=" + spec, "--input=" + bad + "/*.jsonl",
        "--jdbcUrl=" + pg.url(), "--jdbcUser=" + TestPostgres.USER);
    assertThat(failed.toString(), failed.code, equalTo(ExitCode.FAILED));
    assertThat(failed.stderr, containsString("publishing failed"));
    assertThat(failed.stderr, containsString("[23514]"));
    assertThat(failed.stderr, containsString("not transient, so it was not retried"));
    assertThat(failed.stderr, containsString("The target tables are unchanged"));
    assertThat("rows 1 and 3 were valid, but the one transaction rolled back", pg.snapshot("capped"), equalTo(before));
    assertThat("the dead letter table is in the same transaction", pg.count("capped_rejected"), equalTo(0L));
    assertThat(pg.count("capped__stg_capped_2"), equalTo(3L));
    assertThat(pg.count("capped_rejected__stg_capped_2"), equalTo(1L));
    assertThat(failed.report().get("status").asText(), equalTo("FAILED"));
    assertThat(failed.report().get("outputs").get("published").size(), equalTo(0));
  }

  // ---- checks before the job ----

  @Test
  public void aSpecWithAnInvalidIdentifierIsRefusedBeforeTheJobStarts() throws Exception {
    Path in = inputs(tmp.getRoot().toPath().resolve("in"), "{\"id\":\"1\"}\n");
    Path spec = tmp.getRoot().toPath().resolve("bad.yaml");
    Files.writeString(spec, """
        name: bad
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
        sinks:
          - name: bad
            type: jdbc
            table: "x; DROP TABLE x"
            key: [id]
            create: if_missing
        """.formatted(in));
    List<String> tablesBefore = pg.tables();
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "bad-1", jdbcArgs(spec));
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("sinks[0].table (line 8): invalid table \"x; DROP TABLE x\""));
    assertThat(run.stderr, containsString("[a-z_][a-z0-9_]*"));
    assertThat(pg.tables(), equalTo(tablesBefore));
    assertThat(Files.exists(tmp.getRoot().toPath().resolve("out")), equalTo(false));
  }

  @Test
  public void aJdbcSinkWithoutJdbcUrlIsAUsageError() throws Exception {
    Path in = inputs(tmp.getRoot().toPath().resolve("in"), "{\"id\":\"1\"}\n");
    Path spec = gateSpec(in, "");
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "nourl-1", "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("pipeline gate writes to PostgreSQL (sink gate, dead_letter.table), but no --jdbcUrl was given"));
  }

  @Test
  public void anUnreachableDatabaseIsAClearErrorInSecondsWithSecretsMasked() throws Exception {
    Path in = inputs(tmp.getRoot().toPath().resolve("in"), "{\"id\":\"1\"}\n");
    Path spec = gateSpec(in, "");
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path passwordFile = tmp.newFile("pw").toPath();
    Files.writeString(passwordFile, "file-s3cret\n");
    long start = System.nanoTime();
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "down-1", "--spec=" + spec,
        "--jdbcUrl=jdbc:postgresql://127.0.0.1:" + closedPort + "/test?user=postgres&password=url-s3cret",
        "--jdbcPasswordFile=" + passwordFile);
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(seconds, lessThan(15L));
    assertThat(run.stderr, containsString("cannot prepare the PostgreSQL tables of pipeline gate at jdbc:postgresql://127.0.0.1:"
        + closedPort + "/test?user=postgres&password=****"));
    assertThat(run.stderr, containsString("[08001]"));
    assertThat(run.stderr, containsString("pg_isready -h 127.0.0.1 -p " + closedPort));
    assertThat(run.stdout + run.stderr, not(containsString("s3cret")));
  }

  @Test
  public void passwordsNeverReachTheReportOrTheConsole() throws Exception {
    Path in = inputs(tmp.getRoot().toPath().resolve("in"), "{\"id\":\"1\",\"amount\":\"1\"}\n");
    Path spec = gateSpec(in, "");
    Path passwordFile = tmp.newFile("pw").toPath();
    Files.writeString(passwordFile, "file-s3cret\n");
    Path out = tmp.getRoot().toPath().resolve("out");
    CauceRun run = CauceRun.run(out, "secret-1", "--spec=" + spec, "--jdbcUrl=" + pg.url() + "&password=url-s3cret",
        "--jdbcUser=" + TestPostgres.USER, "--jdbcPasswordFile=" + passwordFile);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    String report = Files.readString(out.resolve("_runs/secret-1/run-report.json"));
    assertThat(report, containsString("password=****"));
    assertThat(report + run.stdout + run.stderr, not(containsString("s3cret")));
  }

  @Test
  public void anExistingTableThatDoesNotFitIsRefusedBeforeTheJob() throws Exception {
    pg.execute("CREATE TABLE misfit (id text, amount integer NOT NULL, extra text NOT NULL)");
    Path in = inputs(tmp.getRoot().toPath().resolve("in"), "{\"id\":\"1\",\"amount\":\"1\"}\n");
    Path spec = tmp.getRoot().toPath().resolve("misfit.yaml");
    Files.writeString(spec, """
        name: misfit
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
          - {name: note, type: string}
        sinks:
          - {name: misfit, type: jdbc, table: misfit, key: [id]}
        """.formatted(in));
    List<String> tablesBefore = pg.tables();
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "misfit-1", jdbcArgs(spec));
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    String s = pg.schema;
    assertThat(run.stderr, containsString("does not fit pipeline misfit; nothing was created"));
    assertThat(run.stderr, containsString("column " + s + ".misfit.amount is integer; field amount (decimal) needs numeric"));
    assertThat(run.stderr, containsString("column " + s + ".misfit.amount is NOT NULL, but field amount may be null"));
    assertThat(run.stderr, containsString("table " + s + ".misfit has no column note (text)"));
    assertThat(run.stderr, containsString("column " + s + ".misfit.extra is NOT NULL without a default"));
    assertThat(run.stderr, containsString("has no primary key or unique constraint on exactly (id)"));
    assertThat("no staging table was created", pg.tables(), equalTo(tablesBefore));
  }

  @Test
  public void whenAnotherProblemStopsTheRunTheTablesAreCheckedButNothingIsCreated() throws Exception {
    pg.execute("CREATE TABLE both_sink (id text)");
    Path in = inputs(tmp.getRoot().toPath().resolve("in"), "{\"id\":\"1\"}\n");
    Path spec = tmp.getRoot().toPath().resolve("both.yaml");
    Files.writeString(spec, """
        name: both
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
        sinks:
          - {name: both, type: jdbc, table: both_sink, key: [id]}
        dead_letter: {name: rejected, table: both_rejected, create: if_missing}
        """.formatted(in));
    List<String> tablesBefore = pg.tables();
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "both-1", "--spec=" + spec, "--jdbcUrl=" + pg.url(),
        "--jdbcUser=" + TestPostgres.USER, "--alertRejectedRatio=2");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("--alertRejectedRatio must be a ratio between 0 and 1"));
    assertThat(run.stderr, containsString("does not fit pipeline both; nothing was created"));
    assertThat(run.stderr, containsString("has no primary key or unique constraint on exactly (id)"));
    assertThat("no staging table and no dead letter table was created", pg.tables(), equalTo(tablesBefore));
  }

  private static String[] withReprocess(String[] args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--reprocess";
    return all;
  }
}
