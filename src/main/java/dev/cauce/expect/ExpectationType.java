package dev.cauce.expect;

import java.util.List;

/**
 * An expectation type as GX names it: whether it is checked row by row ({@link Kind#ROW}: failing
 * records are routed), by grouping records by value ({@link Kind#UNIQUE}: routed too) or over the
 * whole dataset ({@link Kind#AGGREGATE}: a Beam combiner), the
 * kwargs it takes, and the checks on them beyond their types.
 */
public record ExpectationType(String name, Kind kind, List<Arg> args, Semantics semantics) {
  public enum Kind {
    ROW,
    /** Judged by grouping the published records by value (uniqueness): failing records are routed like ROW's. */
    UNIQUE,
    AGGREGATE
  }

  /** What a kwarg must hold. */
  public enum ArgType {
    /** A schema field's name. */
    COLUMN,
    /** A non-empty list of schema fields' names. */
    COLUMNS,
    /** A name that need not be a schema field (what expect_column_to_exist checks). */
    NAME,
    /** A list of names that need not be schema fields. */
    NAMES,
    /** A bound or value compared with a column's values: in the column's type. */
    VALUE,
    /** A list of values in the column's type. */
    VALUES,
    NUMBER,
    /** A whole number of 0 or more. */
    COUNT,
    BOOLEAN,
    /** A number from 0 to 1. */
    RATIO,
    REGEX,
    STRFTIME,
    TYPE_NAME,
    TYPE_NAMES,
    /** {quantiles: [..], value_ranges: [[min, max], ..]}. */
    QUANTILE_RANGES,
    /** false, a pandas interpolation name, or a number (a relative error: computed exactly anyway). */
    INTERPOLATION,
    /** A column pair's ignore_row_if. */
    PAIR_IGNORE,
    /** A column list's ignore_row_if. */
    LIST_IGNORE
  }

  public record Arg(String name, ArgType type, boolean required) {}

  /** Checks on kwargs already of the right types (bounds in order, columns of a usable type). */
  @FunctionalInterface
  public interface Semantics {
    void check(Kwargs k);

    Semantics NONE = k -> {};
  }

  public Arg arg(String name) {
    return args.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }

  public List<String> argNames() {
    return args.stream().map(Arg::name).toList();
  }
}
