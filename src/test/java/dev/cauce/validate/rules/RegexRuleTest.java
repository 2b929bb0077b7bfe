package dev.cauce.validate.rules;

import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static dev.cauce.validate.rules.RuleTesting.one;
import static dev.cauce.validate.rules.RuleTesting.onlyError;
import static dev.cauce.validate.rules.RuleTesting.passes;
import static dev.cauce.validate.rules.RuleTesting.regex;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.SpecException;
import java.math.BigDecimal;
import org.junit.Test;

/** The {@code regex} rule: its spec keys and its check. */
public class RegexRuleTest {

  // ---- spec ----

  @Test
  public void regexRulesNeedAPatternAndAStringField() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: regex, field: email}
          - {name: r2, rule: regex, field: qty, pattern: "\\\\d+", ignore_case: maybe}
        """);
    assertProblem(problemAt(e, "validate[0].pattern"), 13, "missing required key \"pattern\"");
    assertProblem(problemAt(e, "validate[1].field"), 14, "a regex rule needs a string field; qty is int");
    assertProblem(problemAt(e, "validate[1].ignore_case"), 14, "expected true or false");
    assertThat(e.problems().size(), equalTo(3));
  }

  // ---- check ----

  @Test
  public void regexMustMatchTheWholeValue() {
    RuleSpec r = regex("currency_code", "v", "[A-Z]{3}", false);
    assertThat(passes(FieldType.STRING, r, "USD"), is(true));
    assertThat(passes(FieldType.STRING, r, "USDX"), is(false));
    assertThat(passes(FieldType.STRING, r, "usd"), is(false));
    assertThat(passes(FieldType.STRING, r, null), is(true));
    assertThat(passes(FieldType.STRING, regex("c", "v", "[A-Z]{3}", true), "usd"), is(true));
    Violation e = onlyError(one(FieldType.STRING, regex("email_format", "v", "^[^@\\s]+@[^@\\s]+\\.[a-z]+$", false), "x@"));
    assertThat(e.rule(), is("regex"));
    assertThat(e.message(), is("v \"x@\" does not match ^[^@\\s]+@[^@\\s]+\\.[a-z]+$"));
  }

  @Test
  public void regexOnANumberUsesItsPlainText() {
    assertThat(passes(FieldType.DECIMAL, regex("two_places", "v", "-?\\d+\\.\\d{2}", false), new BigDecimal("12.50")), is(true));
    assertThat(passes(FieldType.DECIMAL, regex("two_places", "v", "-?\\d+\\.\\d{2}", false), new BigDecimal("12.5")), is(false));
  }

  @Test
  public void aCatastrophicRegexFailsTheRuleInsteadOfHanging() {
    Violation e = onlyError(one(FieldType.STRING, regex("slow", "v", "(.*a){10}x", false), "a".repeat(60)));
    assertThat(e.reason(), is("slow"));
    assertThat(e.message(), containsString("could not be matched"));
  }
}
