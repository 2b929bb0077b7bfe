package dev.cauce.expect;

import static dev.cauce.expect.ExpectationType.ArgType.BOOLEAN;
import static dev.cauce.expect.ExpectationType.ArgType.COLUMN;
import static dev.cauce.expect.ExpectationType.ArgType.COLUMNS;
import static dev.cauce.expect.ExpectationType.ArgType.COUNT;
import static dev.cauce.expect.ExpectationType.ArgType.INTERPOLATION;
import static dev.cauce.expect.ExpectationType.ArgType.LIST_IGNORE;
import static dev.cauce.expect.ExpectationType.ArgType.NAME;
import static dev.cauce.expect.ExpectationType.ArgType.NAMES;
import static dev.cauce.expect.ExpectationType.ArgType.NUMBER;
import static dev.cauce.expect.ExpectationType.ArgType.PAIR_IGNORE;
import static dev.cauce.expect.ExpectationType.ArgType.QUANTILE_RANGES;
import static dev.cauce.expect.ExpectationType.ArgType.RATIO;
import static dev.cauce.expect.ExpectationType.ArgType.REGEX;
import static dev.cauce.expect.ExpectationType.ArgType.STRFTIME;
import static dev.cauce.expect.ExpectationType.ArgType.TYPE_NAME;
import static dev.cauce.expect.ExpectationType.ArgType.TYPE_NAMES;
import static dev.cauce.expect.ExpectationType.ArgType.VALUE;
import static dev.cauce.expect.ExpectationType.ArgType.VALUES;
import static dev.cauce.expect.ExpectationType.Kind.AGGREGATE;
import static dev.cauce.expect.ExpectationType.Kind.ROW;
import static dev.cauce.expect.ExpectationType.Kind.UNIQUE;

import dev.cauce.expect.ExpectationType.Arg;
import dev.cauce.expect.ExpectationType.ArgType;
import dev.cauce.expect.ExpectationType.Kind;
import dev.cauce.expect.ExpectationType.Semantics;
import dev.cauce.spec.FieldType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of supported GX expectation types, with GX's own kwarg names: adding one is its
 * entry here and its check in {@link RowChecks} (row types) or {@link Aggregates} (dataset types).
 */
public final class ExpectationTypes {
  private ExpectationTypes() {}

  private static final Map<String, ExpectationType> BY_NAME = new LinkedHashMap<>();
  /** GX 1.x spells two names in lower case ({@code ..._a_to_be_greater_than_b}); both are accepted. */
  private static final Map<String, String> ALIASES = Map.of(
      "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_A_to_be_greater_than_B");

  private static final Arg MOSTLY = opt("mostly", RATIO);

  static {
    // row by row: failing records are routed (dead letter, or kept as warnings within mostly)
    row("expect_column_values_to_not_be_null", Semantics.NONE, req("column", COLUMN), MOSTLY);
    row("expect_column_values_to_be_null", Semantics.NONE, req("column", COLUMN), MOSTLY);
    row("expect_column_values_to_be_in_set", k -> k.valuesFit("value_set", "column"), req("column", COLUMN),
        req("value_set", VALUES), MOSTLY);
    row("expect_column_values_to_not_be_in_set", k -> k.valuesFit("value_set", "column"), req("column", COLUMN),
        req("value_set", VALUES), MOSTLY);
    row("expect_column_values_to_be_between", k -> {
          k.columnOf("column", t -> t != FieldType.BOOLEAN, "a number, date, timestamp or string");
          k.bounds("column", true, true);
        }, req("column", COLUMN), opt("min_value", VALUE), opt("max_value", VALUE), opt("strict_min", BOOLEAN),
        opt("strict_max", BOOLEAN), MOSTLY);
    row("expect_column_values_to_match_regex", k -> k.columnOf("column", t -> t == FieldType.STRING, "a string"),
        req("column", COLUMN), req("regex", REGEX), MOSTLY);
    row("expect_column_values_to_not_match_regex", k -> k.columnOf("column", t -> t == FieldType.STRING, "a string"),
        req("column", COLUMN), req("regex", REGEX), MOSTLY);
    row("expect_column_values_to_match_strftime_format", k -> k.columnOf("column", t -> t == FieldType.STRING, "a string"),
        req("column", COLUMN), req("strftime_format", STRFTIME), MOSTLY);
    row("expect_column_value_lengths_to_be_between", k -> {
          k.columnOf("column", t -> t == FieldType.STRING, "a string");
          k.bounds("column", false, true);
        }, req("column", COLUMN), opt("min_value", COUNT), opt("max_value", COUNT), opt("strict_min", BOOLEAN),
        opt("strict_max", BOOLEAN), MOSTLY);
    row("expect_column_values_to_be_of_type", Semantics.NONE, req("column", COLUMN), req("type_", TYPE_NAME), MOSTLY);
    row("expect_column_values_to_be_in_type_list", Semantics.NONE, req("column", COLUMN), req("type_list", TYPE_NAMES), MOSTLY);
    row("expect_column_pair_values_A_to_be_greater_than_B", ExpectationTypes::comparablePair, req("column_A", COLUMN),
        req("column_B", COLUMN), opt("or_equal", BOOLEAN), opt("ignore_row_if", PAIR_IGNORE), MOSTLY);
    row("expect_column_pair_values_to_be_equal", ExpectationTypes::comparablePair, req("column_A", COLUMN),
        req("column_B", COLUMN), opt("ignore_row_if", PAIR_IGNORE), MOSTLY);
    row("expect_multicolumn_sum_to_equal", k -> k.columnsOf("column_list", FieldType::isNumeric, "numeric"),
        req("column_list", COLUMNS), req("sum_total", NUMBER), opt("ignore_row_if", LIST_IGNORE), MOSTLY);

    // by grouping the records to publish by value: every record of a repeated value is routed as above
    add("expect_column_values_to_be_unique", UNIQUE, Semantics.NONE, req("column", COLUMN), MOSTLY);
    add("expect_compound_columns_to_be_unique", UNIQUE, Semantics.NONE, req("column_list", COLUMNS),
        opt("ignore_row_if", LIST_IGNORE), MOSTLY);

    // over the whole dataset (what is published): Beam combiners
    agg("expect_table_row_count_to_be_between", k -> k.bounds(null, false, false), opt("min_value", COUNT),
        opt("max_value", COUNT), opt("strict_min", BOOLEAN), opt("strict_max", BOOLEAN));
    agg("expect_table_row_count_to_equal", Semantics.NONE, req("value", COUNT));
    agg("expect_table_columns_to_match_ordered_list", Semantics.NONE, req("column_list", NAMES));
    agg("expect_table_columns_to_match_set", Semantics.NONE, req("column_set", NAMES), opt("exact_match", BOOLEAN));
    agg("expect_column_to_exist", Semantics.NONE, req("column", NAME), opt("column_index", COUNT));
    for (String stat : List.of("min", "max")) {
      agg("expect_column_" + stat + "_to_be_between", k -> {
            k.columnOf("column", t -> t.isNumeric() || t.isTemporal(), "a numeric, date or timestamp");
            k.bounds("column", true, false);
          }, req("column", COLUMN), opt("min_value", VALUE), opt("max_value", VALUE), opt("strict_min", BOOLEAN),
          opt("strict_max", BOOLEAN));
    }
    for (String stat : List.of("mean", "median", "sum", "stdev")) {
      agg("expect_column_" + stat + "_to_be_between", k -> {
            k.columnOf("column", FieldType::isNumeric, "a numeric");
            k.bounds("column", false, false);
          }, req("column", COLUMN), opt("min_value", NUMBER), opt("max_value", NUMBER), opt("strict_min", BOOLEAN),
          opt("strict_max", BOOLEAN));
    }
    agg("expect_column_unique_value_count_to_be_between", k -> k.bounds("column", false, false), req("column", COLUMN),
        opt("min_value", COUNT), opt("max_value", COUNT), opt("strict_min", BOOLEAN), opt("strict_max", BOOLEAN));
    agg("expect_column_proportion_of_unique_values_to_be_between", k -> k.bounds("column", false, false),
        req("column", COLUMN), opt("min_value", RATIO), opt("max_value", RATIO), opt("strict_min", BOOLEAN),
        opt("strict_max", BOOLEAN));
    for (String set : List.of("be_in_set", "contain_set", "equal_set")) {
      agg("expect_column_distinct_values_to_" + set, k -> k.valuesFit("value_set", "column"), req("column", COLUMN),
          req("value_set", VALUES));
    }
    agg("expect_column_most_common_value_to_be_in_set", k -> k.valuesFit("value_set", "column"), req("column", COLUMN),
        req("value_set", VALUES), opt("ties_okay", BOOLEAN));
    agg("expect_column_quantile_values_to_be_between", k -> k.columnOf("column", FieldType::isNumeric, "a numeric"),
        req("column", COLUMN), req("quantile_ranges", QUANTILE_RANGES), opt("allow_relative_error", INTERPOLATION));
  }

  private static void comparablePair(Kwargs k) {
    FieldType a = k.columnType("column_A");
    FieldType b = k.columnType("column_B");
    if (a != null && b != null && !(a == b || a.isNumeric() && b.isNumeric())) {
      k.problem("column_B", "column_A " + k.text("column_A") + " (" + a.specName() + ") and column_B " + k.text("column_B")
          + " (" + b.specName() + ") cannot be compared: both must be numbers, or of one type");
    }
  }

  private static Arg req(String name, ArgType type) {
    return new Arg(name, type, true);
  }

  private static Arg opt(String name, ArgType type) {
    return new Arg(name, type, false);
  }

  private static void row(String name, Semantics s, Arg... args) {
    add(name, ROW, s, args);
  }

  private static void agg(String name, Semantics s, Arg... args) {
    add(name, AGGREGATE, s, args);
  }

  private static void add(String name, Kind kind, Semantics s, Arg... args) {
    BY_NAME.put(name, new ExpectationType(name, kind, List.of(args), s));
  }

  /** The type of that GX name (or alias), or null when it is not supported. */
  public static ExpectationType named(String name) {
    return name == null ? null : BY_NAME.get(ALIASES.getOrDefault(name, name));
  }

  /** Every supported type name, in the order the README lists them. */
  public static List<String> names() {
    return new ArrayList<>(BY_NAME.keySet());
  }
}
