package dev.cauce.validate.rules;

import static dev.cauce.clean.TestSpecs.clean;
import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.clean.TestSpecs.spec;
import static dev.cauce.clean.TestSpecs.typed;
import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static dev.cauce.validate.rules.RuleTesting.expr;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.validate.Validation;
import dev.cauce.validate.Validator;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** coalesce, is_null, is_not_null and if: cross-field checks over optional fields without defaults. */
public class NullAwareExpressionTest {
  private static final List<FieldSpec> ORDER = List.of(
      field("amount", FieldType.DECIMAL), field("discount", FieldType.DECIMAL), field("coupon", FieldType.STRING));

  private static Validation eval(String expression, Object amount, Object discount, Object coupon) {
    PipelineSpec spec = spec(ORDER, clean(Map.of()), List.of(expr("rule", expression)));
    return Validator.create(spec).validate(typed(spec, new Object[] {amount, discount, coupon}));
  }

  private static boolean passes(String expression, Object amount, Object discount, Object coupon) {
    return eval(expression, amount, discount, coupon).errors().isEmpty();
  }

  private static final BigDecimal TEN = BigDecimal.TEN;
  private static final BigDecimal FIVE = new BigDecimal("5");
  private static final BigDecimal TWELVE = new BigDecimal("12");

  @Test
  public void coalesceGivesTheFirstValueThatIsNotNull() {
    String e = "coalesce(discount, 0) <= amount";
    assertThat(passes(e, TEN, null, null), equalTo(true)); // applied: 0 <= 10
    assertThat(passes(e, TEN, TWELVE, null), equalTo(false));
    assertThat(passes(e, TEN, FIVE, null), equalTo(true));
    assertThat(passes("coalesce(discount, amount, 0) == 10", TEN, null, null), equalTo(true));
    assertThat(eval(e, TEN, TWELVE, null).errors().get(0).message(),
        equalTo("expression failed: coalesce(discount, 0) <= amount (discount = 12, amount = 10)"));
  }

  @Test
  public void isNullAndIsNotNullTellNulls() {
    assertThat(passes("is_null(coupon) || is_not_null(discount)", TEN, null, null), equalTo(true));
    assertThat(passes("is_null(coupon) || is_not_null(discount)", TEN, null, "SPRING"), equalTo(false));
    assertThat(passes("is_not_null(coupon) && discount > 0", TEN, FIVE, "SPRING"), equalTo(true));
  }

  @Test
  public void ifEvaluatesOnlyTheBranchTaken() {
    String e = "if(is_null(discount), true, discount <= amount)";
    assertThat(passes(e, TEN, null, null), equalTo(true)); // discount <= amount is never evaluated on the null
    assertThat(passes(e, TEN, TWELVE, null), equalTo(false));
    assertThat(passes(e, TEN, FIVE, null), equalTo(true));
    assertThat(passes("if(coupon == 'if(x, y)', amount > 0, if(is_null(discount), true, false))", TEN, null, "if(x, y)"), equalTo(true));
    assertThat(Expressions.rewriteIf("if (a > 1, 'if(', b)"), equalTo("((a > 1) ? ( 'if(') : ( b))"));
    assertThat(Expressions.rewriteIf("iffy(a) && notif(b)"), equalTo("iffy(a) && notif(b)"));
  }

  @Test
  public void aNullReachingAnotherOperatorFailsTheRuleSayingSo() {
    // null-aware expressions are applied to every record: a null they do not handle is reported
    Validation v = eval("is_not_null(coupon) || discount > 0", TEN, null, null);
    assertThat(v.errors().size(), equalTo(1));
    assertThat(v.errors().get(0).message(), containsString("expression could not be evaluated"));
    // expressions without them still skip records with a null field, as before
    assertThat(passes("discount > 0", TEN, null, null), equalTo(true));
  }

  @Test
  public void theSpecChecksTheirArguments() {
    var e = fails(BASE + """
        validate:
          - {name: a, rule: expression, expr: "coalesce(email, 1) == 1"}
          - {name: b, rule: expression, expr: "if(qty > 1, true)"}
          - {name: c, rule: expression, expr: "is_null(email, qty)"}
          - {name: d, rule: expression, expr: "coalesce(qty) > 0"}
        """);
    assertProblem(problemAt(e, "validate[0].expr"), 13,
        "coalesce(email, 1): 1 is a number, but coalesce's other arguments are a string");
    assertThat(problemAt(e, "validate[0].expr").message(), containsString("arguments must be of one kind"));
    assertProblem(problemAt(e, "validate[1].expr"), 14, "if takes 3 arguments (a condition, the value if true, the value if false), not 2");
    assertProblem(problemAt(e, "validate[2].expr"), 15, "is_null takes 1 argument, not 2");
    assertProblem(problemAt(e, "validate[3].expr"), 16, "coalesce takes 2 arguments or more, not 1");
    assertThat(Arrays.asList(ExpressionFunctions.NULL_AWARE.toArray()), equalTo(List.of("coalesce", "is_null", "is_not_null", "if")));
  }
}
