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
  public void patternsThatBacktrackInJavaAnswerInLinearTime() {
    // java.util.regex: the first hung for 240 s on main (via =~); the second took 3 min 24 s under the old budget
    Violation e = onlyError(one(FieldType.STRING, regex("slow", "v", "^(a|aa){1,100}$", false), "a".repeat(60) + "b"));
    assertThat(e.reason(), is("slow"));
    assertThat(e.message(), containsString("does not match ^(a|aa){1,100}$"));
    assertThat(passes(FieldType.STRING, regex("ok", "v", "^(a|aa){1,100}$", false), "a".repeat(61)), is(true));
    RuleSpec nested = regex("nested", "v", "(a+)+$", false);
    String big = "a".repeat(500_000) + "b";
    int failed = 0;
    for (int i = 0; i < 20; i++) {
      failed += passes(FieldType.STRING, nested, big) ? 0 : 1;
    }
    assertThat(failed, is(20));
    assertThat(passes(FieldType.STRING, nested, "a".repeat(500_000)), is(true));
  }

  @Test
  public void patternsThatNeedBacktrackingAreRefusedAtSpecCheck() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: regex, field: email, pattern: "(a)\\\\1"}
          - {name: r2, rule: regex, field: email, pattern: "a(?=b)"}
          - {name: r3, rule: regex, field: email, pattern: "(?<!x)a"}
          - {name: r4, rule: regex, field: email, pattern: "a++"}
          - {name: r5, rule: regex, field: email, pattern: "(?>a|ab)c"}
          - {name: r6, rule: regex, field: email, pattern: "\\\\p{Alpha}+"}
        """);
    String engine = "; cauce matches with a linear-time engine (RE2 syntax), which has no backreferences, lookahead, "
        + "lookbehind, possessive quantifiers or atomic groups";
    assertProblem(problemAt(e, "validate[0].pattern"), 13, "regex \"(a)\\1\" is not supported: a backreference (`\\1`)" + engine);
    assertProblem(problemAt(e, "validate[1].pattern"), 14, "regex \"a(?=b)\" is not supported: a lookahead (`(?=`)" + engine);
    assertProblem(problemAt(e, "validate[2].pattern"), 15, "regex \"(?<!x)a\" is not supported: a lookbehind (`(?<!x)a`)");
    assertProblem(problemAt(e, "validate[3].pattern"), 16, "regex \"a++\" is not supported: a possessive quantifier (`++`)");
    assertProblem(problemAt(e, "validate[4].pattern"), 17, "regex \"(?>a|ab)c\" is not supported: an atomic group (`(?>`)");
    assertProblem(problemAt(e, "validate[5].pattern"), 18,
        "regex \"\\p{Alpha}+\" is not supported: invalid character class range `\\p{Alpha}`" + engine);
    assertThat(e.problems().size(), equalTo(6));
  }
}
