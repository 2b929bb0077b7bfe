package dev.cauce.validate.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The registry of rule types: adding one is its class and one line in {@link #ALL}. */
public final class RuleTypes {
  private RuleTypes() {}

  /** Every rule type, in the order messages list them. */
  public static final List<RuleType> ALL = List.of(
      NotNullRule.TYPE,
      RangeRule.TYPE,
      LengthRule.TYPE,
      RegexRule.TYPE,
      InRule.TYPE,
      InReferenceRule.TYPE,
      ExpressionRule.TYPE);

  /** The keys every rule takes. */
  public static final List<String> COMMON_KEYS = List.of("name", "rule", "severity", "message");

  /** The rule type of that spec name, or null. */
  public static RuleType named(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  public static List<String> names() {
    return ALL.stream().map(RuleType::name).toList();
  }

  /** Every key some rule takes: name and rule, each type's own keys, then severity and message. */
  public static List<String> allKeys() {
    Set<String> keys = new LinkedHashSet<>(List.of("name", "rule"));
    ALL.forEach(t -> keys.addAll(t.keys()));
    keys.addAll(COMMON_KEYS);
    return List.copyOf(keys);
  }
}
