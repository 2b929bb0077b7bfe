package dev.cauce.model;

import java.io.Serializable;

/**
 * One problem found with a record. {@code reason} is the stable code counted and gated on (for
 * validation: the rule's name; for other stages: a code such as {@code malformed_json}); {@code rule}
 * is the rule type or cleaning step that found it; {@code field} may be null.
 */
public record Violation(String reason, String rule, String field, String message) implements Serializable {
  public static Violation of(String reason, String message) {
    return new Violation(reason, null, null, message);
  }

  public static Violation ofField(String reason, String rule, String field, String message) {
    return new Violation(reason, rule, field, message);
  }
}
