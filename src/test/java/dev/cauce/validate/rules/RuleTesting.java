package dev.cauce.validate.rules;

import static dev.cauce.clean.TestSpecs.clean;
import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.clean.TestSpecs.spec;
import static dev.cauce.clean.TestSpecs.typed;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import dev.cauce.validate.Validation;
import dev.cauce.validate.Validator;
import java.util.List;
import java.util.Map;

/** Builds rules and runs them through a {@link Validator} for rule and validation tests. */
public final class RuleTesting {
  private RuleTesting() {}

  public static NotNullRule notNull(String name, String field) {
    return new NotNullRule(name, field, Severity.ERROR, null);
  }

  public static RangeRule range(String name, String field, String min, String max) {
    return range(name, field, min, max, true, true);
  }

  public static RangeRule range(String name, String field, String min, String max, boolean minInclusive, boolean maxInclusive) {
    return new RangeRule(name, field, min, max, minInclusive, maxInclusive, Severity.ERROR, null);
  }

  public static LengthRule length(String name, String field, Integer min, Integer max) {
    return new LengthRule(name, field, min, max, Severity.ERROR, null);
  }

  public static RegexRule regex(String name, String field, String pattern, boolean ignoreCase) {
    return new RegexRule(name, field, pattern, ignoreCase, Severity.ERROR, null);
  }

  public static InRule in(String name, String field, boolean ignoreCase, String... values) {
    return new InRule(name, field, List.of(values), ignoreCase, Severity.ERROR, null);
  }

  public static ExpressionRule expr(String name, String expr) {
    return new ExpressionRule(name, expr, Severity.ERROR, null);
  }

  public static RuleSpec warn(RuleSpec r) {
    return with(r, Severity.WARN, r.message());
  }

  public static RuleSpec withMessage(RuleSpec r, String message) {
    return with(r, r.severity(), message);
  }

  private static RuleSpec with(RuleSpec r, Severity s, String m) {
    if (r instanceof NotNullRule x) {
      return new NotNullRule(x.name(), x.field(), s, m);
    }
    if (r instanceof RangeRule x) {
      return new RangeRule(x.name(), x.field(), x.min(), x.max(), x.minInclusive(), x.maxInclusive(), s, m);
    }
    if (r instanceof LengthRule x) {
      return new LengthRule(x.name(), x.field(), x.min(), x.max(), s, m);
    }
    if (r instanceof RegexRule x) {
      return new RegexRule(x.name(), x.field(), x.pattern(), x.ignoreCase(), s, m);
    }
    if (r instanceof InRule x) {
      return new InRule(x.name(), x.field(), x.values(), x.ignoreCase(), s, m);
    }
    ExpressionRule x = (ExpressionRule) r;
    return new ExpressionRule(x.name(), x.expr(), s, m);
  }

  /** Validates one typed row of {@code schema} (values in schema order) against {@code rules}. */
  public static Validation run(List<FieldSpec> schema, List<RuleSpec> rules, Object... values) {
    PipelineSpec spec = spec(schema, clean(Map.of()), rules);
    return Validator.create(spec).validate(typed(spec, values));
  }

  /** One field "v" of the type, one rule, one value. */
  public static Validation one(FieldType type, RuleSpec rule, Object value) {
    return run(List.of(field("v", type)), List.of(rule), value);
  }

  public static boolean passes(FieldType type, RuleSpec rule, Object value) {
    Validation v = one(type, rule, value);
    return v.errors().isEmpty() && v.warnings().isEmpty();
  }

  public static Violation onlyError(Validation v) {
    assertThat(v.warnings(), is(empty()));
    assertThat(v.errors(), hasSize(1));
    return v.errors().get(0);
  }

  public static org.joda.time.Instant ts(String iso) {
    return new org.joda.time.Instant(java.time.Instant.parse(iso).toEpochMilli());
  }
}
