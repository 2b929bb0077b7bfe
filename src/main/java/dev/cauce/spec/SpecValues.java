package dev.cauce.spec;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks of the values a spec holds: regexes, date formats, and texts that must convert to a
 * field's type (defaults, {@code in} values, {@code range} bounds). Package-private: used by {@link
 * SpecLoader}.
 */
final class SpecValues {
  private SpecValues() {}

  static final String ISO = "iso";
  static final String EPOCH_SECONDS = "epoch_seconds";
  static final String EPOCH_MILLIS = "epoch_millis";

  private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);

  /** Null when {@code regex} compiles; otherwise {@code invalid regex "...": <Java's description>}. */
  static String regexProblem(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return "invalid regex \"" + regex + "\": " + YamlTree.firstLine(e.getMessage());
    }
  }

  /**
   * Null when {@code replacement} is a valid {@link java.util.regex.Matcher#appendReplacement}
   * text for {@code regex} (which must compile): {@code $n} names an existing group, {@code ${name}}
   * a named group, and no backslash is left dangling.
   */
  static String replacementProblem(String regex, String replacement) {
    Pattern alwaysMatches;
    try {
      // The same groups as the user's regex, plus an empty alternative so that it matches "".
      alwaysMatches = Pattern.compile("(?:" + regex + ")|");
    } catch (PatternSyntaxException e) {
      return null; // a regex that cannot be wrapped (e.g. ends in a (?x) comment): not checked
    }
    var m = alwaysMatches.matcher("");
    if (!m.find()) {
      return null;
    }
    try {
      m.appendReplacement(new StringBuilder(), replacement);
      return null;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return "invalid replacement \"" + replacement + "\" for regex \"" + regex + "\": " + e.getMessage()
          + " (write \\$ for a literal $)";
    }
  }

  /** Null when {@code format} is iso, epoch_seconds, epoch_millis or a valid DateTimeFormatter pattern. */
  static String formatProblem(String format) {
    if (format.equals(ISO) || format.equals(EPOCH_SECONDS) || format.equals(EPOCH_MILLIS)) {
      return null;
    }
    try {
      DateTimeFormatter.ofPattern(format, Locale.ROOT);
      return null;
    } catch (IllegalArgumentException e) {
      return "invalid date format \"" + format + "\": " + YamlTree.firstLine(e.getMessage())
          + "; allowed: iso, epoch_seconds, epoch_millis or a java.time pattern such as dd/MM/yyyy";
    }
  }

  /**
   * Null when {@code text}, written plainly (numbers as 1234.5, booleans as true/false, dates as
   * yyyy-MM-dd, timestamps as ISO instants or local date-times), converts to {@code type};
   * otherwise why it does not.
   */
  static String conversionProblem(FieldType type, String text) {
    String t = text.trim();
    switch (type) {
      case STRING:
        return null;
      case INT:
      case LONG:
      case DOUBLE:
      case DECIMAL:
        return numberProblem(type, t);
      case BOOLEAN:
        return t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false") ? null : "is not a boolean (true or false)";
      case DATE:
        return isoDate(t) != null ? null : "is not an ISO date (yyyy-MM-dd)";
      case TIMESTAMP:
        return isoTimestamp(t, ZoneOffset.UTC) != null
            ? null
            : "is not an ISO timestamp (such as 2024-01-31T12:00:00Z or 2024-01-31T12:00:00)";
      default:
        throw new IllegalStateException("unknown type " + type);
    }
  }

  /**
   * Like {@link #conversionProblem} but also accepting the field's own cleaning: numbers written
   * with its grouping/decimal separators, dates and timestamps in one of its formats.
   */
  static String conversionProblem(
      FieldType type, String text, List<String> formats, Character grouping, Character decimal) {
    String plain = conversionProblem(type, text);
    if (plain == null) {
      return null;
    }
    if (type.isNumeric() && (grouping != null || decimal != null)) {
      String t = text.trim();
      if (grouping != null) {
        t = t.replace(grouping.toString(), "");
      }
      if (decimal != null) {
        t = t.replace(decimal.charValue(), '.');
      }
      return numberProblem(type, t) == null ? null : plain;
    }
    if (type.isTemporal()) {
      for (String f : formats) {
        if (matchesFormat(type, text.trim(), f)) {
          return null;
        }
      }
    }
    return plain;
  }

  private static boolean matchesFormat(FieldType type, String t, String format) {
    switch (format) {
      case ISO:
        return conversionProblem(type, t) == null;
      case EPOCH_SECONDS:
      case EPOCH_MILLIS:
        try {
          Long.parseLong(t);
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      default:
        try {
          DateTimeFormatter f = DateTimeFormatter.ofPattern(format, Locale.ROOT);
          if (type == FieldType.DATE) {
            f.parse(t, LocalDate::from);
          } else {
            f.parseBest(t, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
          }
          return true;
        } catch (IllegalArgumentException | DateTimeException e) {
          return false;
        }
    }
  }

  private static String numberProblem(FieldType type, String t) {
    BigDecimal d;
    try {
      d = new BigDecimal(t);
    } catch (NumberFormatException e) {
      return "is not a number";
    }
    switch (type) {
      case INT:
      case LONG:
        BigDecimal whole;
        try {
          whole = new BigDecimal(d.toBigIntegerExact());
        } catch (ArithmeticException e) {
          return "is not a whole number";
        }
        BigDecimal lo = BigDecimal.valueOf(type == FieldType.INT ? Integer.MIN_VALUE : Long.MIN_VALUE);
        BigDecimal hi = BigDecimal.valueOf(type == FieldType.INT ? Integer.MAX_VALUE : Long.MAX_VALUE);
        return whole.compareTo(lo) < 0 || whole.compareTo(hi) > 0 ? "is out of range for " + type.specName() : null;
      case DOUBLE:
        return d.abs().compareTo(MAX_DOUBLE) > 0 ? "is out of range for double" : null;
      default:
        return null;
    }
  }

  static LocalDate isoDate(String t) {
    try {
      return LocalDate.parse(t.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** An ISO instant, offset date-time, or local date-time (taken in {@code zone}); null when none. */
  static Instant isoTimestamp(String t, ZoneId zone) {
    String s = t.trim();
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(s).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A number as a BigDecimal; null when it is not one. */
  static BigDecimal decimal(String t) {
    try {
      return new BigDecimal(t.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
