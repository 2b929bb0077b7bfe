package dev.cauce.validate.rules;

import dev.cauce.spec.PipelineSpec.RuleSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A rule type as the spec names it ({@code rule: range}): the keys its rules take besides name, rule,
 * severity and message, a specific message for keys it refuses for a reason of its own, and how an
 * entry is read into a rule (null when the entry cannot make one; its problems are reported).
 */
public record RuleType(String name, List<String> keys, Map<String, String> refusedKeys, Function<RuleEntry, RuleSpec> reader) {

  /** Whether its rules check one field, given by the {@code field} key. */
  public boolean hasField() {
    return keys.contains("field");
  }
}
