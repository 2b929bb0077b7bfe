package dev.cauce.expect;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * Every row expectation type against hand-computed counts on {@link ExpectTesting#rows}: which rows
 * each considers (nulls left out as GX does), which fail, {@code mostly}, and the per-record decision.
 */
public class RowChecksTest {
  static final PipelineSpec SPEC = ExpectTesting.spec("""
      expectations:
        - {type: expect_column_values_to_not_be_null, column: email, mostly: 0.5}
        - {type: expect_column_values_to_be_between, column: amount, min_value: 0, max_value: 500}
        - {type: expect_column_values_to_match_regex, column: email, regex: "@x\\\\.io$"}
        - {type: expect_column_values_to_match_strftime_format, column: day, strftime_format: "%Y-%m-%d", mostly: 0.7}
        - {type: expect_column_pair_values_A_to_be_greater_than_B, column_A: a, column_B: b, or_equal: true}
        - {type: expect_multicolumn_sum_to_equal, column_list: [qty, a], sum_total: 6}
        - {type: expect_column_values_to_be_in_set, column: qty, value_set: [1, 2, 3], mostly: 0.25}
        - {type: expect_column_value_lengths_to_be_between, column: id, min_value: 3, max_value: 3}
        - {type: expect_column_values_to_be_of_type, column: amount, type_: DECIMAL}
        - {type: expect_column_values_to_be_null, column: email, severity: warn}
        - {type: expect_column_values_to_not_be_in_set, column: day, value_set: ["2024-12-01"]}
        - {type: expect_column_values_to_not_match_regex, column: email, regex: "^c"}
        - {type: expect_column_values_to_be_in_type_list, column: qty, type_list: [str, float64]}
        - {type: expect_column_pair_values_to_be_equal, column_A: a, column_B: b, ignore_row_if: either_value_is_missing}
        - {type: expect_column_values_to_be_between, column: price, min_value: 1.5, strict_min: true, mostly: 0.6}
        - {type: expect_table_row_count_to_equal, value: 5}
      """);

  record Counts(long considered, long unexpected, boolean success) {}

  private static RowTally tally(RowChecks c, List<Row> rows, List<List<Integer>> failed) {
    RowTally t = new RowTally(c.size());
    for (int i = 0; i < rows.size(); i++) {
      List<Integer> f = c.evaluate(rows.get(i), "in/a.jsonl", i + 1, t);
      failed.add(f == null ? List.of() : f);
    }
    return t;
  }

  private static BigDecimal mostly(RowChecks c, int i) {
    Object m = c.spec(i).kwargs().get("mostly");
    return m == null ? BigDecimal.ONE : (BigDecimal) m;
  }

  @Test
  public void eachRowTypeCountsWhatGxWouldCount() {
    RowChecks c = RowChecks.of(SPEC.expectations(), SPEC.schema(), ZoneOffset.UTC);
    assertThat(c.size(), equalTo(15)); // the table expectation is not a row check
    List<List<Integer>> failed = new ArrayList<>();
    RowTally t = tally(c, ExpectTesting.rows(SPEC), failed);
    List<Counts> expected = List.of(
        new Counts(5, 2, true), // 0 not null email: rows 2, 5 null; 3 of 5 >= 0.5
        new Counts(4, 2, false), // 1 amount in [0, 500]: 600 and -1; the null left out
        new Counts(3, 1, false), // 2 email matches @x.io$ (searched): "bad"
        new Counts(4, 2, false), // 3 day %Y-%m-%d: 2024-02-30 (no such day), 31/01/2024; 2 of 4 < 0.7
        new Counts(4, 2, false), // 4 a >= b: row 3 (both null) left out; 1 < 2; b null fails
        new Counts(4, 3, false), // 5 qty + a = 6: row 3 (all null) left out; 5, 5 and 12
        new Counts(4, 2, true), // 6 qty in {1,2,3}: 4 and 5; 2 of 4 >= 0.25
        new Counts(5, 0, true), // 7 id length 3
        new Counts(4, 0, true), // 8 amount is DECIMAL
        new Counts(5, 3, false), // 9 email null (warn): 3 have one
        new Counts(4, 1, false), // 10 day not 2024-12-01
        new Counts(3, 1, false), // 11 email not matching ^c: c@x.io
        new Counts(4, 4, false), // 12 qty (int) is neither str nor float64
        new Counts(3, 2, false), // 13 a == b, rows with a null left out: 5/3 and 1/2 differ
        new Counts(4, 1, true)); // 14 price > 1.5 (strict): 1.5 fails; 3 of 4 >= 0.6
    List<Counts> actual = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      actual.add(new Counts(t.considered(i), t.unexpected(i), t.success(i, mostly(c, i))));
    }
    assertThat(actual, equalTo(expected));
    assertThat(t.rows(), equalTo(5L));
    assertThat(failed, equalTo(List.of(
        List.of(9, 12, 13, 14), List.of(0, 3, 5, 12), List.of(1, 2, 3, 9), List.of(1, 4, 5, 6, 9, 11, 12, 13),
        List.of(0, 4, 5, 6, 10, 12))));
  }

  @Test
  public void resultsHaveGxsShape() {
    RowChecks c = RowChecks.of(SPEC.expectations(), SPEC.schema(), ZoneOffset.UTC);
    RowTally t = tally(c, ExpectTesting.rows(SPEC), new ArrayList<>());
    List<ExpectationResult> results = c.results(t);
    ExpectationResult between = results.get(1);
    assertThat(between.index(), equalTo(1));
    assertThat(between.success(), equalTo(false));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("element_count", 5L);
    r.put("unexpected_count", 2L);
    r.put("unexpected_percent", 50.0);
    r.put("partial_unexpected_list", List.of(new BigDecimal("600"), new BigDecimal("-1")));
    r.put("missing_count", 1L);
    r.put("missing_percent", 20.0);
    r.put("unexpected_percent_total", 40.0);
    r.put("unexpected_percent_nonmissing", 50.0);
    assertThat(between.result(), equalTo(r));
    assertThat(results.get(0).result().get("partial_unexpected_list"), equalTo(Arrays.asList(null, null)));
    assertThat(results.get(4).result().get("partial_unexpected_list"), equalTo(List.of(List.of(BigDecimal.ONE, new BigDecimal("2")), Arrays.asList(new BigDecimal("7"), null))));
    Map<String, Object> sum = new LinkedHashMap<>();
    sum.put("qty", new BigDecimal("2"));
    sum.put("a", new BigDecimal("3"));
    assertThat(((List<?>) results.get(5).result().get("partial_unexpected_list")).get(0), equalTo(sum));
    assertThat(results.get(14).index(), equalTo(14));
    assertThat(results.get(14).toGx().get("success"), equalTo(true));
  }

  @Test
  public void aFailureRejectsOnlyWhenItsExpectationFailedOverall() {
    PipelineSpec spec = ExpectTesting.spec("""
        expectations:
          - {type: expect_column_values_to_not_be_null, column: email, mostly: 0.5}
          - {type: expect_column_values_to_be_in_set, column: qty, value_set: [1, 2, 3], mostly: 0.25}
          - {type: expect_column_values_to_be_null, column: email, severity: warn}
          - {type: expect_column_values_to_be_between, column: amount, min_value: 0}
        """);
    RowChecks c = RowChecks.of(spec.expectations(), spec.schema(), ZoneOffset.UTC);
    List<List<Integer>> failed = new ArrayList<>();
    List<Row> rows = ExpectTesting.rows(spec);
    RowTally t = tally(c, rows, failed);
    List<String> decisions = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      RowChecks.Decision d = c.decide(rows.get(i), failed.get(i), t);
      decisions.add(d.errors().stream().map(Violation::reason).toList() + " " + d.warnings().stream().map(Violation::reason).toList());
    }
    assertThat(decisions, equalTo(List.of(
        "[] [expect_column_values_to_be_null:email]",
        "[] [expect_column_values_to_not_be_null:email]",
        "[] [expect_column_values_to_be_null:email]",
        "[expect_column_values_to_be_between:amount] [expect_column_values_to_be_in_set:qty, expect_column_values_to_be_null:email]",
        "[] [expect_column_values_to_not_be_null:email, expect_column_values_to_be_in_set:qty]")));
    Violation v = c.decide(rows.get(3), failed.get(3), t).errors().get(0);
    assertThat(v, equalTo(new Violation("expect_column_values_to_be_between:amount", "expect_column_values_to_be_between", "amount",
        "amount -1 does not meet expect_column_values_to_be_between {min_value=0}")));
  }

  @Test
  public void onNoRecordsEveryRowExpectationSucceedsWithNullPercents() {
    RowChecks c = RowChecks.of(SPEC.expectations(), SPEC.schema(), ZoneOffset.UTC);
    RowTally t = new RowTally(c.size());
    for (ExpectationResult r : c.results(t)) {
      assertThat(r.id(), r.success(), equalTo(true));
      assertThat(r.result().get("element_count"), equalTo(0L));
      assertThat(r.result().get("unexpected_percent"), equalTo(null));
    }
  }

  @Test
  public void mostlyIsExactAtTheBoundary() {
    assertThat(RowTally.mostly(10, 1, new BigDecimal("0.9")), equalTo(true));
    assertThat(RowTally.mostly(10, 2, new BigDecimal("0.9")), equalTo(false));
    assertThat(RowTally.mostly(3, 1, new BigDecimal("0.6666666")), equalTo(true));
    assertThat(RowTally.mostly(0, 0, BigDecimal.ONE), equalTo(true));
  }

  @Test
  public void partialListsKeepTheFirstTwentyBySourceAndLineWhateverTheMergeOrder() {
    PipelineSpec spec = ExpectTesting.spec("""
        expectations:
          - {type: expect_column_values_to_be_null, column: qty}
        """);
    RowChecks c = RowChecks.of(spec.expectations(), spec.schema(), ZoneOffset.UTC);
    Row row = ExpectTesting.rows(spec).get(0);
    RowTally a = new RowTally(1);
    RowTally b = new RowTally(1);
    for (int line = 30; line >= 1; line--) {
      c.evaluate(row, line % 2 == 0 ? "in/b.jsonl" : "in/a.jsonl", line, line > 15 ? a : b);
    }
    RowTally ab = new RowTally(1).merge(a).merge(b);
    RowTally ba = new RowTally(1).merge(b).merge(a);
    List<String> order = ab.partial(0).stream().map(p -> p.source() + ":" + p.line()).toList();
    assertThat(order.size(), equalTo(20));
    assertThat(order.get(0), equalTo("in/a.jsonl:1"));
    assertThat(order.get(14), equalTo("in/a.jsonl:29"));
    assertThat(order.get(15), equalTo("in/b.jsonl:2"));
    assertThat(ba.partial(0), equalTo(ab.partial(0)));
    assertThat(ab.unexpected(0), equalTo(30L));
  }

  /**
   * GX's row_condition: records it does not keep are not evaluated, nor counted in element_count
   * (qty: 1, 2, null, 4, 5; amount 10.00, 20.50, 600, -1, null; email a@x.io, null, bad, c@x.io, null;
   * day null in row 4).
   */
  @Test
  public void aRowConditionLeavesOutTheRecordsItDoesNotKeep() {
    PipelineSpec spec = ExpectTesting.spec("""
        expectations:
          - {type: expect_column_values_to_be_between, column: amount, min_value: 0, max_value: 500, row_condition: 'col("qty")>1', condition_parser: great_expectations}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'qty>=4 | id=="id1"', condition_parser: pandas}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'col("day").notNull() & ~(col("id")=="id5")'}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'qty == 2 || is_null(qty)', condition_parser: cauce}
        """);
    RowChecks c = RowChecks.of(spec.expectations(), spec.schema(), ZoneOffset.UTC);
    List<List<Integer>> failed = new ArrayList<>();
    RowTally t = tally(c, ExpectTesting.rows(spec), failed);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      got.add(t.elements(i) + " " + t.considered(i) + " " + t.unexpected(i) + " " + t.result(i).get("missing_count"));
    }
    assertThat(got, equalTo(List.of(
        "3 2 1 1", // qty 2, 4, 5 (null qty is no match): amount 20.50, -1 fails, null missing
        "3 3 1 0", // rows 1, 4, 5: row 5's email is null
        "3 3 1 0", // day not null and not id5: rows 1, 2, 3; row 2's email is null
        "2 2 1 0"))); // qty 2 or null: rows 2 and 3 (null, "bad" is not null: only row 2 fails)
    assertThat(failed, equalTo(List.of(List.of(), List.of(2, 3), List.of(), List.of(0), List.of(1))));
  }
}
