package dev.cauce.model;

import java.util.List;

/**
 * What a pure stage function returns: a value, or the violations that reject the record. A stage
 * never throws for a bad record.
 */
public final class Result<T> {
  private final T value;
  private final List<Violation> violations;

  private Result(T value, List<Violation> violations) {
    this.value = value;
    this.violations = violations;
  }

  public static <T> Result<T> ok(T value) {
    return new Result<>(value, List.of());
  }

  public static <T> Result<T> rejected(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a rejection needs at least one violation");
    }
    return new Result<>(null, List.copyOf(violations));
  }

  public static <T> Result<T> rejected(Violation violation) {
    return new Result<>(null, List.of(violation));
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

  @Override
  public String toString() {
    return isOk() ? "ok(" + value + ")" : "rejected" + violations;
  }
}
