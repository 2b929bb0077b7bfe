package dev.cauce.validate.rules;

import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static dev.cauce.validate.rules.RuleTesting.length;
import static dev.cauce.validate.rules.RuleTesting.one;
import static dev.cauce.validate.rules.RuleTesting.onlyError;
import static dev.cauce.validate.rules.RuleTesting.passes;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.SpecException;
import org.junit.Test;

/** The {@code length} rule: its spec keys and its check. */
public class LengthRuleTest {

  // ---- spec ----

  @Test
  public void lengthRulesNeedAStringFieldAndNonNegativeWholeBounds() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: length, field: qty, max: 3}
          - {name: r2, rule: length, field: email, min: -1}
          - {name: r3, rule: length, field: email, min: 2.5}
          - {name: r4, rule: length, field: email}
          - {name: r5, rule: length, field: email, min: 9, max: 3}
        """);
    assertProblem(problemAt(e, "validate[0].field"), 13, "a length rule needs a string field; qty is int");
    assertProblem(problemAt(e, "validate[1].min"), 14, "min must be a whole number of characters (0 or more)");
    assertProblem(problemAt(e, "validate[2].min"), 15, "got a number 2.5");
    assertProblem(problemAt(e, "validate[3]"), 16, "a length rule needs min, max or both");
    assertProblem(problemAt(e, "validate[4].max"), 17, "max 3 is less than min 9");
    assertThat(e.problems().size(), equalTo(5));
  }

  // ---- check ----

  @Test
  public void lengthCountsCodePointsInclusive() {
    RuleSpec r = length("len", "v", 2, 3);
    assertThat(passes(FieldType.STRING, r, "ab"), is(true));
    assertThat(passes(FieldType.STRING, r, "abc"), is(true));
    assertThat(passes(FieldType.STRING, r, "a😀b"), is(true)); // 3 code points, 4 chars
    assertThat(passes(FieldType.STRING, r, "😀😀😀😀"), is(false));
    assertThat(passes(FieldType.STRING, r, null), is(true));
    assertThat(onlyError(one(FieldType.STRING, r, "a")).message(), is("v must have at least 2 characters, had 1: \"a\""));
    assertThat(onlyError(one(FieldType.STRING, r, "abcd")).message(), is("v must have at most 3 characters, had 4: \"abcd\""));
  }
}
