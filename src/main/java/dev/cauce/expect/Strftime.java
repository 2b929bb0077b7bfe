package dev.cauce.expect;

import java.time.DateTimeException;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * A Python {@code strftime} format (as {@code expect_column_values_to_match_strftime_format} takes
 * it) turned into a strict java.time parser: a value matches when Python's {@code
 * datetime.strptime(value, format)} would accept it: the whole text, numbers of 1 or 2 digits
 * where strptime takes them, month and day names in English (any case), real dates only.
 */
public final class Strftime {
  private Strftime() {}

  /** The directives supported, for messages. */
  public static final String SUPPORTED = "%Y %y %m %d %H %I %M %S %f %p %j %b %B %a %A %z %%";

  /**
   * The parser of {@code format}.
   *
   * @throws IllegalArgumentException for a directive not in {@link #SUPPORTED}
   */
  public static DateTimeFormatter parser(String format) {
    DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive().parseStrict();
    boolean hasYear = false;
    boolean hasMonth = false;
    boolean hasDay = false;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%') {
        b.appendLiteral(c);
        continue;
      }
      if (i + 1 >= format.length()) {
        throw new IllegalArgumentException("the format ends with a lone %");
      }
      char d = format.charAt(++i);
      switch (d) {
        case 'Y' -> {
          b.appendValue(ChronoField.YEAR, 4);
          hasYear = true;
        }
        case 'y' -> {
          b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
          hasYear = true;
        }
        case 'm' -> {
          b.appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE);
          hasMonth = true;
        }
        case 'd' -> {
          b.appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE);
          hasDay = true;
        }
        case 'H' -> b.appendValue(ChronoField.HOUR_OF_DAY, 1, 2, SignStyle.NOT_NEGATIVE);
        case 'I' -> b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 1, 2, SignStyle.NOT_NEGATIVE);
        case 'M' -> b.appendValue(ChronoField.MINUTE_OF_HOUR, 1, 2, SignStyle.NOT_NEGATIVE);
        case 'S' -> b.appendValue(ChronoField.SECOND_OF_MINUTE, 1, 2, SignStyle.NOT_NEGATIVE);
        case 'f' -> b.appendFraction(ChronoField.MICRO_OF_SECOND, 1, 6, false);
        case 'p' -> b.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
        case 'j' -> {
          b.appendValue(ChronoField.DAY_OF_YEAR, 1, 3, SignStyle.NOT_NEGATIVE);
          hasMonth = hasDay = true;
        }
        case 'b' -> {
          b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
          hasMonth = true;
        }
        case 'B' -> {
          b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
          hasMonth = true;
        }
        case 'a' -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
        case 'A' -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
        case 'z' -> b.appendOffset("+HHMM", "Z");
        case '%' -> b.appendLiteral('%');
        default -> throw new IllegalArgumentException("directive %" + d + " is not supported; supported: " + SUPPORTED);
      }
    }
    if (!hasYear) {
      b.parseDefaulting(ChronoField.YEAR, 1900); // strptime's defaults: 1900-01-01
    }
    if (!hasMonth) {
      b.parseDefaulting(ChronoField.MONTH_OF_YEAR, 1);
    }
    if (!hasDay) {
      b.parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
    }
    return b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
  }

  /** Null when {@code format} is usable, else why not. */
  public static String problem(String format) {
    try {
      parser(format);
      return null;
    } catch (IllegalArgumentException e) {
      return "strftime_format \"" + format + "\": " + e.getMessage();
    }
  }

  /** Whether {@code text} is a valid date/time in the format (the whole text). */
  public static boolean matches(DateTimeFormatter parser, String text) {
    try {
      parser.parse(text);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
