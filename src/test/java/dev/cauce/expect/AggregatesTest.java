package dev.cauce.expect;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.coders.Schemas;
import dev.cauce.spec.PipelineSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * Every dataset expectation type against figures computed by hand on {@link ExpectTesting#rows}
 * (amount: 10.00, 20.50, 600, -1 and a null; price: 1.5, 2.5, 2.5, 10.0 and a null; qty: 1, 2, 4,
 * 5 and a null), on empty input, and merged from parts in any order.
 */
public class AggregatesTest {
  static final PipelineSpec SPEC = ExpectTesting.spec("""
      expectations:
        - {type: expect_table_row_count_to_be_between, min_value: 1, max_value: 5}
        - {type: expect_table_row_count_to_be_between, min_value: 5, strict_min: true}
        - {type: expect_table_row_count_to_equal, value: 5}
        - {type: expect_table_columns_to_match_ordered_list, column_list: [id, email, amount, qty, a, b, day, price]}
        - {type: expect_table_columns_to_match_ordered_list, column_list: [email, id, amount, qty, a, b, day, price]}
        - {type: expect_table_columns_to_match_set, column_set: [price, day, b, a, qty, amount, email, id]}
        - {type: expect_table_columns_to_match_set, column_set: [id, email], exact_match: false}
        - {type: expect_table_columns_to_match_set, column_set: [id, email]}
        - {type: expect_column_to_exist, column: day}
        - {type: expect_column_to_exist, column: missing_col}
        - {type: expect_column_to_exist, column: qty, column_index: 3}
        - {type: expect_column_min_to_be_between, column: amount, min_value: -1, max_value: 0}
        - {type: expect_column_max_to_be_between, column: amount, max_value: 500}
        - {type: expect_column_mean_to_be_between, column: amount, min_value: 157, max_value: 158}
        - {type: expect_column_median_to_be_between, column: amount, min_value: 15.25, max_value: 15.25}
        - {type: expect_column_sum_to_be_between, column: amount, min_value: 629.5, max_value: 629.5}
        - {type: expect_column_stdev_to_be_between, column: amount, min_value: 295.2, max_value: 295.3}
        - {type: expect_column_unique_value_count_to_be_between, column: price, min_value: 3, max_value: 3}
        - {type: expect_column_proportion_of_unique_values_to_be_between, column: price, min_value: 0.8}
        - {type: expect_column_distinct_values_to_be_in_set, column: qty, value_set: [1, 2, 3, 4, 5, 6]}
        - {type: expect_column_distinct_values_to_contain_set, column: qty, value_set: [1, 9]}
        - {type: expect_column_distinct_values_to_equal_set, column: qty, value_set: [1, 2, 4, 5]}
        - {type: expect_column_most_common_value_to_be_in_set, column: price, value_set: [2.5]}
        - {type: expect_column_most_common_value_to_be_in_set, column: qty, value_set: [1]}
        - {type: expect_column_most_common_value_to_be_in_set, column: qty, value_set: [1], ties_okay: true}
        - type: expect_column_quantile_values_to_be_between
          column: amount
          quantile_ranges: {quantiles: [0, 0.25, 0.5, 0.75, 1], value_ranges: [[-1, -1], [10, 10], [20.5, 20.5], [20.5, 20.5], [600, 600]]}
        - type: expect_column_quantile_values_to_be_between
          column: amount
          quantile_ranges: {quantiles: [0.5], value_ranges: [[15, 16]]}
          allow_relative_error: linear
        - {type: expect_column_values_to_not_be_null, column: email}
      """);

  private static List<ExpectationResult> run(List<Row> rows, int parts) {
    Aggregates a = Aggregates.of(SPEC.expectations(), SPEC.schema(), ZoneOffset.UTC);
    List<Profile> ps = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      ps.add(a.profile());
    }
    for (int i = 0; i < rows.size(); i++) {
      a.add(ps.get(i % parts), rows.get(i));
    }
    Profile all = a.profile();
    for (int i = ps.size() - 1; i >= 0; i--) {
      all.merge(ps.get(i));
    }
    return a.results(all);
  }

  @Test
  public void eachDatasetTypeMatchesTheHandComputedFigures() {
    List<ExpectationResult> r = run(ExpectTesting.rows(SPEC), 1);
    assertThat(r.size(), equalTo(27)); // the row expectation is not a dataset one
    assertThat(r.stream().map(ExpectationResult::success).toList(), equalTo(List.of(
        true, false, true, true, false, true, true, false, true, false, true, true, false, true, true, true, true, true,
        false, true, false, true, true, false, true, true, true)));
    assertThat(observed(r, 0), equalTo(5L));
    assertThat(observed(r, 3), equalTo(List.of("id", "email", "amount", "qty", "a", "b", "day", "price")));
    assertThat(observed(r, 11), equalTo(new BigDecimal("-1")));
    assertThat(observed(r, 12), equalTo(new BigDecimal("600")));
    assertThat(observed(r, 13), equalTo(new BigDecimal("157.375")));
    assertThat(observed(r, 14), equalTo(new BigDecimal("15.25")));
    assertThat(observed(r, 15), equalTo(new BigDecimal("629.5")));
    assertThat(observed(r, 16), equalTo(new BigDecimal("295.2138702138954")));
    assertThat(observed(r, 17), equalTo(3L));
    assertThat(observed(r, 18), equalTo(new BigDecimal("0.75")));
    assertThat(observed(r, 19), equalTo(List.of(new BigDecimal("1"), new BigDecimal("2"), new BigDecimal("4"), new BigDecimal("5"))));
    assertThat(observed(r, 22), equalTo(List.of(new BigDecimal("2.5"))));
    assertThat(observed(r, 23), equalTo(List.of(new BigDecimal("1"), new BigDecimal("2"), new BigDecimal("4"), new BigDecimal("5"))));
    assertThat(observed(r, 25), equalTo(Map.of("quantiles", List.of(BigDecimal.ZERO, new BigDecimal("0.25"), new BigDecimal("0.5"),
        new BigDecimal("0.75"), BigDecimal.ONE), "values", List.of(new BigDecimal("-1"), new BigDecimal("10"), new BigDecimal("20.5"),
        new BigDecimal("20.5"), new BigDecimal("600")))));
    assertThat(((Map<?, ?>) observed(r, 26)).get("values"), equalTo(List.of(new BigDecimal("15.25"))));
    assertThat(r.get(26).index(), equalTo(26));
  }

  @Test
  public void partsMergeToTheSameFiguresInAnyOrder() {
    List<ExpectationResult> whole = run(ExpectTesting.rows(SPEC), 1);
    assertThat(run(ExpectTesting.rows(SPEC), 2), equalTo(whole));
    assertThat(run(ExpectTesting.rows(SPEC), 5), equalTo(whole));
  }

  @Test
  public void onNoRecordsFiguresAreEmptyAndBoundedOnesFail() {
    List<ExpectationResult> r = run(List.of(), 1);
    assertThat(observed(r, 0), equalTo(0L));
    assertThat(r.get(0).success(), equalTo(false)); // row count 0 < 1
    assertThat(r.get(8).success(), equalTo(true)); // the column exists
    assertThat(observed(r, 11), equalTo(null));
    assertThat(r.get(11).success(), equalTo(false)); // no minimum: a bounded figure fails
    assertThat(observed(r, 15), equalTo(BigDecimal.ZERO)); // the sum of nothing
    assertThat(observed(r, 19), equalTo(List.of()));
    assertThat(r.get(19).success(), equalTo(true)); // no value is outside the set
    assertThat(r.get(25).success(), equalTo(false));
  }

  @Test
  public void quantilesFollowNumpysInterpolations() {
    List<BigDecimal> v = List.of(new BigDecimal("1"), new BigDecimal("2"), new BigDecimal("3"), new BigDecimal("4"));
    BigDecimal q = new BigDecimal("0.5"); // position 1.5
    assertThat(Aggregates.quantile(v, q, "nearest"), equalTo(new BigDecimal("3"))); // half to even: 2
    assertThat(Aggregates.quantile(v, q, "lower"), equalTo(new BigDecimal("2")));
    assertThat(Aggregates.quantile(v, q, "higher"), equalTo(new BigDecimal("3")));
    assertThat(Aggregates.quantile(v, q, "midpoint"), equalTo(new BigDecimal("2.5")));
    assertThat(Aggregates.quantile(v, new BigDecimal("0.1"), "linear"), equalTo(new BigDecimal("1.3")));
    assertThat(Aggregates.quantile(v, new BigDecimal("0.25"), "nearest"), equalTo(new BigDecimal("2"))); // 0.75 rounds to 1
  }

  @Test
  public void aProfileReadsBackEqualFromItsCompactForm() throws Exception {
    Aggregates a = Aggregates.of(SPEC.expectations(), SPEC.schema(), ZoneOffset.UTC);
    Profile p = a.profile();
    ExpectTesting.rows(SPEC).forEach(r -> a.add(p, r));
    assertThat(a.results(roundTrip(p)), equalTo(a.results(p)));

    PipelineSpec typed = ExpectTesting.specWith("""
        schema:
          - {name: day, type: date}
          - {name: at, type: timestamp}
          - {name: ok, type: boolean}
          - {name: big, type: decimal}
        expectations:
          - {type: expect_column_distinct_values_to_equal_set, column: day, value_set: ["2024-01-31"]}
          - {type: expect_column_max_to_be_between, column: at, max_value: "2024-01-01T00:00:00Z"}
          - {type: expect_column_distinct_values_to_be_in_set, column: ok, value_set: [true]}
          - {type: expect_column_median_to_be_between, column: big, min_value: 0}
        """);
    Aggregates b = Aggregates.of(typed.expectations(), typed.schema(), ZoneOffset.UTC);
    Profile q = b.profile();
    b.add(q, Row.withSchema(Schemas.typed(typed)).addValues(LocalDate.of(2024, 1, 31),
        new org.joda.time.Instant(1_700_000_000_123L), true, new BigDecimal("123456789012345678901234567890.5")).build());
    b.add(q, Row.withSchema(Schemas.typed(typed)).addValues(null, null, false, null).build());
    assertThat(b.results(roundTrip(q)), equalTo(b.results(q)));
    assertThat(b.results(q).get(1).result().get("observed_value"), equalTo("2023-11-14T22:13:20.123Z"));
    assertThat(b.results(q).get(2).success(), equalTo(false)); // false is not in [true]
  }

  private static Profile roundTrip(Profile p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.write(new DataOutputStream(out));
    return Profile.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
  }

  private static Object observed(List<ExpectationResult> r, int i) {
    return r.get(i).result().get("observed_value");
  }
}
