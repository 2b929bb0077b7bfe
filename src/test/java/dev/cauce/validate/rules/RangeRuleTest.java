package dev.cauce.validate.rules;

import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static dev.cauce.validate.rules.RuleTesting.in;
import static dev.cauce.validate.rules.RuleTesting.one;
import static dev.cauce.validate.rules.RuleTesting.onlyError;
import static dev.cauce.validate.rules.RuleTesting.passes;
import static dev.cauce.validate.rules.RuleTesting.range;
import static dev.cauce.validate.rules.RuleTesting.run;
import static dev.cauce.validate.rules.RuleTesting.ts;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.SpecException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.Test;

/** The {@code range} rule: its spec keys and its check. */
public class RangeRuleTest {

  // ---- spec ----

  @Test
  public void rangeRulesNeedANumericOrTemporalFieldAndBoundsOfItsType() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: range, field: email, min: 1}
          - {name: r2, rule: range, field: amount, min: ten, max: 20}
          - {name: r3, rule: range, field: ordered_on, min: "01/01/2020"}
          - {name: r4, rule: range, field: updated_at, min: "01/01/2020 10:00"}
          - {name: r5, rule: range, field: qty}
        """);
    assertProblem(problemAt(e, "validate[0].field"), 13, "a range rule needs a numeric, date or timestamp field; email is string");
    assertProblem(problemAt(e, "validate[1].min"), 14, "min \"ten\" is not a number");
    assertProblem(problemAt(e, "validate[2].min"), 15, "is not an ISO date (yyyy-MM-dd)");
    assertProblem(problemAt(e, "validate[3].min"), 16, "is not an ISO timestamp");
    assertProblem(problemAt(e, "validate[4]"), 17, "a range rule needs min, max or both");
    assertThat(e.problems().size(), equalTo(5));
  }

  @Test
  public void rangeMinMustNotExceedMax() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: range, field: amount, min: 10.5, max: 2}
          - {name: r2, rule: range, field: ordered_on, min: 2021-01-01, max: 2020-12-31}
          - name: r3
            rule: range
            field: updated_at
            min: "2024-01-01T12:00:00Z"
            max: "2024-01-01T11:00:00"
          - {name: r4, rule: range, field: qty, min: 5, max: 5.0, max_inclusive: false}
        """);
    assertProblem(problemAt(e, "validate[0].max"), 13, "max 2 is less than min 10.5");
    assertProblem(problemAt(e, "validate[1].max"), 14, "max 2020-12-31 is less than min 2021-01-01");
    assertProblem(problemAt(e, "validate[2].max"), 19, "is less than min");
    assertProblem(problemAt(e, "validate[3].max"), 20, "the range is empty");
    assertThat(e.problems().size(), equalTo(4));

    PipelineSpec ok = parse(BASE + """
        validate:
          - {name: r1, rule: range, field: updated_at, min: "2024-01-01T00:00:00Z", max: "2024-01-01T00:00:00"}
          - {name: r2, rule: range, field: qty, min: -5, max: 5}
        """);
    assertThat(((RangeRule) ok.validate().get(0)).max(), equalTo("2024-01-01T00:00:00"));
    assertThat(((RangeRule) ok.validate().get(1)).min(), equalTo("-5"));
  }

  // ---- check ----

  @Test
  public void rangeOnIntsWithInclusiveAndExclusiveBounds() {
    RuleSpec inclusive = range("r", "v", "0", "10");
    assertThat(passes(FieldType.INT, inclusive, 0), is(true));
    assertThat(passes(FieldType.INT, inclusive, 10), is(true));
    assertThat(passes(FieldType.INT, inclusive, -1), is(false));
    assertThat(passes(FieldType.INT, inclusive, 11), is(false));
    RuleSpec exclusive = range("r", "v", "0", "10", false, false);
    assertThat(passes(FieldType.INT, exclusive, 0), is(false));
    assertThat(passes(FieldType.INT, exclusive, 10), is(false));
    assertThat(passes(FieldType.INT, exclusive, 5), is(true));
    assertThat(passes(FieldType.INT, exclusive, null), is(true));
    assertThat(onlyError(one(FieldType.INT, exclusive, 10)).message(), is("v must be < 10, was 10"));
    assertThat(onlyError(one(FieldType.INT, inclusive, 11)).message(), is("v must be <= 10, was 11"));
  }

  @Test
  public void rangeOnDecimalsComparesByValue() {
    List<FieldSpec> schema = List.of(field("amount", FieldType.DECIMAL));
    List<RuleSpec> rules = List.of(range("amount_positive", "amount", "0", "10000", false, true));
    Violation e = onlyError(run(schema, rules, new BigDecimal("-5.00")));
    assertThat(e.reason(), is("amount_positive"));
    assertThat(e.rule(), is("range"));
    assertThat(e.field(), is("amount"));
    assertThat(e.message(), is("amount must be > 0, was -5.00"));
    assertThat(run(schema, rules, new BigDecimal("0.00")).isValid(), is(false));
    assertThat(run(schema, rules, new BigDecimal("0.01")).isValid(), is(true));
    assertThat(run(schema, rules, new BigDecimal("10000.000")).isValid(), is(true));
    assertThat(run(schema, rules, new BigDecimal("10000.001")).isValid(), is(false));
  }

  @Test
  public void fractionalBoundsOnIntAndLongAndDoubleFields() {
    RuleSpec r = range("r", "v", "0.5", "2.5");
    assertThat(passes(FieldType.INT, r, 0), is(false));
    assertThat(passes(FieldType.INT, r, 1), is(true));
    assertThat(passes(FieldType.LONG, r, 3L), is(false));
    assertThat(passes(FieldType.DOUBLE, r, 0.5), is(true));
    assertThat(passes(FieldType.DOUBLE, r, 0.49999), is(false));
    assertThat(passes(FieldType.DOUBLE, range("r", "v", "0.1", null), 0.1), is(true));
    assertThat(passes(FieldType.DOUBLE, r, Double.NaN), is(false));
    assertThat(passes(FieldType.LONG, range("r", "v", null, "9223372036854775806"), Long.MAX_VALUE), is(false));
  }

  @Test
  public void rangeOnDates() {
    RuleSpec r = range("in_2024", "v", "2024-01-01", "2024-12-31");
    assertThat(passes(FieldType.DATE, r, LocalDate.of(2024, 1, 1)), is(true));
    assertThat(passes(FieldType.DATE, r, LocalDate.of(2024, 12, 31)), is(true));
    assertThat(onlyError(one(FieldType.DATE, r, LocalDate.of(2023, 12, 31))).message(),
        is("v must be >= 2024-01-01, was 2023-12-31"));
    assertThat(passes(FieldType.DATE, r, LocalDate.of(2025, 1, 1)), is(false));
  }

  @Test
  public void rangeOnTimestamps() {
    RuleSpec r = range("recent", "v", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00+02:00", true, false);
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2024-01-01T00:00:00Z")), is(true));
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2023-12-31T23:59:59.999Z")), is(false));
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2024-01-01T21:59:59.999Z")), is(true));
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2024-01-01T22:00:00Z")), is(false));
    // a bound without offset is read in clean.timezone (UTC here)
    assertThat(passes(FieldType.TIMESTAMP, range("r", "v", "2024-01-01 00:00:00", null), ts("2023-12-31T23:00:00Z")), is(false));
  }

  @Test
  public void invalidRangesAreRefusedAtCreate() {
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.STRING, range("r", "v", "a", "b"), "x"));
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.INT, range("r", "v", "ten", null), 1));
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.DATE, range("r", "v", "01/01/2024", null), null));
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.INT, range("r", "missing", "0", null), 1));
  }
}
