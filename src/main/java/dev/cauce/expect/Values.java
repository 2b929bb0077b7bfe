package dev.cauce.expect;

import dev.cauce.clean.TypedValues;
import dev.cauce.spec.FieldType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.joda.time.ReadableInstant;

/**
 * Column values as expectations compare, count and show them: a row's value and a kwarg's value
 * both become a <em>key</em> (numbers a BigDecimal without trailing zeros, so 1, 1.0 and 1.00 are
 * one value; dates LocalDate; timestamps java.time Instant; strings and booleans as they are), and
 * a key is shown in results as JSON (numbers as numbers, dates and timestamps in ISO).
 */
public final class Values {
  private Values() {}

  /** The key of a typed row's value (null stays null). */
  public static Object key(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof LocalDate) {
      return v;
    }
    if (v instanceof ReadableInstant i) {
      return Instant.ofEpochMilli(i.getMillis());
    }
    if (v instanceof Number n) {
      return number(n);
    }
    return v;
  }

  /** A number as a canonical BigDecimal (no trailing zeros; zero is 0). */
  public static BigDecimal number(Number n) {
    BigDecimal b;
    if (n instanceof BigDecimal d) {
      b = d;
    } else if (n instanceof Double || n instanceof Float) {
      b = BigDecimal.valueOf(n.doubleValue());
    } else if (n instanceof BigInteger i) {
      b = new BigDecimal(i);
    } else {
      b = BigDecimal.valueOf(n.longValue());
    }
    return b.signum() == 0 ? BigDecimal.ZERO : b.stripTrailingZeros();
  }

  /**
   * The key of a kwarg's value for a column of {@code type}, or null when it does not fit the type
   * (a string for a number column, a text that is no ISO date for a date column...).
   */
  public static Object specKey(Object v, FieldType type, ZoneId zone) {
    if (v == null) {
      return null;
    }
    if (type.isNumeric()) {
      return v instanceof BigDecimal b ? number(b) : null;
    }
    if (type.isTemporal()) {
      return v instanceof String s ? TypedValues.rangeBound(type, s, zone) : null;
    }
    if (type == FieldType.BOOLEAN) {
      return v instanceof Boolean ? v : null;
    }
    return v instanceof String ? v : null;
  }

  /** What a kwarg value for a column of {@code type} must be, for messages. */
  public static String expected(FieldType type) {
    if (type.isNumeric()) {
      return "a number";
    }
    if (type == FieldType.DATE) {
      return "an ISO date (yyyy-MM-dd)";
    }
    if (type == FieldType.TIMESTAMP) {
      return "an ISO timestamp (such as 2024-01-31T12:00:00Z)";
    }
    return type == FieldType.BOOLEAN ? "true or false" : "a string";
  }

  /** A key as JSON shows it: numbers stay numbers, dates and timestamps become ISO text. */
  public static Object json(Object key) {
    if (key instanceof LocalDate || key instanceof Instant) {
      return key.toString();
    }
    if (key instanceof BigDecimal b && b.scale() < 0) {
      return b.setScale(0); // 600, not 6E+2
    }
    return key;
  }

  /** Compares two keys of one column (both of one kind). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static int compare(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }
}
