package dev.cauce.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.expect.ExpectTesting;
import dev.cauce.expect.ExpectationResult;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/** The row expectations in a pipeline: held records decided once the dataset's counts are known. */
public class ExpectRowsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final PipelineSpec SPEC = ExpectTesting.spec("""
      expectations:
        - {type: expect_column_values_to_not_be_null, column: email, mostly: 0.5}
        - {type: expect_column_values_to_be_in_set, column: qty, value_set: [1, 2, 3], mostly: 0.25}
        - {type: expect_column_values_to_be_null, column: email, severity: warn}
        - {type: expect_column_values_to_be_between, column: amount, min_value: 0}
        - {type: expect_table_row_count_to_equal, value: 5}
      """);

  private static List<CauceRecord> records() {
    List<CauceRecord> out = new ArrayList<>();
    List<Row> rows = ExpectTesting.rows(SPEC);
    for (int i = 0; i < rows.size(); i++) {
      out.add(new CauceRecord(new SourceRecord("in/a.jsonl", i + 1, "{\"line\":" + (i + 1) + "}", null), rows.get(i)));
    }
    return out;
  }

  @Test
  public void heldRecordsAreRejectedOrKeptOnTheWholeDatasetsCounts() {
    PCollection<CauceRecord> in = p.apply(Create.of(records()).withCoder(Coders.cauceRecord(Schemas.typed(SPEC))));
    ExpectRows.Out out = ExpectRows.apply(in, SPEC, "r1");
    PAssert.that(out.kept().apply("ids", MapElements.into(TypeDescriptors.strings())
        .via(r -> r.row().getString("id") + "@" + r.origin().line() + ":" + r.origin().text())))
        .containsInAnyOrder("id1@1:", "id2@2:", "id3@3:", "id5@5:");
    PAssert.that(out.rejections().apply("rejections", MapElements.into(TypeDescriptors.strings())
        .via(r -> r.stage() + ":" + r.line() + ":" + r.reason() + ":" + r.rule() + ":" + r.raw() + ":" + r.errors().size())))
        .containsInAnyOrder("validate:4:expect_column_values_to_be_between:amount:expect_column_values_to_be_between:{\"line\":4}:1");
    PAssert.thatSingleton(out.results()).satisfies(list -> {
      List<String> got = list.results().stream().map(r -> r.index() + " " + r.status() + " " + r.result().get("unexpected_count")).toList();
      assertThat(got, equalTo(List.of("0 passed 2", "1 passed 2", "2 failed 3", "3 failed 1")));
      ExpectationResult nulls = list.results().get(2);
      assertThat(nulls.warn(), equalTo(true));
      assertThat(nulls.refuses(), equalTo(false));
      assertThat(list.results().get(3).refuses(), equalTo(true));
      return null;
    });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunCounts c = RunCounts.from(result.metrics());
    assertThat(c.rejectedByStage(), equalTo(Map.of("validate", 1L)));
    assertThat(c.violations("expect_column_values_to_be_between:amount"), equalTo(1L));
    // warnings of kept records only: row 4's in-set and be-null failures are not counted
    assertThat(c.warnings(), equalTo(Map.of("expect_column_values_to_not_be_null:email", 2L,
        "expect_column_values_to_be_in_set:qty", 1L, "expect_column_values_to_be_null:email", 2L)));
  }

  @Test
  public void noRecordsGiveResultsAllPassed() {
    PCollection<CauceRecord> in = p.apply(Create.empty(Coders.cauceRecord(Schemas.typed(SPEC))));
    ExpectRows.Out out = ExpectRows.apply(in, SPEC, "r1");
    PAssert.that(out.kept()).empty();
    PAssert.that(out.rejections()).empty();
    PAssert.thatSingleton(out.results()).satisfies(list -> {
      assertThat(list.results().stream().map(ExpectationResult::status).toList(), equalTo(List.of("passed", "passed", "passed", "passed")));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  public void withDeadLetterWarnedTheHeldRecordsKeptWithWarningsComeOutWithThem() {
    PipelineSpec spec = ExpectTesting.spec("dead_letter: {warned: warned}\n" + """
        expectations:
          - {type: expect_column_values_to_not_be_null, column: email, mostly: 0.5}
          - {type: expect_column_values_to_be_in_set, column: qty, value_set: [1, 2, 3], mostly: 0.25}
          - {type: expect_column_values_to_be_null, column: email, severity: warn}
          - {type: expect_column_values_to_be_between, column: amount, min_value: 0}
        """);
    PCollection<CauceRecord> in = p.apply(Create.of(records()).withCoder(Coders.cauceRecord(Schemas.typed(spec))));
    ExpectRows.Out out = ExpectRows.apply(in, spec, "r1");
    // row 4 is rejected (amount -1): its warnings are not a kept record's
    PAssert.that(out.warned().apply("warned", MapElements.into(TypeDescriptors.strings())
        .via(w -> w.getKey().origin().line() + " " + w.getValue().stream().map(v -> v.reason()).toList())))
        .containsInAnyOrder(
            "1 [expect_column_values_to_be_null:email]",
            "2 [expect_column_values_to_not_be_null:email]",
            "3 [expect_column_values_to_be_null:email]",
            "5 [expect_column_values_to_not_be_null:email, expect_column_values_to_be_in_set:qty]");
    p.run().waitUntilFinish();
  }
}
