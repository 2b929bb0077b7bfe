package dev.cauce.write;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.joda.time.ReadableInstant;

/**
 * The text forms of typed values, shared by every output format so that a value reads the same in
 * JSON Lines and CSV: decimals in plain notation ({@link BigDecimal#toPlainString()}, never an
 * exponent), doubles as {@link Double#toString(double)}, dates {@code yyyy-MM-dd}, timestamps
 * ISO-8601 in UTC with milliseconds ({@code 2024-01-05T10:00:00.000Z}), booleans {@code
 * true}/{@code false}.
 */
public final class ValueText {
  private ValueText() {}

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The kinds of value a typed row holds (see {@link dev.cauce.coders.Schemas}). */
  public enum Kind {
    STRING,
    INT,
    LONG,
    DOUBLE,
    DECIMAL,
    BOOLEAN,
    DATE,
    TIMESTAMP
  }

  /** The kind of a Beam field type of a typed row; unsupported types are refused with the field's name. */
  public static Kind kindOf(String fieldName, Schema.FieldType type) {
    switch (type.getTypeName()) {
      case STRING:
        return Kind.STRING;
      case INT32:
        return Kind.INT;
      case INT64:
        return Kind.LONG;
      case DOUBLE:
        return Kind.DOUBLE;
      case DECIMAL:
        return Kind.DECIMAL;
      case BOOLEAN:
        return Kind.BOOLEAN;
      case DATETIME:
        return Kind.TIMESTAMP;
      case LOGICAL_TYPE:
        if (SqlTypes.DATE.getIdentifier().equals(type.getLogicalType().getIdentifier())) {
          return Kind.DATE;
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(
        "field " + fieldName + ": type " + type + " is not a cauce field type");
  }

  /** The kinds of every field of {@code schema}, in order. */
  public static Kind[] kindsOf(Schema schema) {
    Kind[] kinds = new Kind[schema.getFieldCount()];
    for (int i = 0; i < kinds.length; i++) {
      Schema.Field f = schema.getField(i);
      kinds[i] = kindOf(f.getName(), f.getType());
    }
    return kinds;
  }

  /** The text of a value of the given kind; {@code null} for null. */
  public static String text(Kind kind, Object value) {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case STRING -> (String) value;
      case INT, LONG -> value.toString();
      case DOUBLE -> Double.toString((Double) value);
      case DECIMAL -> decimal((BigDecimal) value);
      case BOOLEAN -> value.toString();
      case DATE -> date((LocalDate) value);
      case TIMESTAMP -> timestamp((ReadableInstant) value);
    };
  }

  /** The typed value of {@link #text}'s output {@code text} (its inverse); {@code null} for null. */
  public static Object parse(Kind kind, String text) {
    if (text == null) {
      return null;
    }
    return switch (kind) {
      case STRING -> text;
      case INT -> Integer.valueOf(text);
      case LONG -> Long.valueOf(text);
      case DOUBLE -> Double.valueOf(text);
      case DECIMAL -> new BigDecimal(text);
      case BOOLEAN -> Boolean.valueOf(text);
      case DATE -> LocalDate.parse(text);
      case TIMESTAMP -> new org.joda.time.Instant(java.time.Instant.parse(text).toEpochMilli());
    };
  }

  /** Plain notation, exact: {@code 1E+3} is written {@code 1000}, {@code 1.50} keeps its scale. */
  public static String decimal(BigDecimal value) {
    return value.toPlainString();
  }

  /** {@code yyyy-MM-dd}. */
  public static String date(LocalDate value) {
    return DateTimeFormatter.ISO_LOCAL_DATE.format(value);
  }

  /** ISO-8601 in UTC with milliseconds, e.g. {@code 2024-01-05T10:00:00.000Z}. */
  public static String timestamp(ReadableInstant value) {
    return timestampMillis(value.getMillis());
  }

  /**
   * ISO-8601 in UTC with milliseconds of an epoch-millisecond instant. Years 0-9999 are written
   * digit by digit, the very text of the formatter, which is used for the others (a sign, more
   * digits): the formatter was 5.5% of embedded Flink's CPU samples at 1M records (JSON Lines).
   */
  public static String timestampMillis(long epochMillis) {
    long day = Math.floorDiv(epochMillis, 86_400_000L);
    if (day < MIN_FAST_DAY || day > MAX_FAST_DAY) {
      return TIMESTAMP.format(java.time.Instant.ofEpochMilli(epochMillis));
    }
    LocalDate date = LocalDate.ofEpochDay(day);
    int ms = (int) Math.floorMod(epochMillis, 86_400_000L);
    byte[] t = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
    digits(t, 0, 4, date.getYear());
    digits(t, 5, 2, date.getMonthValue());
    digits(t, 8, 2, date.getDayOfMonth());
    digits(t, 11, 2, ms / 3_600_000);
    digits(t, 14, 2, ms / 60_000 % 60);
    digits(t, 17, 2, ms / 1000 % 60);
    digits(t, 20, 3, ms % 1000);
    return new String(t, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** 0000-01-01 and 9999-12-31: the days whose timestamps {@link #timestampMillis} writes itself. */
  private static final long MIN_FAST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
  private static final long MAX_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private static void digits(byte[] t, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      t[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
