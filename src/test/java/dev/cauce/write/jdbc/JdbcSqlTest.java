package dev.cauce.write.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.fail;

import dev.cauce.resilience.BreakerSettings;
import dev.cauce.resilience.RetrySettings;
import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.JdbcSpec.BreakerSpec;
import dev.cauce.spec.JdbcSpec.RetrySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.spec.load.SpecLoader;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** SQL built from spec names: checked and quoted identifiers, parameters only, staging names, masked settings. */
public class JdbcSqlTest {
  @Test
  public void identifiersAreCheckedAgainBeforeSqlIsBuilt() {
    assertThat(Sql.quote("Mixed_Case"), equalTo("\"Mixed_Case\""));
    assertThat(Sql.qualified("etl", "orders"), equalTo("\"etl\".\"orders\""));
    for (String bad : List.of("", "a\"b", "a b", "x; DROP TABLE y", "1a", "é", "x".repeat(64))) {
      try {
        Sql.quote(bad);
        fail("accepted " + bad);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage(), containsString("refusing to use"));
      }
    }
  }

  @Test
  public void stagingTablesAreNamedAfterTheRunAndFitPostgresLimit() {
    assertThat(Sql.stagingTable("orders", "20261128T195357Z-2800be"), equalTo("orders__stg_20261128t195357z_2800be"));
    String table = "t".repeat(63);
    String a = Sql.stagingTable(table, "r".repeat(90) + "-a");
    String b = Sql.stagingTable(table, "r".repeat(90) + "-b");
    assertThat(a.length(), lessThanOrEqualTo(63));
    assertThat(a, not(equalTo(b)));
    assertThat(a, containsString("__stg_"));
  }

  private static PipelineSpec spec() {
    return SpecLoader.parse("""
        name: t
        source: {path: in/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: Amount, type: decimal}
          - {name: at, type: timestamp}
        sinks:
          - {name: s, type: jdbc, table: orders, key: [id]}
        """, "t.yaml");
  }

  @Test
  public void everyStatementQuotesItsIdentifiersAndTakesValuesAsParameters() {
    PipelineSpec spec = spec();
    JdbcTarget t = JdbcTarget.sink(spec, "s", spec.sinks().get(0).jdbc(), "etl", "run-1");
    assertThat(t.createTargetSql(), equalTo("CREATE TABLE IF NOT EXISTS \"etl\".\"orders\" (\"id\" text NOT NULL,"
        + " \"Amount\" numeric, \"at\" timestamptz, PRIMARY KEY (\"id\"))"));
    assertThat(t.createStagingSql(), equalTo(List.of("DROP TABLE IF EXISTS \"etl\".\"orders__stg_run_1\"",
        "CREATE TABLE \"etl\".\"orders__stg_run_1\" (\"id\" text, \"Amount\" numeric, \"at\" timestamptz,"
            + " \"cauce__source\" text NOT NULL, \"cauce__line\" bigint NOT NULL, PRIMARY KEY (\"cauce__source\", \"cauce__line\"))")));
    assertThat(t.insertStagingSql(), equalTo("INSERT INTO \"etl\".\"orders__stg_run_1\" (\"id\", \"Amount\", \"at\","
        + " \"cauce__source\", \"cauce__line\") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    assertThat(t.publishSql(), equalTo(List.of("INSERT INTO \"etl\".\"orders\" (\"id\", \"Amount\", \"at\") SELECT"
        + " DISTINCT ON (\"id\") \"id\", \"Amount\", \"at\" FROM \"etl\".\"orders__stg_run_1\" ORDER BY \"id\","
        + " \"cauce__source\" DESC, \"cauce__line\" DESC ON CONFLICT (\"id\") DO UPDATE SET \"Amount\" = EXCLUDED.\"Amount\","
        + " \"at\" = EXCLUDED.\"at\"")));
    JdbcSpec dl = new JdbcSpec(null, "rejected", List.of(), JdbcSpec.Create.NEVER, 10, RetrySpec.DEFAULT, BreakerSpec.DEFAULT);
    JdbcTarget d = JdbcTarget.deadLetter("rejected", dl, WriteMode.OVERWRITE, "etl", "run-1");
    assertThat(d.publishSql().get(0), equalTo("DELETE FROM \"etl\".\"rejected\""));
    assertThat(d.publishSql().get(1), containsString("ON CONFLICT (\"run_id\", \"source\", \"line\") DO NOTHING"));
  }

  @Test
  public void aTablesRetriesAndBreakerAreTheSpecsWithHalfJitterAndConsecutiveFailures() {
    JdbcSpec jdbc = new JdbcSpec(null, "t", List.of(), JdbcSpec.Create.NEVER, 10,
        new RetrySpec(3, Duration.ofMillis(250), 1.5, Duration.ofMinutes(1)), new BreakerSpec(7, Duration.ofSeconds(2)));
    JdbcTarget t = JdbcTarget.deadLetter("t", jdbc, WriteMode.APPEND, "etl", "run-1");
    assertThat(t.retries(), equalTo(new RetrySettings(3, Duration.ofMillis(250), 1.5, 0.5, Duration.ofMinutes(1))));
    assertThat(t.breaker(), equalTo(new BreakerSettings(7, 7, 1.0, Duration.ofSeconds(2))));
  }

  @Test
  public void settingsAreCheckedAndMasked() {
    JdbcSettings s = new JdbcSettings("jdbc:postgresql://h/db?user=u&password=s3cret", "u", null, null);
    assertThat(s.toString(), not(containsString("s3cret")));
    assertThat(s.maskedUrl(), equalTo("jdbc:postgresql://h/db?user=u&password=****"));
    assertThat(s.problem(), equalTo(null));
    assertThat(new JdbcSettings("jdbc:mysql://h/db?password=s3cret", null, null, null).problem(),
        equalTo("--jdbcUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), got jdbc:mysql://h/db?password=****"));
    assertThat(new JdbcSettings("jdbc:postgresql://h/db", null, "A", "b").problem(),
        equalTo("give either --jdbcPasswordEnv or --jdbcPasswordFile, not both"));
    assertThat(new JdbcSettings("jdbc:postgresql://h/db", null, "CAUCE_TEST_SURELY_UNSET_VARIABLE", null).problem(),
        equalTo("--jdbcPasswordEnv=CAUCE_TEST_SURELY_UNSET_VARIABLE: the environment variable CAUCE_TEST_SURELY_UNSET_VARIABLE is not set"));
  }

  @Test
  public void errorMessagesNeverQuoteABatchsValues() {
    BatchUpdateException batch = new BatchUpdateException(
        "Batch entry 0 INSERT INTO t VALUES ('secret value') was aborted: An I/O error occurred.", "08006", 0, new int[0]);
    batch.setNextException(new SQLException("An I/O error occurred while sending to the backend.\nmore", "08006"));
    assertThat(JdbcErrors.describe(batch), equalTo("[08006] An I/O error occurred while sending to the backend"));
    assertThat(JdbcErrors.describe(new SQLException("FATAL: password=abc wrong", "28P01")), equalTo("[28P01] FATAL: password=**** wrong"));
  }
}
