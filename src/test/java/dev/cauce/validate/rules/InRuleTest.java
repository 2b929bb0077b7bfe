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
import static dev.cauce.validate.rules.RuleTesting.ts;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.SpecException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.Test;

/** The {@code in} rule: its spec keys and its check. */
public class InRuleTest {

  // ---- spec ----

  @Test
  public void inRulesNeedNonEmptyValuesOfTheFieldsType() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: in, field: email, values: []}
          - {name: r2, rule: in, field: email, values: USD}
          - {name: r3, rule: in, field: qty, values: [1, two, 3]}
        """);
    assertProblem(problemAt(e, "validate[0].values"), 13, "needs at least one value");
    assertProblem(problemAt(e, "validate[1].values"), 14, "expected a list of allowed values");
    assertProblem(problemAt(e, "validate[2].values[1]"), 15, "value \"two\" is not an int (field qty is int)");
    assertThat(e.problems().size(), equalTo(3));

    PipelineSpec ok = parse(BASE + "validate:\n  - {name: r, rule: in, field: qty, values: [1, \"2\", 3]}\n");
    assertThat(((InRule) ok.validate().get(0)).values(), equalTo(List.of("1", "2", "3")));
  }

  // ---- check ----

  @Test
  public void inComparesStringsExactlyOrIgnoringCase() {
    RuleSpec r = in("currency_known", "v", false, "USD", "EUR");
    assertThat(passes(FieldType.STRING, r, "USD"), is(true));
    assertThat(passes(FieldType.STRING, r, "usd"), is(false));
    assertThat(passes(FieldType.STRING, r, null), is(true));
    assertThat(passes(FieldType.STRING, in("c", "v", true, "USD", "EUR"), "eur"), is(true));
    Violation e = onlyError(one(FieldType.STRING, r, "XYZ"));
    assertThat(e.rule(), is("in"));
    assertThat(e.message(), is("v \"XYZ\" is not one of [USD, EUR]"));
  }

  @Test
  public void inComparesNumbersByValue() {
    RuleSpec r = in("code", "v", false, "1", "2.50", "0");
    assertThat(passes(FieldType.INT, r, 1), is(true));
    assertThat(passes(FieldType.DECIMAL, r, new BigDecimal("1.0")), is(true));
    assertThat(passes(FieldType.DECIMAL, r, new BigDecimal("2.5")), is(true));
    assertThat(passes(FieldType.DOUBLE, r, 2.5), is(true));
    assertThat(passes(FieldType.DECIMAL, r, new BigDecimal("0.000")), is(true));
    assertThat(passes(FieldType.LONG, r, 3L), is(false));
    assertThat(onlyError(one(FieldType.DECIMAL, r, new BigDecimal("3.10"))).message(), is("v 3.10 is not one of [1, 2.50, 0]"));
  }

  @Test
  public void inOnBooleansAndDates() {
    assertThat(passes(FieldType.BOOLEAN, in("b", "v", false, "TRUE"), true), is(true));
    assertThat(passes(FieldType.BOOLEAN, in("b", "v", false, "true"), false), is(false));
    assertThat(passes(FieldType.DATE, in("d", "v", false, "2024-01-05"), LocalDate.of(2024, 1, 5)), is(true));
    assertThat(passes(FieldType.TIMESTAMP, in("t", "v", false, "2024-01-05T12:00:00+02:00"), ts("2024-01-05T10:00:00Z")), is(true));
  }

  @Test
  public void longValuesAreTruncatedInMessages() {
    Violation e = onlyError(one(FieldType.STRING, in("c", "v", false, "a"), "y".repeat(300)));
    assertThat(e.message(), is("v \"" + "y".repeat(100) + "\"... is not one of [a]"));
  }
}
