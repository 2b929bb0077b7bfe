package dev.cauce.model;

import java.util.List;

/**
 * What a pure stage function returns: a value (with warnings that do not reject it), or the
 * violations that reject the record. A stage never throws for a bad record.
 */
public final class Result<T> {
  private final T value;
  private final List<Violation> violations;
  private final List<Violation> warnings;

  private Result(T value, List<Violation> violations, List<Violation> warnings) {
    this.value = value;
    this.violations = violations;
    this.warnings = warnings;
  }

  public static <T> Result<T> ok(T value) {
    return new Result<>(value, List.of(), List.of());
  }

  /** A value kept with {@code warnings}: counted, not rejecting. */
  public static <T> Result<T> ok(T value, List<Violation> warnings) {
    return new Result<>(value, List.of(), List.copyOf(warnings));
  }

  public static <T> Result<T> rejected(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a rejection needs at least one violation");
    }
    return new Result<>(null, List.copyOf(violations), List.of());
  }

  public static <T> Result<T> rejected(Violation violation) {
    return new Result<>(null, List.of(violation), List.of());
  }

  public boolean isOk() {
    return violations.isEmpty();
  }

  public T value() {
    if (!isOk()) {
      throw new IllegalStateException("rejected: " + violations);
    }
    return value;
  }

  public List<Violation> violations() {
    return violations;
  }

  /** The warnings of a kept value; empty when rejected. */
  public List<Violation> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return isOk() ? "ok(" + value + (warnings.isEmpty() ? "" : ", warnings " + warnings) + ")" : "rejected" + violations;
  }
}
