package dev.cauce.validate.rules;

import dev.cauce.clean.Temporals;
import dev.cauce.spec.FieldType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.joda.time.ReadableInstant;

/**
 * The key a reference row is found by, the same text from both sides: a record's typed values, and
 * a reference row's cells read as the types of the fields they are compared with. Per kind of type:
 * text as it is (a reference cell trimmed), numbers without trailing zeros ({@code 7.50} is {@code
 * 7.5}, {@code 7.0} is {@code 7}), dates and timestamps in ISO form (timestamps to the millisecond,
 * in UTC), booleans in lower case. A compound key joins its parts so that no two lists of parts give
 * the same key (each part is prefixed with its length).
 */
public final class ReferenceKeys {
  private ReferenceKeys() {}

  /** How a key column of that type compares: text, number, date, timestamp or boolean. */
  public static String kind(FieldType type) {
    if (type.isNumeric()) {
      return "number";
    }
    return switch (type) {
      case DATE -> "date";
      case TIMESTAMP -> "timestamp";
      case BOOLEAN -> "boolean";
      default -> "text";
    };
  }

  /** The key of a record's typed values; null when one of them is null (nothing to look up). */
  public static String ofRecord(List<?> values) {
    StringBuilder key = new StringBuilder();
    for (Object v : values) {
      if (v == null) {
        return null;
      }
      part(key, canonical(v));
    }
    return key.toString();
  }

  /**
   * The key of a reference row's key cells, each read as its column's type ({@code zone}: for
   * timestamps without offset).
   *
   * @throws IllegalArgumentException naming the column when a cell is empty or not a value of its type
   */
  public static String ofCells(List<String> columns, List<String> cells, List<FieldType> types, ZoneId zone) {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i) == null ? "" : cells.get(i).trim();
      if (cell.isEmpty()) {
        throw new IllegalArgumentException("key column " + columns.get(i) + " is empty");
      }
      try {
        part(key, switch (kind(types.get(i))) {
          case "number" -> RuleValues.canonicalNumber(new BigDecimal(cell));
          case "date" -> Temporals.parseIsoDate(cell).toString();
          case "timestamp" -> Instant.ofEpochMilli(Temporals.parseIsoInstant(cell, zone).toEpochMilli()).toString();
          case "boolean" -> bool(cell);
          default -> cell;
        });
      } catch (NumberFormatException | DateTimeException e) {
        throw new IllegalArgumentException("key column " + columns.get(i) + " holds " + RuleValues.quote(cell) + ", not a "
            + kind(types.get(i)) + " (it is compared with a " + types.get(i).specName() + " field)");
      }
    }
    return key.toString();
  }

  /** Values as a message shows them: {@code "02134"}, {@code 7.5}, {@code ["a", 2]} for several. */
  public static String show(List<?> values) {
    if (values.size() == 1) {
      return RuleValues.show(values.get(0));
    }
    StringBuilder b = new StringBuilder("[");
    for (Object v : values) {
      b.append(b.length() > 1 ? ", " : "").append(v == null ? "null" : RuleValues.show(v));
    }
    return b.append(']').toString();
  }

  private static void part(StringBuilder key, String text) {
    key.append(text.length()).append(':').append(text);
  }

  private static String canonical(Object v) {
    if (v instanceof Number n && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))
        && !(v instanceof Float f && (f.isNaN() || f.isInfinite()))) {
      return RuleValues.canonicalNumber(RuleValues.toBigDecimal(n));
    }
    if (v instanceof ReadableInstant i) {
      return Instant.ofEpochMilli(i.getMillis()).toString();
    }
    if (v instanceof Instant i) {
      return Instant.ofEpochMilli(i.toEpochMilli()).toString();
    }
    if (v instanceof LocalDate || v instanceof Boolean) {
      return v.toString();
    }
    return String.valueOf(v);
  }

  private static String bool(String cell) {
    String b = cell.toLowerCase(Locale.ROOT);
    if (!b.equals("true") && !b.equals("false")) {
      throw new NumberFormatException(cell);
    }
    return b;
  }
}
