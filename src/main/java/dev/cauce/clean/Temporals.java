package dev.cauce.clean;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.ParsePosition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Date and timestamp formats of cauce specs, shared by cleaning (input formats) and validation
 * (range bounds).
 *
 * <p>Formats: {@value #ISO}, {@value #EPOCH_SECONDS}, {@value #EPOCH_MILLIS}, or a {@link
 * DateTimeFormatter} pattern. Patterns are parsed case-insensitively, with English month and day
 * names, and with {@link ResolverStyle#STRICT} so that impossible dates such as {@code 2023-02-30}
 * are refused; {@code y} (year-of-era, which STRICT cannot resolve without an era) is read as
 * {@code u} (proleptic year), so {@code dd/MM/yyyy} works as everyone expects.
 *
 * <p>{@code iso} for a timestamp accepts {@code 2024-01-05T10:00:00Z}, an offset ({@code +02:00},
 * {@code +0200}, {@code +02}), an optional {@code [Region/Zone]}, fractional seconds, a space instead
 * of the {@code T}, a local date-time without offset (read in the given zone), and a bare date (its
 * start of day in the given zone). {@code iso} for a date accepts only {@code 2024-01-05}.
 */
public final class Temporals {
  private Temporals() {}

  public static final String ISO = "iso";
  public static final String EPOCH_SECONDS = "epoch_seconds";
  public static final String EPOCH_MILLIS = "epoch_millis";

  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  /** ISO local date, optionally followed by a time, an offset and a zone region in brackets. */
  private static final DateTimeFormatter ISO_DATE_TIME =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMMss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalStart()
          .appendLiteral('[')
          .parseCaseSensitive()
          .appendZoneRegionId()
          .appendLiteral(']')
          .optionalEnd()
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT)
          .withChronology(IsoChronology.INSTANCE);

  /**
   * Builds a strict, case-insensitive formatter from a java.time pattern ({@code y} read as {@code u}).
   *
   * @throws IllegalArgumentException when the pattern is invalid
   */
  public static DateTimeFormatter pattern(String pattern) {
    return new DateTimeFormatterBuilder()
        .parseCaseInsensitive()
        .appendPattern(strictYears(pattern))
        .toFormatter(Locale.ENGLISH)
        .withResolverStyle(ResolverStyle.STRICT)
        .withChronology(IsoChronology.INSTANCE);
  }

  /** Replaces the year-of-era letter {@code y} by {@code u} outside quoted literals. */
  static String strictYears(String pattern) {
    StringBuilder sb = new StringBuilder(pattern.length());
    boolean quoted = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      sb.append(!quoted && c == 'y' ? 'u' : c);
    }
    return sb.toString();
  }

  /**
   * Parses an ISO timestamp (see the class comment) to an instant.
   *
   * @param zone the zone of a date-time written without an offset or zone
   * @throws DateTimeException when the text is not an ISO timestamp or names an impossible instant
   */
  public static Instant parseIsoInstant(String text, ZoneId zone) {
    Instant i = tryIsoInstant(text, zone);
    if (i == null) {
      throw new DateTimeException("not an ISO timestamp: \"" + text + "\"");
    }
    return i;
  }

  /** Like {@link #parseIsoInstant} but null (cheaply) when the text does not have an ISO shape. */
  static Instant tryIsoInstant(String text, ZoneId zone) {
    Instant fast = utcFastPath(text);
    if (fast != null) {
      return fast;
    }
    TemporalAccessor t = parseFully(ISO_DATE_TIME, isoSpaceToT(text));
    return t == null ? null : toInstant(t, zone);
  }

  /**
   * The commonest ISO shape, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (T and Z in either case), read
   * without a DateTimeFormatter (whose optional sections copy their parse state; the profile showed
   * it as the costliest part of cleaning); null for any other shape, which the formatter then reads.
   * Impossible values (month 13, February 30, hour 24, second 60) return null too, so the STRICT
   * formatter refuses them exactly as before.
   */
  static Instant utcFastPath(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || n == 21) {
      return null;
    }
    char z = s.charAt(n - 1);
    char t = s.charAt(10);
    if ((z != 'Z' && z != 'z') || (t != 'T' && t != 't') || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    int nano = 0;
    if (n > 20) {
      if (s.charAt(19) != '.') {
        return null;
      }
      int fraction = digits(s, 20, n - 1); // 1 to 9 digits
      if (fraction < 0) {
        return null;
      }
      nano = fraction;
      for (int i = n - 1 - 20; i < 9; i++) {
        nano *= 10;
      }
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nano).toInstant(java.time.ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // impossible values: the formatter throws, with its own message
    }
  }

  /** The decimal value of s[from, to), or -1 when any of them is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * Parses an ISO local date ({@code 2024-01-05}).
   *
   * @throws DateTimeException when the text is not one or names an impossible date
   */
  public static LocalDate parseIsoDate(String text) {
    return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
  }

  /**
   * Parses text with a formatter, returning null (cheaply, without an exception) when the text does
   * not have the formatter's shape, and throwing {@link DateTimeException} when it has the shape but
   * names an impossible value (such as February 30).
   */
  static TemporalAccessor parseFully(DateTimeFormatter formatter, String text) {
    ParsePosition pos = new ParsePosition(0);
    if (formatter.parseUnresolved(text, pos) == null || pos.getIndex() != text.length()) {
      return null;
    }
    return formatter.parse(text);
  }

  /** The instant of a parsed value: with its own offset or zone, else in {@code zone}. */
  static Instant toInstant(TemporalAccessor t, ZoneId zone) {
    if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
      return Instant.from(t);
    }
    if (t.isSupported(ChronoField.HOUR_OF_DAY)) {
      return LocalDateTime.from(t).atZone(zone).toInstant();
    }
    return LocalDate.from(t).atStartOfDay(zone).toInstant();
  }

  /** Seconds or milliseconds since the epoch (fractions allowed) to an instant, floored to the millisecond. */
  static Instant fromEpoch(String text, boolean seconds) {
    BigDecimal n = new BigDecimal(text);
    if (seconds) {
      n = n.multiply(THOUSAND);
    }
    int integerDigits = n.precision() - n.scale();
    if (n.signum() == 0 || integerDigits <= 0) {
      // |n| < 1 (checked without setScale, which is slow for huge exponents such as 1e-999999999)
      return Instant.ofEpochMilli(n.signum() < 0 ? -1 : 0);
    }
    if (integerDigits > 19) {
      throw new ArithmeticException("beyond the range of timestamps");
    }
    return Instant.ofEpochMilli(n.setScale(0, RoundingMode.FLOOR).longValueExact());
  }

  private static String isoSpaceToT(String text) {
    int space = text.indexOf(' ');
    return space > 0 && text.indexOf('T') < 0 && text.indexOf('t') < 0
        ? text.substring(0, space) + 'T' + text.substring(space + 1)
        : text;
  }
}
