package dev.cauce.expect;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.cauce.coders.Schemas;
import dev.cauce.spec.PipelineSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * Past {@code exact_limit} values a median or quantile is read from a {@link LogSketch}: within 1%
 * (relative) of the exact figure, the same however the values are split and merged, and said so in
 * the result; distinct values past the limit stop with a clear error.
 */
public class ApproximateTest {
  static final PipelineSpec SPEC = ExpectTesting.specWith("""
      schema:
        - {name: v, type: decimal}
        - {name: w, type: string}
      expectations_exact_limit: 4
      expectations:
        - {type: expect_column_median_to_be_between, column: v, min_value: 5, max_value: 6}
        - type: expect_column_quantile_values_to_be_between
          column: v
          quantile_ranges: {quantiles: [0, 0.5, 1], value_ranges: [[0.9, 1.1], [4.9, 5.1], [-1000, 0]]}
        - {type: expect_column_median_to_be_between, column: v, min_value: 5, max_value: 6, exact_limit: 100}
        - {type: expect_column_unique_value_count_to_be_between, column: v, min_value: 1, exact_limit: 20}
        - {type: expect_column_distinct_values_to_be_in_set, column: w, value_set: [a], exact_limit: 2}
      """);

  /** 1, 2, ..., 10 and -3 (11 values: exact median 5, quantiles 0/0.5/1 = -3, 5, 10). */
  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      rows.add(Row.withSchema(Schemas.typed(SPEC)).addValues(BigDecimal.valueOf(i), i <= 2 ? "a" : null).build());
    }
    rows.add(Row.withSchema(Schemas.typed(SPEC)).addValues(BigDecimal.valueOf(-3), null).build());
    return rows;
  }

  private static List<ExpectationResult> run(List<Row> rows, int parts) throws Exception {
    return run(SPEC, rows, parts);
  }

  private static List<ExpectationResult> run(PipelineSpec spec, List<Row> rows, int parts) throws Exception {
    Aggregates a = Aggregates.of(spec.expectations(), spec.schema(), ZoneOffset.UTC);
    List<Profile> ps = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      ps.add(a.profile());
    }
    for (int i = 0; i < rows.size(); i++) {
      a.add(ps.get(i % parts), rows.get(i));
    }
    Profile all = a.profile();
    for (Profile p : ps) { // through the coder's compact form, as between workers
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.write(new DataOutputStream(out));
      all.merge(Profile.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray()))));
    }
    return a.results(all);
  }

  @Test
  public void pastTheLimitAMedianIsWithinOnePercentAndSaysSo() throws Exception {
    List<ExpectationResult> r = run(rows(), 1);
    // the smallest limit of the column's expectations applies to the column: 4, so all are sketched
    BigDecimal median = (BigDecimal) r.get(0).result().get("observed_value");
    assertThat(median, equalTo(new BigDecimal("5.00283"))); // 2γ^81/(γ+1), γ = 1.01/0.99: 5 lies in (γ^80, γ^81]
    assertThat(median.subtract(BigDecimal.valueOf(5)).abs().doubleValue(), lessThanOrEqualTo(0.05));
    assertThat(r.get(0).success(), equalTo(true));
    Map<?, ?> details = (Map<?, ?>) r.get(0).result().get("details");
    assertThat(details.get("approximate"), equalTo(true));
    assertThat(details.get("relative_error"), equalTo(0.01));
    assertThat(details.get("exact_limit"), equalTo(4L));
    assertThat(r.get(0).note(), equalTo("approximate: 11 values > exact_limit 4; each value is within 1% (relative) of the"
        + " exact one, and success is judged on it"));
    assertThat(String.valueOf(r.get(0).observed()), equalTo("5.00283 (approximate: within 0.01 relative)"));

    @SuppressWarnings("unchecked")
    List<Object> q = (List<Object>) ((Map<String, Object>) r.get(1).result().get("observed_value")).get("values");
    assertThat(q, equalTo(List.of(new BigDecimal("-2.974233"), new BigDecimal("5.00283"), new BigDecimal("10.0747"))));
    BigDecimal[] exact = {BigDecimal.valueOf(-3), BigDecimal.valueOf(5), BigDecimal.valueOf(10)};
    for (int i = 0; i < 3; i++) {
      BigDecimal err = ((BigDecimal) q.get(i)).subtract(exact[i]).abs().divide(exact[i].abs(), MathContext.DECIMAL64);
      assertThat(err.doubleValue(), lessThanOrEqualTo(0.01));
    }
    assertThat(((Map<?, ?>) r.get(1).result().get("details")).get("success_details"), equalTo(List.of(false, true, false)));
    assertThat(r.get(1).success(), equalTo(false));
  }

  @Test
  public void theSketchGivesTheSameFiguresHoweverTheValuesAreSplit() throws Exception {
    List<ExpectationResult> whole = run(rows(), 1);
    assertThat(run(rows(), 2), equalTo(whole));
    assertThat(run(rows(), 3), equalTo(whole));
    assertThat(run(rows(), 11), equalTo(whole)); // every part under the limit: sketched only on merging
  }

  @Test
  public void underTheLimitFiguresStayExact() throws Exception {
    List<ExpectationResult> r = run(rows().subList(0, 4), 2); // 1, 2, 3, 4
    assertThat(r.get(0).result().get("observed_value"), equalTo(new BigDecimal("2.5")));
    assertThat(r.get(0).result().containsKey("details"), equalTo(false));
    assertThat(r.get(0).note(), equalTo(null));
  }

  @Test
  public void tooManyDistinctValuesStopWithAClearError() {
    List<Row> rows = rows();
    rows.add(Row.withSchema(Schemas.typed(SPEC)).addValues(BigDecimal.ONE, "b").build());
    rows.add(Row.withSchema(Schemas.typed(SPEC)).addValues(BigDecimal.ONE, "c").build()); // a, b, c: 3 > 2
    IllegalStateException e = null;
    try {
      run(rows, 2);
    } catch (Exception x) {
      e = (IllegalStateException) x;
    }
    assertThat(String.valueOf(e), containsString("expectation expect_column_distinct_values_to_be_in_set:w: more than 2"
        + " distinct values"));
    assertThat(e.getMessage(), containsString("Raise expectations_exact_limit (or the expectation's exact_limit)"));
  }

  @Test
  public void pastTheLimitAUniqueCountIsAHyperLogLogEstimateTheSameHoweverSplit() throws Exception {
    PipelineSpec spec = ExpectTesting.specWith("""
        schema:
          - {name: v, type: long}
        expectations:
          - {type: expect_column_unique_value_count_to_be_between, column: v, min_value: 9700, max_value: 10300, exact_limit: 100}
          - {type: expect_column_proportion_of_unique_values_to_be_between, column: v, min_value: 0.45, max_value: 0.55}
        """);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 20_000; i++) { // 10,000 distinct values, each twice
      rows.add(Row.withSchema(Schemas.typed(spec)).addValues(i % 10_000).build());
    }
    List<ExpectationResult> r = run(spec, rows, 1);
    long estimate = (Long) r.get(0).result().get("observed_value");
    assertThat(estimate, equalTo(10002L));
    assertThat(Math.abs(estimate - 10_000) / 10_000.0, lessThanOrEqualTo(3 * DistinctSketch.RELATIVE_STANDARD_ERROR));
    assertThat(r.get(0).success(), equalTo(true));
    assertThat(r.get(1).result().get("observed_value"), equalTo(new BigDecimal("0.5001")));
    assertThat(((Map<?, ?>) r.get(0).result().get("details")).get("method"), equalTo("HyperLogLog (2^14 registers)"));
    assertThat(String.valueOf(r.get(0).observed()), equalTo("10002 (approximate: relative standard error 0.0081)"));
    assertThat(run(spec, rows, 3), equalTo(r));
    assertThat(run(spec, rows, 400), equalTo(r)); // parts of 50 values, each under the limit: sketched on merging
  }
}
