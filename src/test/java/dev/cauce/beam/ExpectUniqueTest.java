package dev.cauce.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.expect.ExpectTesting;
import dev.cauce.expect.ExpectationResult;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
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
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * The uniqueness expectations in a pipeline, grouped by value (one group per value) and by hash
 * bucket, on {@link ExpectTesting#rows} (price 1.5, 2.5, 2.5, null, 10.0; b 3, 3, null, 2, null):
 * every record of a repeated value is unexpected, and is rejected or kept with a warning once the
 * whole dataset's counts are known.
 */
@RunWith(Parameterized.class)
public class ExpectUniqueTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Parameters(name = "byKey={0}")
  public static List<Object[]> groupings() {
    return List.of(new Object[] {true}, new Object[] {false});
  }

  @Parameter(0)
  public boolean byKey;

  static final PipelineSpec SPEC = ExpectTesting.spec("""
      expectations:
        - {type: expect_column_values_to_be_unique, column: price, mostly: 0.5}
        - {type: expect_compound_columns_to_be_unique, column_list: [b]}
        - {type: expect_compound_columns_to_be_unique, column_list: [b], ignore_row_if: never, severity: warn, name: b_never}
        - {type: expect_column_values_to_be_unique, column: id}
        - {type: expect_column_values_to_not_be_null, column: email}
      """);

  private static List<CauceRecord> records() {
    List<CauceRecord> out = new ArrayList<>();
    List<Row> rows = ExpectTesting.rows(SPEC);
    for (int i = 0; i < rows.size(); i++) {
      out.add(new CauceRecord(new SourceRecord("in/a.jsonl", i + 1, "{\"line\":" + (i + 1) + "}", null), rows.get(i)));
    }
    Collections.reverse(out); // the order records arrive in does not matter
    return out;
  }

  @Test
  public void everyRecordOfARepeatedValueIsRoutedOnTheWholeDatasetsCounts() {
    PCollection<CauceRecord> in = p.apply(Create.of(records()).withCoder(Coders.cauceRecord(Schemas.typed(SPEC))));
    ExpectRows.Out out = ExpectUnique.apply(in, SPEC, "r1", byKey);
    // rows 1 and 2 repeat b = 3 (failed: rejected); rows 2 and 3 repeat price 2.5 (2 of 4 >= mostly 0.5:
    // a warning); rows 3 and 5 repeat b = null when nulls count (severity warn: a warning)
    PAssert.that(out.kept().apply("ids", MapElements.into(TypeDescriptors.strings())
        .via(r -> r.row().getString("id") + "@" + r.origin().line() + ":" + r.origin().text())))
        .containsInAnyOrder("id3@3:", "id4@4:", "id5@5:");
    PAssert.that(out.rejections().apply("rejections", MapElements.into(TypeDescriptors.strings())
        .via(r -> r.stage() + ":" + r.line() + ":" + r.reason() + ":" + r.raw() + ":" + r.errors().size())))
        .containsInAnyOrder("validate:1:expect_compound_columns_to_be_unique:b:{\"line\":1}:1",
            "validate:2:expect_compound_columns_to_be_unique:b:{\"line\":2}:1");
    PAssert.thatSingleton(out.results()).satisfies(list -> {
      List<String> got = list.results().stream().map(r -> r.index() + " " + r.status() + " "
          + r.result().get("unexpected_count") + "/" + r.result().get("element_count") + " missing "
          + r.result().get("missing_count") + " " + r.result().get("partial_unexpected_list")).toList();
      assertThat(got, equalTo(List.of(
          "0 passed 2/5 missing 1 [2.5, 2.5]",
          "1 failed 2/5 missing 2 [{b=3}, {b=3}]",
          "2 failed 4/5 missing 0 [{b=3}, {b=3}, {b=null}, {b=null}]",
          "3 passed 0/5 missing 0 []")));
      ExpectationResult price = list.results().get(0);
      assertThat(price.result().get("unexpected_percent"), equalTo(50.0));
      assertThat(price.result().get("partial_unexpected_list"), equalTo(List.of(new BigDecimal("2.5"), new BigDecimal("2.5"))));
      assertThat(list.results().get(1).refuses(), equalTo(true));
      assertThat(list.results().get(2).refuses(), equalTo(false));
      return null;
    });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunCounts c = RunCounts.from(result.metrics());
    assertThat(c.rejectedByStage(), equalTo(Map.of("validate", 2L)));
    assertThat(c.violations("expect_compound_columns_to_be_unique:b"), equalTo(2L));
    // warnings of kept records only: row 3's price and b_never, row 5's b_never
    assertThat(c.warnings(), equalTo(Map.of("expect_column_values_to_be_unique:price", 1L, "b_never", 2L)));
  }

  @Test
  public void noRecordsGiveResultsAllPassed() {
    PCollection<CauceRecord> in = p.apply(Create.empty(Coders.cauceRecord(Schemas.typed(SPEC))));
    ExpectRows.Out out = ExpectUnique.apply(in, SPEC, "r1", byKey);
    PAssert.that(out.kept()).empty();
    PAssert.that(out.rejections()).empty();
    PAssert.thatSingleton(out.results()).satisfies(list -> {
      assertThat(list.results().stream().map(r -> r.status() + " " + r.result().get("unexpected_percent")).toList(),
          equalTo(List.of("passed null", "passed null", "passed null", "passed null")));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  public void aRowConditionLeavesTheRecordsItDoesNotKeepOutOfTheGroups() {
    // a: 5, 3, null, 1, 7; b: 3, 3, null, 2, null. a < 4 keeps rows 2 and 4 (b 3 and 2): no repeat, though
    // b = 3 repeats over all rows
    PipelineSpec spec = ExpectTesting.spec("""
        expectations:
          - {type: expect_column_values_to_be_unique, column: b, row_condition: 'col("a")<4'}
        """);
    List<CauceRecord> records = new ArrayList<>();
    List<Row> rows = ExpectTesting.rows(spec);
    for (int i = 0; i < rows.size(); i++) {
      records.add(new CauceRecord(new SourceRecord("in/a.jsonl", i + 1, "x", null), rows.get(i)));
    }
    ExpectRows.Out out = ExpectUnique.apply(p.apply(Create.of(records).withCoder(Coders.cauceRecord(Schemas.typed(spec)))),
        spec, "r1", byKey);
    PAssert.that(out.rejections()).empty();
    PAssert.thatSingleton(out.results()).satisfies(list -> {
      Map<String, Object> r = list.results().get(0).result();
      assertThat(list.results().get(0).status() + " " + r.get("unexpected_count") + "/" + r.get("element_count") + " missing "
          + r.get("missing_count"), equalTo("passed 0/2 missing 0"));
      return null;
    });
    PAssert.that(out.kept().apply("count", MapElements.into(TypeDescriptors.strings()).via(r -> r.row().getString("id"))))
        .containsInAnyOrder("id1", "id2", "id3", "id4", "id5");
    p.run().waitUntilFinish();
  }
}
