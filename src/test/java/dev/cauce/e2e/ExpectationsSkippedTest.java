package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import dev.cauce.write.LiveOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Expectations that are not evaluated are reported, never dropped: an unknown type under {@code
 * expectations_unknown: skip}, and the dataset ones of a {@code --replay} (its row ones check the
 * replayed records).
 */
public class ExpectationsSkippedTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void unknownTypesAndAReplaysDatasetExpectationsAreReportedSkipped() throws IOException {
    Path root = tmp.getRoot().toPath();
    Path in = Files.createDirectories(root.resolve("in"));
    Files.writeString(in.resolve("a.jsonl"), """
        {"id":"1","amount":"10"}
        {"id":"2","amount":"-3"}
        {"id":"3","amount":"7"}
        """);
    Path spec = root.resolve("skips.yaml");
    Files.writeString(spec, """
        name: skips
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        quality: {allow_empty: true}
        expectations_unknown: skip
        expectations:
          - {type: expect_column_values_to_be_odd, column: amount}
          - {type: expect_table_row_count_to_equal, value: 2}
          - {type: expect_column_values_to_not_be_null, column: id}
        """.formatted(in));
    Path out = root.resolve("out");
    CauceRun run = CauceRun.run(out, "first", "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    JsonNode e = run.report().get("expectations");
    assertThat(e.get("statistics").toString(), equalTo("{\"evaluated_expectations\":2,\"successful_expectations\":2,"
        + "\"unsuccessful_expectations\":0,\"success_percent\":100.0,\"skipped_expectations\":1}"));
    JsonNode skipped = e.get("results").get(0);
    assertThat(skipped.get("success").isNull(), equalTo(true));
    assertThat(skipped.get("cauce").get("status").asText(), equalTo("skipped"));
    assertThat(skipped.get("cauce").get("note").asText(), equalTo("unknown expectation type (expectations_unknown: skip)"));
    assertThat(skipped.get("expectation_config").get("kwargs").toString(), equalTo("{\"column\":\"amount\"}"));
    assertThat(e.get("results").get(1).get("result").get("observed_value").asLong(), equalTo(2L));
    assertThat(run.stdout, containsString("expectations: 2 passed, 0 failed, 1 skipped"));

    // the rejected record "fixed" into one without an id: on the replay, the row expectation checks it
    Path dead = Path.of(LiveOutput.read(out.toString()).files("rejected").get(0));
    Path fixed = root.resolve("fixed.jsonl");
    Files.writeString(fixed, Files.readString(dead).replace("\\\"id\\\":\\\"2\\\"", "\\\"id\\\":null")
        .replace("\\\"amount\\\":\\\"-3\\\"", "\\\"amount\\\":\\\"4\\\""));
    CauceRun replay = CauceRun.run(out, "replay", "--spec=" + spec, "--replay=" + fixed);
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.REFUSED));
    assertThat(replay.stdout, containsString("check: read 1 = written 0 + rejected 1 + duplicates 0  OK"));
    JsonNode r = replay.report().get("expectations");
    assertThat(r.get("statistics").get("skipped_expectations").asLong(), equalTo(2L));
    assertThat(r.get("results").get(1).get("cauce").get("note").asText(), containsString("not evaluated on a --replay: dataset and"
        + " uniqueness expectations describe a whole dataset"));
    JsonNode notNull = r.get("results").get(2);
    assertThat(notNull.get("cauce").get("status").asText(), equalTo("failed"));
    assertThat(notNull.get("result").get("unexpected_count").asLong() + "/" + notNull.get("result").get("element_count").asLong(),
        equalTo("1/1"));
    assertThat(replay.count("violations_by_stage_and_reason", "validate", "expect_column_values_to_not_be_null:id"), equalTo(1L));
  }
}
