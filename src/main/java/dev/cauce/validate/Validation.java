package dev.cauce.validate;

import dev.cauce.model.Violation;
import java.util.List;

/**
 * What validating one record found: {@code errors} (rules of severity error: the record is
 * rejected) and {@code warnings} (severity warn: counted, the record is kept), each in rule order.
 */
public record Validation(List<Violation> errors, List<Violation> warnings) {
  private static final Validation VALID = new Validation(List.of(), List.of());

  public Validation {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** No errors and no warnings. */
  public static Validation valid() {
    return VALID;
  }

  /** True when no error-severity rule failed (warnings do not count). */
  public boolean isValid() {
    return errors.isEmpty();
  }
}
