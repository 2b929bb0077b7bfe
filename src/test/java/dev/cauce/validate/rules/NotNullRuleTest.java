package dev.cauce.validate.rules;

import static dev.cauce.validate.rules.RuleTesting.notNull;
import static dev.cauce.validate.rules.RuleTesting.one;
import static dev.cauce.validate.rules.RuleTesting.onlyError;
import static dev.cauce.validate.rules.RuleTesting.passes;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import org.junit.Test;

/** The {@code not_null} rule. */
public class NotNullRuleTest {

  @Test
  public void notNullRule() {
    RuleSpec r = notNull("v_present", "v");
    assertThat(passes(FieldType.STRING, r, "x"), is(true));
    assertThat(passes(FieldType.STRING, r, ""), is(true));
    Violation e = onlyError(one(FieldType.STRING, r, null));
    assertThat(e.reason(), is("v_present"));
    assertThat(e.rule(), is("not_null"));
    assertThat(e.message(), is("v must not be null"));
  }
}
