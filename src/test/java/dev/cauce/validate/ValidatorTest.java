package dev.cauce.validate;

import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.clean.TestSpecs.required;
import static dev.cauce.validate.rules.RuleTesting.in;
import static dev.cauce.validate.rules.RuleTesting.length;
import static dev.cauce.validate.rules.RuleTesting.one;
import static dev.cauce.validate.rules.RuleTesting.onlyError;
import static dev.cauce.validate.rules.RuleTesting.range;
import static dev.cauce.validate.rules.RuleTesting.regex;
import static dev.cauce.validate.rules.RuleTesting.run;
import static dev.cauce.validate.rules.RuleTesting.warn;
import static dev.cauce.validate.rules.RuleTesting.withMessage;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import java.math.BigDecimal;
import java.util.List;
import org.junit.Test;

public class ValidatorTest {

  // ---- required / not_null ----

  @Test
  public void requiredFieldsGetAnImplicitNotNullRuleCheckedFirst() {
    List<FieldSpec> schema = List.of(required("email", FieldType.STRING), field("amount", FieldType.INT));
    List<RuleSpec> rules = List.of(range("amount_positive", "amount", "0", null, false, true));
    Validation v = run(schema, rules, null, -1);
    assertThat(v.errors(), hasSize(2));
    Violation first = v.errors().get(0);
    assertThat(first.reason(), is("email_required"));
    assertThat(first.rule(), is("not_null"));
    assertThat(first.field(), is("email"));
    assertThat(first.message(), is("email is required"));
    assertThat(v.errors().get(1).reason(), is("amount_positive"));
    assertThat(run(schema, rules, "a@b.c", 1).isValid(), is(true));
  }

  // ---- severity, messages, many rules ----

  @Test
  public void warnRulesGoToWarnings() {
    Validation v = one(FieldType.INT, warn(range("small", "v", null, "10")), 11);
    assertThat(v.errors(), is(empty()));
    assertThat(v.isValid(), is(true));
    assertThat(v.warnings(), hasSize(1));
    assertThat(v.warnings().get(0).reason(), is("small"));
  }

  @Test
  public void theRuleMessageReplacesTheGeneratedOne() {
    Violation e = onlyError(one(FieldType.INT, withMessage(range("r", "v", "0", null), "no negative amounts"), -1));
    assertThat(e.message(), is("no negative amounts"));
  }

  @Test
  public void everyRuleRunsAndAllFailuresAreListed() {
    List<FieldSpec> schema = List.of(
        required("id", FieldType.STRING), field("email", FieldType.STRING), field("amount", FieldType.DECIMAL),
        field("currency", FieldType.STRING));
    List<RuleSpec> rules = List.of(
        regex("email_format", "email", "[^@]+@[^@]+", false),
        range("amount_positive", "amount", "0", null, false, true),
        in("currency_known", "currency", false, "USD", "EUR"),
        warn(length("email_short", "email", null, 3)));
    Validation v = run(schema, rules, "o1", "nope", new BigDecimal("-1"), "XYZ");
    assertThat(v.errors().stream().map(Violation::reason).toList(),
        contains("email_format", "amount_positive", "currency_known"));
    assertThat(v.warnings().stream().map(Violation::reason).toList(), contains("email_short"));
    assertThat(run(schema, rules, "o1", "a@b", new BigDecimal("1"), "USD"), is(Validation.valid()));
  }
}
