package dev.cauce.validate;

import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec.RuleType;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import java.util.List;

/** Builds rule specs for validation tests. */
final class Rules {
  private Rules() {}

  static RuleSpec notNull(String name, String field) {
    return new RuleSpec(name, RuleType.NOT_NULL, field, Severity.ERROR, null, null, true, true, null, null, false, null, null);
  }

  static RuleSpec range(String name, String field, String min, String max) {
    return range(name, field, min, max, true, true);
  }

  static RuleSpec range(String name, String field, String min, String max, boolean minInclusive, boolean maxInclusive) {
    return new RuleSpec(name, RuleType.RANGE, field, Severity.ERROR, min, max, minInclusive, maxInclusive, null, null, false, null, null);
  }

  static RuleSpec length(String name, String field, String min, String max) {
    return new RuleSpec(name, RuleType.LENGTH, field, Severity.ERROR, min, max, true, true, null, null, false, null, null);
  }

  static RuleSpec regex(String name, String field, String pattern, boolean ignoreCase) {
    return new RuleSpec(name, RuleType.REGEX, field, Severity.ERROR, null, null, true, true, pattern, null, ignoreCase, null, null);
  }

  static RuleSpec in(String name, String field, boolean ignoreCase, String... values) {
    return new RuleSpec(name, RuleType.IN, field, Severity.ERROR, null, null, true, true, null, List.of(values), ignoreCase, null, null);
  }

  static RuleSpec expr(String name, String expr) {
    return new RuleSpec(name, RuleType.EXPRESSION, null, Severity.ERROR, null, null, true, true, null, null, false, expr, null);
  }

  static RuleSpec warn(RuleSpec r) {
    return new RuleSpec(r.name(), r.type(), r.field(), Severity.WARN, r.min(), r.max(), r.minInclusive(), r.maxInclusive(),
        r.pattern(), r.values(), r.ignoreCase(), r.expr(), r.message());
  }

  static RuleSpec withMessage(RuleSpec r, String message) {
    return new RuleSpec(r.name(), r.type(), r.field(), r.severity(), r.min(), r.max(), r.minInclusive(), r.maxInclusive(),
        r.pattern(), r.values(), r.ignoreCase(), r.expr(), message);
  }
}
