package dev.cauce.clean;

import dev.cauce.model.Reasons;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Converts cleaned text to the Java value of a field's type (see {@link dev.cauce.coders.Schemas}). */
final class Conversions {
  private Conversions() {}

  /** Decimals with more integer digits or decimal places than this are refused as out of range. */
  static final int MAX_DECIMAL_DIGITS = 1000;

  private static final Set<String> TRUE = TextSteps.caseInsensitiveSet(List.of("true", "yes", "y", "1", "t"));
  private static final Set<String> FALSE = TextSteps.caseInsensitiveSet(List.of("false", "no", "n", "0", "f"));

  /** Why a text does not convert: a reason code and the part of the message after the quoted value. */
  static final class Refused extends Exception {
    final String reason;

    Refused(String reason, String what) {
      super(what, null, false, false);
      this.reason = reason;
    }
  }

  /** Text to a typed value; the text is never null. */
  @FunctionalInterface
  interface Converter {
    Object convert(String text) throws Refused;
  }

  /**
   * The converter of a field.
   *
   * @throws IllegalArgumentException when the field's formats are invalid
   */
  static Converter of(FieldType type, FieldCleaning cleaning, ZoneId zone, String where) {
    return switch (type) {
      case STRING -> text -> text;
      case BOOLEAN -> Conversions::toBoolean;
      case INT, LONG, DOUBLE, DECIMAL -> {
        Character grouping = cleaning.groupingSeparator();
        Character decimal = cleaning.decimalSeparator();
        yield text -> toNumber(type, normalizeNumber(text, grouping, decimal));
      }
      case DATE -> dates(formats(cleaning), zone, where);
      case TIMESTAMP -> timestamps(formats(cleaning), zone, where);
    };
  }

  static List<String> formats(FieldCleaning cleaning) {
    return cleaning.formats().isEmpty() ? List.of(Temporals.ISO) : cleaning.formats();
  }

  private static Boolean toBoolean(String text) throws Refused {
    if (TRUE.contains(text)) {
      return Boolean.TRUE;
    }
    if (FALSE.contains(text)) {
      return Boolean.FALSE;
    }
    throw new Refused(Reasons.INVALID_BOOLEAN, "is not a boolean (true/false, yes/no, y/n, 1/0, t/f)");
  }

  /**
   * Drops grouping separators and makes the decimal separator a dot. With a decimal separator other
   * than the dot, a dot left in the text is not taken for one ({@code 1.234} with decimal {@code ,}
   * and no grouping is refused rather than read as 1.234): the result is then null.
   */
  static String normalizeNumber(String text, Character grouping, Character decimal) {
    String t = text;
    if (grouping != null && t.indexOf(grouping) >= 0) {
      t = t.replace(grouping.toString(), "");
    }
    if (decimal != null && decimal != '.') {
      if (t.indexOf('.') >= 0) {
        return null;
      }
      t = t.replace(decimal, '.');
    }
    return t;
  }

  static Object toNumber(FieldType type, String t) throws Refused {
    String what = article(type);
    if (t == null) {
      throw new Refused(Reasons.INVALID_NUMBER, "is not " + what);
    }
    if (isNonFinite(t)) {
      throw new Refused(Reasons.NON_FINITE_NUMBER, "is not a finite number; expected " + what);
    }
    BigDecimal n = parseDecimal(t);
    if (n == null) {
      throw new Refused(Reasons.INVALID_NUMBER, "is not " + what);
    }
    try {
      switch (type) {
        case INT, LONG -> {
          if (n.signum() != 0 && n.stripTrailingZeros().scale() > 0) {
            throw new Refused(Reasons.INVALID_NUMBER, "has a fractional part; expected " + what);
          }
          return type == FieldType.INT ? (Object) n.intValueExact() : (Object) n.longValueExact();
        }
        case DOUBLE -> {
          double d = n.doubleValue();
          if (Double.isInfinite(d)) {
            throw new ArithmeticException("beyond double");
          }
          return d;
        }
        default -> {
          if (n.precision() - n.scale() > MAX_DECIMAL_DIGITS || n.scale() > MAX_DECIMAL_DIGITS) {
            throw new ArithmeticException("too many digits");
          }
          return n.scale() < 0 ? n.setScale(0) : n;
        }
      }
    } catch (ArithmeticException e) {
      throw new Refused(Reasons.NUMBER_OUT_OF_RANGE, "is out of range for " + what);
    }
  }

  /** A plain ASCII number ([+-], digits, dot, exponent) as a BigDecimal, or null. */
  static BigDecimal parseDecimal(String t) {
    if (t.isEmpty()) {
      return null;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        return null;
      }
    }
    try {
      return new BigDecimal(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isNonFinite(String t) {
    String s = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    return s.equalsIgnoreCase("nan") || s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("inf");
  }

  static String article(FieldType type) {
    return switch (type) {
      case INT -> "an int";
      default -> "a " + type.specName();
    };
  }

  /** One way of reading a temporal text: the value, or null when the text does not have this format's shape. */
  @FunctionalInterface
  private interface TemporalFormat {
    Object parse(String text);
  }

  private static Converter dates(List<String> formats, ZoneId zone, String where) {
    List<TemporalFormat> parsers = new ArrayList<>();
    for (String f : formats) {
      parsers.add(
          switch (f) {
            case Temporals.ISO -> text -> shaped(DateTimeFormatter.ISO_LOCAL_DATE, text, LocalDate::from);
            case Temporals.EPOCH_SECONDS, Temporals.EPOCH_MILLIS -> {
              boolean seconds = f.equals(Temporals.EPOCH_SECONDS);
              yield text -> {
                Instant i = epoch(text, seconds);
                return i == null ? null : i.atZone(zone).toLocalDate();
              };
            }
            default -> {
              DateTimeFormatter p = pattern(f, where);
              yield text -> shaped(p, text, LocalDate::from);
            }
          });
    }
    return temporal(parsers, Reasons.INVALID_DATE, "is not a date in formats " + formats);
  }

  private static Converter timestamps(List<String> formats, ZoneId zone, String where) {
    List<TemporalFormat> parsers = new ArrayList<>();
    for (String f : formats) {
      parsers.add(
          switch (f) {
            case Temporals.ISO -> text -> {
              try {
                return Temporals.tryIsoInstant(text, zone);
              } catch (DateTimeException | ArithmeticException e) {
                return null;
              }
            };
            case Temporals.EPOCH_SECONDS -> text -> epoch(text, true);
            case Temporals.EPOCH_MILLIS -> text -> epoch(text, false);
            default -> {
              DateTimeFormatter p = pattern(f, where);
              yield text -> shaped(p, text, t -> Temporals.toInstant(t, zone));
            }
          });
    }
    Converter toInstant = temporal(parsers, Reasons.INVALID_TIMESTAMP, "is not a timestamp in formats " + formats);
    return text -> {
      Instant i = (Instant) toInstant.convert(text);
      try {
        return new org.joda.time.Instant(i.toEpochMilli());
      } catch (ArithmeticException e) {
        throw new Refused(Reasons.INVALID_TIMESTAMP, "is beyond the range of timestamps");
      }
    };
  }

  private static Converter temporal(List<TemporalFormat> parsers, String reason, String what) {
    return text -> {
      for (TemporalFormat p : parsers) {
        Object value = p.parse(text);
        if (value != null) {
          return value;
        }
      }
      throw new Refused(reason, what);
    };
  }

  /** Parses with a formatter; null when the text does not fit it or names an impossible value. */
  private static Object shaped(
      DateTimeFormatter f, String text, java.util.function.Function<TemporalAccessor, Object> to) {
    try {
      TemporalAccessor t = Temporals.parseFully(f, text);
      return t == null ? null : to.apply(t);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  private static Instant epoch(String text, boolean seconds) {
    if (parseDecimal(text) == null) {
      return null;
    }
    try {
      return Temporals.fromEpoch(text, seconds);
    } catch (ArithmeticException | DateTimeException e) {
      return null;
    }
  }

  private static DateTimeFormatter pattern(String f, String where) {
    if (f == null || f.isBlank()) {
      throw new IllegalArgumentException(where + ": empty format");
    }
    try {
      return Temporals.pattern(f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": invalid format \"" + f + "\": " + e.getMessage(), e);
    }
  }
}
