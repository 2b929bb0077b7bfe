package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A reference read by a PostgreSQL query (the real server, a schema of this class's own), in a
 * read-only transaction; and references that cannot be used (over max_rows, over max_bytes, a query
 * that writes) refused by the plan with a message naming them, before anything runs.
 */
public class ReferenceQueryTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static TestPostgres pg;

  @BeforeClass
  public static void createTable() throws SQLException {
    pg = TestPostgres.forClass(ReferenceQueryTest.class);
    pg.execute("CREATE TABLE stores_ref (region text, store int, manager text)",
        "INSERT INTO stores_ref VALUES ('west', 7, 'Ann'), ('east', 8, 'Bo'), ('east', 9, NULL)");
  }

  @AfterClass
  public static void dropSchema() throws SQLException {
    if (pg != null) {
      pg.close();
    }
  }

  private static String spec(String reference) {
    return """
        name: sales
        source: {path: in/*.csv, format: csv}
        references:
          - REF
        schema:
          - {name: id, type: string}
          - {name: region, type: string}
          - {name: store, type: long}
          - {name: manager, type: string, lookup: {reference: stores, on: [region, store]}}
        validate:
          - {name: store_known, rule: in_reference, reference: stores, fields: [region, store], severity: warn}
        """.replace("REF", reference);
  }

  private CauceRun run(String reference, String runId, String... more) throws IOException {
    Path dir = tmp.getRoot().toPath();
    Files.createDirectories(dir.resolve("in"));
    Files.writeString(dir.resolve("in/sales.csv"), "id,region,store\n1,west,7\n2,east,8.0\n3,east,9\n4,north,1\n5,west,\n");
    Files.writeString(dir.resolve("sales.yaml"), spec(reference));
    String[] args = new String[more.length + 3];
    args[0] = "--spec=" + dir.resolve("sales.yaml");
    args[1] = "--jdbcUrl=" + pg.url();
    args[2] = "--jdbcUser=" + TestPostgres.USER;
    System.arraycopy(more, 0, args, 3, more.length);
    return CauceRun.run(dir.resolve("out"), runId, args);
  }

  @Test
  public void aQueryReferenceIsReadOnceAndUsedByLookupsAndRules() throws IOException {
    CauceRun run = run("{name: stores, query: \"SELECT region, store, manager FROM stores_ref\", key: [region, store]}", "q-1");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 5 = written 5 + rejected 0 + duplicates 0  OK"));
    assertThat(run.count("lookups_filled_by_field", "manager"), equalTo(3L));
    assertThat(run.count("lookups_missed_by_field", "manager"), equalTo(1L)); // north 1; store null looks nothing up
    assertThat(run.count("warnings_by_rule", "store_known"), equalTo(1L));
    assertThat(CauceRun.published(run.output.resolve("sales")).stream().sorted().toList(), equalTo(List.of(
        "{\"id\":\"1\",\"region\":\"west\",\"store\":7,\"manager\":\"Ann\"}",
        "{\"id\":\"2\",\"region\":\"east\",\"store\":8,\"manager\":\"Bo\"}",
        "{\"id\":\"3\",\"region\":\"east\",\"store\":9,\"manager\":null}",
        "{\"id\":\"4\",\"region\":\"north\",\"store\":1,\"manager\":null}",
        "{\"id\":\"5\",\"region\":\"west\",\"store\":null,\"manager\":null}")));
  }

  @Test
  public void aDryRunSaysWhatEachReferenceHolds() throws IOException {
    CauceRun run = run("{name: stores, query: \"SELECT region, store, manager FROM stores_ref\", key: [region, store]}", "q-2",
        "--dryRun");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("  reference stores: 3 rows, 3 keys, 0 duplicate key(s) dropped (query, 20 bytes)\n"));
  }

  @Test
  public void aReferenceOverItsBoundIsRefusedBeforeAnythingRuns() throws IOException {
    CauceRun run = run("{name: stores, query: \"SELECT region, store, manager FROM stores_ref\", key: [region, store], max_rows: 2}",
        "q-3");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: reference stores (query): has more than its max_rows 2 rows (a reference is held"
        + " in memory by every worker; raise max_rows, up to 10000000)"));
    assertThat(Files.exists(run.output.resolve("sales")), equalTo(false));

    Path dir = tmp.getRoot().toPath();
    Files.writeString(dir.resolve("big.csv"), "region,store,manager\n" + "west,1,A\n".repeat(100));
    run = run("{name: stores, path: big.csv, key: [region, store], max_bytes: 500}", "q-4");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: reference stores (" + dir.resolve("big.csv") + "): is 921 bytes, more than its"
        + " max_bytes 500 (a reference is held in memory by every worker; raise max_bytes, up to 1073741824)"));
  }

  @Test
  public void aQueryRunsInAReadOnlyTransaction() throws IOException, SQLException {
    CauceRun run = run("{name: stores, query: \"WITH gone AS (DELETE FROM stores_ref RETURNING *) SELECT * FROM gone\","
        + " key: [region, store]}", "q-5");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: reference stores (query): the query failed on "));
    assertThat(run.stderr, containsString("read-only transaction"));
    assertThat(pg.count("stores_ref"), equalTo(3L));
  }
}
