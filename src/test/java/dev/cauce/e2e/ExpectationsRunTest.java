package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * The sample pipeline pipelines/gx_orders.yaml (a GX 1.x suite used unchanged, plus two expectations
 * of its own) on its two batches, with the same figures on the Direct runner and on embedded Flink
 * at parallelism 2 reading the files in parts. March passes every expectation; April rejects 5
 * orders by row expectations and the 2 of a repeated order_id by the uniqueness one, keeps one as a
 * warning within mostly, and is refused on 11 failures (dataset figures over the 13 kept orders).
 */
@RunWith(Parameterized.class)
public class ExpectationsRunTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Parameters(name = "{0}")
  public static List<Object[]> runners() {
    return Runners.directAndFlinkP2("--splitBytes=600");
  }

  @Parameter(0)
  public String runnerName;

  @Parameter(1)
  public String[] runnerArgs;

  private CauceRun run(String batch) {
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.add("--spec=pipelines/gx_orders.yaml");
    args.add("--input=pipelines/data/gx_orders/" + batch + "/*.csv");
    return CauceRun.run(tmp.getRoot().toPath().resolve(batch), batch + "-" + runnerName, args.toArray(String[]::new));
  }

  /** Each result as "index status id observed-or-unexpected". */
  private static List<String> results(JsonNode report) {
    List<String> out = new ArrayList<>();
    JsonNode results = report.get("expectations").get("results");
    for (int i = 0; i < results.size(); i++) {
      JsonNode r = results.get(i);
      JsonNode res = r.get("result");
      String figure = res.has("observed_value") ? res.get("observed_value").toString()
          : res.has("unexpected_count") ? res.get("unexpected_count") + "/" + res.get("element_count") : "";
      out.add(i + " " + r.get("cauce").get("status").asText() + " " + r.get("cauce").get("id").asText() + " " + figure);
    }
    return out;
  }

  @Test
  public void marchPassesEverything() throws IOException {
    CauceRun run = run("batch-1");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    JsonNode report = run.report();
    assertThat(report.get("counts").get("written").get("gx_orders").asLong(), equalTo(20L));
    assertThat(report.get("expectations").get("success").asBoolean(), equalTo(true));
    assertThat(report.get("expectations").get("statistics").get("successful_expectations").asLong(), equalTo(15L));
    List<String> r = results(report);
    assertThat(r.get(0), equalTo("0 passed expect_table_row_count_to_be_between 20"));
    assertThat(r.get(8), equalTo("8 passed expect_column_mean_to_be_between:amount 59.0535"));
    assertThat(r.get(9), equalTo("9 passed expect_column_median_to_be_between:amount 50.275"));
    assertThat(r.get(10), equalTo("10 passed expect_column_quantile_values_to_be_between:amount "
        + "{\"quantiles\":[0.05,0.5,0.95],\"values\":[12,55.55,130.25]}"));
    assertThat(r.get(13), equalTo("13 passed expect_column_stdev_to_be_between:amount 41.06097151605287"));
    assertThat(run.stdout, containsString("expectations: 15 passed, 0 failed, 0 skipped"));
  }

  @Test
  public void aprilIsRefusedWithTheFailingRowsInTheDeadLetter() throws IOException {
    CauceRun run = run("batch-2");
    assertThat(run.toString(), run.code, equalTo(ExitCode.REFUSED));
    JsonNode report = run.report();
    assertThat(report.get("counts").get("read").asLong(), equalTo(20L));
    assertThat(report.get("counts").get("rejected").asLong(), equalTo(7L));
    assertThat(report.get("counts").get("written").get("gx_orders").asLong(), equalTo(13L));
    assertThat(report.get("counts").get("warnings_by_rule").toString(),
        equalTo("{\"expect_column_values_to_be_in_set:currency\":1}"));
    assertThat(results(report), equalTo(List.of(
        "0 failed expect_table_row_count_to_be_between 13",
        "1 passed expect_table_columns_to_match_ordered_list "
            + "[\"order_id\",\"customer_email\",\"amount\",\"currency\",\"quantity\",\"ordered_on\",\"shipped_on\",\"country\"]",
        "2 failed expect_column_values_to_not_be_null:customer_email 2/20",
        "3 failed expect_column_values_to_match_regex:customer_email 1/20",
        "4 failed expect_column_values_to_be_between:amount 1/20",
        "5 passed expect_column_values_to_be_in_set:currency 1/20",
        "6 failed expect_column_pair_values_A_to_be_greater_than_B:shipped_on,ordered_on 1/20",
        "7 failed expect_column_values_to_be_unique:order_id 2/15",
        "8 failed expect_column_mean_to_be_between:amount 307.0607692307692",
        "9 failed expect_column_median_to_be_between:amount 310",
        "10 failed expect_column_quantile_values_to_be_between:amount {\"quantiles\":[0.05,0.5,0.95],\"values\":[199.99,310,445.55]}",
        "11 failed expect_column_distinct_values_to_be_in_set:country [\"DE\",\"ES\",\"FR\",\"IT\",\"PT\",\"US\"]",
        "12 passed expect_column_max_to_be_between:quantity 4",
        "13 failed expect_column_stdev_to_be_between:amount 102.6822270779725",
        "14 passed expect_column_proportion_of_unique_values_to_be_between:customer_email 1")));
    JsonNode stats = report.get("expectations").get("statistics");
    assertThat(stats.get("successful_expectations").asLong() + "/" + stats.get("evaluated_expectations").asLong(), equalTo("4/15"));
    JsonNode gate = report.get("quality_gate");
    assertThat(gate.get("breaches").size(), equalTo(10)); // the stdev one is severity: warn
    assertThat(report.get("expectations").get("results").get(7).get("result").get("partial_unexpected_list").toString(),
        equalTo("[\"ORD-2015\",\"ORD-2015\"]"));
    assertThat(run.stdout, containsString("    - FAILED (warn) expect_column_stdev_to_be_between:amount: observed 102.6822270779725"));
    assertThat(run.stdout, containsString("    - FAILED expect_column_values_to_be_unique:order_id: observed 2 unexpected of 15 considered"));

    String html = Files.readString(run.output.resolve("_runs").resolve(run.runId).resolve("run-report.html"));
    assertThat(html, containsString("<section id=\"expectations\">"));
    assertThat(html, containsString("4 of 15 evaluated expectations passed; 0 skipped"));
    assertThat(html, containsString("<tr class=\"bad\" data-expectation=\"expect_column_mean_to_be_between:amount\"><td>failed</td>"));
    assertThat(html, containsString("<td>failed (warn)</td>"));
    assertThat(html, containsString("<title>allowed 20 to 200, observed 307.0607692307692</title>"));
    assertThat(html, containsString("<title>10.00% unexpected</title>")); // not null: 2 of 20

    List<String> dead = new ArrayList<>();
    try (Stream<Path> files = Files.walk(run.output.resolve("_staging"))) {
      for (Path f : files.filter(p -> p.toString().contains("/rejected/") && p.toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          JsonNode n = new ObjectMapper().readTree(line);
          dead.add(n.get("line").asLong() + " " + n.get("reason").asText() + " " + n.get("errors").size());
        }
      }
    }
    assertThat(dead.stream().sorted().toList(), equalTo(List.of(
        "10 expect_column_values_to_not_be_null:customer_email 1",
        "14 expect_column_pair_values_A_to_be_greater_than_B:shipped_on,ordered_on 1",
        "16 expect_column_values_to_be_unique:order_id 1",
        "17 expect_column_values_to_be_unique:order_id 1",
        "4 expect_column_values_to_not_be_null:customer_email 1",
        "6 expect_column_values_to_match_regex:customer_email 1",
        "8 expect_column_values_to_be_between:amount 1")));
  }
  /**
   * Uniqueness after dedupe: the repeated id 1 is a duplicate (dropped, counted once), not unexpected;
   * the email a@x.io of ids 1 and 3 fails expect_column_values_to_be_unique (both rejected); the
   * (shop, day) pairs of ids 1, 2 and 5, 6 repeat, 4 of 6 but within mostly 0.3 (warnings on the kept
   * ones); the row count is judged on the 4 kept.
   */
  @Test
  public void uniquenessIsJudgedAfterDedupeAndRoutesEveryRecordOfARepeatedValue() throws IOException {
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve("a.csv"), "id,email,shop,day\n1,a@x.io,s1,d1\n2,b@x.io,s1,d1\n1,a@x.io,s1,d1\n");
    Files.writeString(in.resolve("b.csv"), "id,email,shop,day\n3,a@x.io,s2,d1\n4,,s2,d2\n5,c@x.io,s3,d3\n6,,s3,d3\n");
    Path spec = tmp.getRoot().toPath().resolve("uq.yaml");
    Files.writeString(spec, "name: uq\nsource: {path: " + in + "/*.csv, format: csv}\n" + """
        schema:
          - {name: id, type: string, required: true}
          - {name: email, type: string}
          - {name: shop, type: string}
          - {name: day, type: string}
        dedupe: {key: [id]}
        expectations:
          - {type: expect_column_values_to_be_unique, column: email}
          - {type: expect_compound_columns_to_be_unique, column_list: [shop, day], mostly: 0.3}
          - {type: expect_column_values_to_be_unique, column: id}
          - {type: expect_table_row_count_to_equal, value: 4}
        """);
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.add("--spec=" + spec);
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "uq-" + runnerName, args.toArray(String[]::new));

    assertThat(run.toString(), run.code, equalTo(ExitCode.REFUSED));
    assertThat(run.stdout, containsString("check: read 7 = written 4 + rejected 2 + duplicates 1  OK"));
    JsonNode report = run.report();
    assertThat(results(report), equalTo(List.of(
        "0 failed expect_column_values_to_be_unique:email 2/6",
        "1 passed expect_compound_columns_to_be_unique:shop,day 4/6",
        "2 passed expect_column_values_to_be_unique:id 0/6",
        "3 passed expect_table_row_count_to_equal 4")));
    JsonNode results = report.get("expectations").get("results");
    assertThat(results.get(0).get("result").get("partial_unexpected_list").toString(), equalTo("[\"a@x.io\",\"a@x.io\"]"));
    assertThat(results.get(0).get("result").get("missing_count").asLong(), equalTo(2L));
    assertThat(results.get(1).get("result").get("partial_unexpected_list").toString(), equalTo(
        "[{\"shop\":\"s1\",\"day\":\"d1\"},{\"shop\":\"s1\",\"day\":\"d1\"},{\"shop\":\"s3\",\"day\":\"d3\"},"
            + "{\"shop\":\"s3\",\"day\":\"d3\"}]"));
    assertThat(report.get("counts").get("warnings_by_rule").toString(),
        equalTo("{\"expect_compound_columns_to_be_unique:shop,day\":3}")); // ids 2, 5, 6; id 1 was rejected
    List<String> dead = new ArrayList<>();
    try (Stream<Path> files = Files.walk(run.output.resolve("_staging"))) {
      for (Path f : files.filter(p -> p.toString().contains("/rejected/") && p.toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          JsonNode n = new ObjectMapper().readTree(line);
          dead.add(Path.of(n.get("source").asText()).getFileName() + ":" + n.get("line").asLong() + " " + n.get("reason").asText()
              + " " + n.get("raw").asText());
        }
      }
    }
    assertThat(dead.stream().sorted().toList(), equalTo(List.of(
        "a.csv:2 expect_column_values_to_be_unique:email 1,a@x.io,s1,d1",
        "b.csv:2 expect_column_values_to_be_unique:email 3,a@x.io,s2,d1")));
  }
}
