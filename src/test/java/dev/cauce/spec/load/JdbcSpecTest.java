package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.JdbcSpec.BreakerSpec;
import dev.cauce.spec.JdbcSpec.Create;
import dev.cauce.spec.JdbcSpec.RetrySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.SpecException;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** The jdbc keys of sinks and of dead_letter: defaults, and every problem with its path and line. */
public class JdbcSpecTest {

  @Test
  public void aJdbcSinkWithDefaults() {
    PipelineSpec spec = parse(BASE + """
        sinks:
          - {name: orders, type: jdbc, table: orders, key: [order_id]}
          - {name: files, type: file, format: csv}
        """);
    SinkSpec s = spec.sinks().get(0);
    assertThat(s.isJdbc(), equalTo(true));
    assertThat(s.jdbc(), equalTo(new JdbcSpec(null, "orders", List.of("order_id"), Create.NEVER, 500, RetrySpec.DEFAULT,
        BreakerSpec.DEFAULT)));
    assertThat(spec.sinks().get(1).isJdbc(), equalTo(false));
    assertThat(spec.deadLetter().table(), nullValue());
  }

  @Test
  public void everyJdbcKey() {
    PipelineSpec spec = parse((BASE + """
        sinks:
          - name: orders
            type: jdbc
            table: etl.orders_v2
            key: [order_id, ordered_on]
            create: if_missing
            batch_size: 1000
            retries: {max_attempts: 3, initial_backoff: 250ms, multiplier: 1.5, max_backoff: 1m}
            breaker: {failure_threshold: 7, wait_open: 2s}
        dead_letter:
          name: rejected
          table: etl.rejected
          create: if_missing
          mode: append
        """).replace("- {name: ordered_on, type: date}", "- {name: ordered_on, type: date, required: true}"));
    JdbcSpec j = spec.sinks().get(0).jdbc();
    assertThat(j, equalTo(new JdbcSpec("etl", "orders_v2", List.of("order_id", "ordered_on"), Create.IF_MISSING, 1000,
        new RetrySpec(3, Duration.ofMillis(250), 1.5, Duration.ofMinutes(1)), new BreakerSpec(7, Duration.ofSeconds(2)))));
    assertThat(spec.deadLetter().table().qualifiedName(), equalTo("etl.rejected"));
    assertThat(spec.deadLetter().table().create(), equalTo(Create.IF_MISSING));
  }

  @Test
  public void tableNamesAreStrictIdentifiers() {
    for (String bad : List.of("Orders", "orders; DROP TABLE x", "\\\"orders\\\"", "1orders", "a.b.c", "a..b", "or-ders",
        "x".repeat(64), "orders__stg_old")) {
      String yaml = BASE + """
          sinks:
            - name: s
              type: jdbc
              table: "%s"
              key: [order_id]
          """.formatted(bad);
      SpecException e = fails(yaml);
      assertProblem(problemAt(e, "sinks[0].table"), 15, "invalid table");
    }
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, type: jdbc, table: "orders; DROP TABLE x", key: [order_id]}
        """, "sinks[0].table", 13, "use table or schema.table, each 1-63 characters matching [a-z_][a-z0-9_]*");
  }

  @Test
  public void theKeyIsRequiredFieldsOfTheSchema() {
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, type: jdbc, table: t}
        """, "sinks[0].key", 13, "missing required key \"key\"");
    assertOnlyProblem(BASE + """
        sinks:
          - name: s
            type: jdbc
            table: t
            key: [orderid]
        """, "sinks[0].key[0]", 16, "\"orderid\" is not a schema field; schema fields: order_id, email");
    assertOnlyProblem(BASE + """
        sinks:
          - name: s
            type: jdbc
            table: t
            key: [email]
        """, "sinks[0].key[0]", 16, "key field \"email\" must be required: true");
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, type: jdbc, table: t, key: []}
        """, "sinks[0].key", 13, "needs at least one field");
  }

  @Test
  public void fileKeysOnAJdbcSinkAndJdbcKeysOnAFileSinkAreUnknown() {
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, type: jdbc, table: t, key: [order_id], format: csv}
        """, "sinks[0].format", 13, "unknown key \"format\" for a jdbc sink; allowed: name, type, table, key, create,");
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, format: csv, table: t}
        """, "sinks[0].table", 13, "unknown key \"table\" for a file sink; allowed: name, type, format, shards, mode");
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, type: jbdc, table: t}
        """, "sinks[0].type", 13, "unknown sink type \"jbdc\"; allowed: file, jdbc");
  }

  @Test
  public void resilienceSettingsAreChecked() {
    SpecException e = fails(BASE + """
        sinks:
          - name: s
            type: jdbc
            table: t
            key: [order_id]
            create: sometimes
            batch_size: 0
            retries: {max_attempts: 0, initial_backoff: 5 seconds, multiplier: 0.5, max_backoff: 2s, jitter: 1}
            breaker: {failure_threshold: 0, wait_open: 90m}
        """);
    assertProblem(problemAt(e, "sinks[0].create"), 17, "unknown create \"sometimes\"; allowed: if_missing, never");
    assertProblem(problemAt(e, "sinks[0].batch_size"), 18, "must be between 1 and 100000, got 0");
    assertProblem(problemAt(e, "sinks[0].retries.max_attempts"), 19, "must be between 1 and 100, got 0");
    assertProblem(problemAt(e, "sinks[0].retries.initial_backoff"), 19,
        "invalid duration \"5 seconds\": a whole number with a unit: ms, s or m (such as 250ms, 2s, 1m)");
    assertProblem(problemAt(e, "sinks[0].retries.multiplier"), 19, "must be a number from 1 to 10, got 0.5");
    assertProblem(problemAt(e, "sinks[0].retries.jitter"), 19, "unknown key \"jitter\"");
    assertProblem(problemAt(e, "sinks[0].breaker.failure_threshold"), 20, "must be between 1 and 1000, got 0");
    assertProblem(problemAt(e, "sinks[0].breaker.wait_open"), 20, "must be between 1ms and 60m, got 90m");
    assertThat(e.problems().size(), equalTo(8));
    assertOnlyProblem(BASE + """
        sinks:
          - name: s
            type: jdbc
            table: t
            key: [order_id]
            retries: {initial_backoff: 5s, max_backoff: 1s}
        """, "sinks[0].retries.max_backoff", 17, "max_backoff 1s is less than initial_backoff 5s");
  }

  @Test
  public void deadLetterTableKeys() {
    assertOnlyProblem(BASE + """
        dead_letter: {name: rejected, create: if_missing}
        """, "dead_letter.create", 12, "create is only used with dead_letter.table");
    assertOnlyProblem(BASE + """
        dead_letter: {name: rejected, table: "Rejected"}
        """, "dead_letter.table", 12, "invalid table \"Rejected\"");
    assertOnlyProblem(BASE + """
        sinks:
          - {name: s, type: jdbc, table: t, key: [order_id]}
        dead_letter: {table: t}
        """, "sinks[0].table", 13, "table \"t\" is also written by dead_letter");
  }

  @Test
  public void schemaFieldsMustBeUsableAsColumns() {
    String yaml = BASE.replace("- {name: qty, type: int}", "- {name: cauce__line, type: int}") + """
        sinks:
          - {name: s, type: jdbc, table: t, key: [order_id]}
        """;
    assertOnlyProblem(yaml, "sinks[0].type", 13, "schema field \"cauce__line\" cannot be written by a jdbc sink");
  }
}
