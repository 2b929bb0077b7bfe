package dev.cauce.validate.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The functions of cauce expressions, callable without a prefix: {@code abs(x)}, {@code min(a, b)},
 * {@code max(a, b)}, {@code round(x, digits)}, {@code minutes_between(a, b)}, {@code
 * hours_between(a, b)}, {@code days_between(a, b)}, {@code length(s)}, {@code extract(s, pattern,
 * group)} (the group of the pattern's first match in s, null when it does not match; RE2/J, see {@link
 * dev.cauce.regex.UserRegex}), and the null-aware {@code coalesce(a, b, ...)}, {@code is_null(x)} and
 * {@code is_not_null(x)} ({@code if(c, a, b)} is rewritten to a ternary, {@link Expressions#compile}).
 *
 * <p>Numbers keep their kind where they can: {@code abs} and {@code round} of a BigDecimal are
 * BigDecimals, of a Double Doubles, of an integer integers. {@code round} rounds half away from
 * zero ({@link RoundingMode#HALF_UP}); negative digits round to tens, hundreds... The {@code
 * *_between} functions return {@code b − a}: for two Instants as a Double with the fraction ({@code
 * minutes_between} of 90 seconds is 1.5), for two LocalDates as a Long of whole days (times 24 or
 * 1440 for hours and minutes); mixing an Instant and a LocalDate is an error. {@code length} counts
 * Unicode code points. A wrong argument throws, which fails the rule with a message; it never
 * escapes the validator.
 */
public final class ExpressionFunctions {
  private ExpressionFunctions() {}

  /** The functions, in the README's order (a test checks they are this class's public methods). */
  public static final List<String> NAMES =
      List.of("abs", "min", "max", "round", "minutes_between", "hours_between", "days_between", "length",
          "extract", "coalesce", "is_null", "is_not_null");

  /** The null-aware functions (and {@code if}): an expression calling one is applied to records with nulls too. */
  public static final List<String> NULL_AWARE = List.of("coalesce", "is_null", "is_not_null", "if");

  /** {@code round}'s digits are between minus and plus this (a double has 17 significant digits). */
  public static final int MAX_ROUND_DIGITS = 100;

  /** The most digits {@code round} may write: a decimal such as 1E+999999999 would need a billion. */
  static final int MAX_ROUNDED_DIGITS = 1_000;

  public static Object abs(Object x) {
    if (x instanceof Integer i) {
      return i == Integer.MIN_VALUE ? (Object) (-(long) i) : (Object) Math.abs(i);
    }
    if (x instanceof Long l) {
      return l == Long.MIN_VALUE ? (Object) BigDecimal.valueOf(l).negate() : (Object) Math.abs(l);
    }
    if (x instanceof BigDecimal d) {
      return d.abs();
    }
    if (x instanceof Number n) {
      return Math.abs(n.doubleValue());
    }
    throw new IllegalArgumentException("abs needs a number, got " + describe(x));
  }

  public static Object min(Object a, Object b) {
    return compare(a, b, "min") <= 0 ? a : b;
  }

  public static Object max(Object a, Object b) {
    return compare(a, b, "max") >= 0 ? a : b;
  }

  public static Object round(Object x, Object digits) {
    if (!(digits instanceof Integer || digits instanceof Long || digits instanceof Short || digits instanceof Byte)) {
      throw new IllegalArgumentException("round needs whole digits, got " + describe(digits));
    }
    long wanted = ((Number) digits).longValue();
    if (Math.abs(wanted) > MAX_ROUND_DIGITS) {
      throw new IllegalArgumentException(roundDigitsProblem(wanted));
    }
    int d = (int) wanted;
    if (x instanceof BigDecimal b) {
      return round(b, d);
    }
    if (x instanceof Integer || x instanceof Long || x instanceof Short || x instanceof Byte) {
      long l = ((Number) x).longValue();
      return d >= 0 ? l : round(BigDecimal.valueOf(l), d).longValueExact();
    }
    if (x instanceof Number n) {
      double v = n.doubleValue();
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return v;
      }
      return round(BigDecimal.valueOf(v), d).doubleValue();
    }
    throw new IllegalArgumentException("round needs a number, got " + describe(x));
  }

  /** Why {@code digits} is refused as round's second argument. */
  public static String roundDigitsProblem(long digits) {
    return "round digits must be between -" + MAX_ROUND_DIGITS + " and " + MAX_ROUND_DIGITS + ", got " + digits;
  }

  /** HALF_UP to {@code d} digits, with work bounded by the value's own digits and MAX_ROUNDED_DIGITS. */
  private static BigDecimal round(BigDecimal b, int d) {
    long before = (long) b.precision() - b.scale(); // digits before the point (negative for 0.00x)
    if (before + d > MAX_ROUNDED_DIGITS) {
      throw new IllegalArgumentException("round(x, " + d + ") of a number with " + before + " digits before the point "
          + "would make " + (before + d) + " digits; the limit is " + MAX_ROUNDED_DIGITS);
    }
    if (before + d < 0) {
      return BigDecimal.ZERO.setScale(d); // below a tenth of the last kept place: HALF_UP gives 0
    }
    return b.setScale(d, RoundingMode.HALF_UP);
  }

  public static Object minutes_between(Object a, Object b) {
    return between(a, b, "minutes_between", 60_000L, 1_440L);
  }

  public static Object hours_between(Object a, Object b) {
    return between(a, b, "hours_between", 3_600_000L, 24L);
  }

  public static Object days_between(Object a, Object b) {
    return between(a, b, "days_between", 86_400_000L, 1L);
  }

  /** The first argument that is not null, or null. */
  public static Object coalesce(Object first, Object... rest) {
    if (first != null) {
      return first;
    }
    for (Object o : rest) {
      if (o != null) {
        return o;
      }
    }
    return null;
  }

  public static boolean is_null(Object x) {
    return x == null;
  }

  public static boolean is_not_null(Object x) {
    return x != null;
  }

  public static int length(Object s) {
    if (s instanceof CharSequence cs) {
      return Character.codePointCount(cs, 0, cs.length());
    }
    throw new IllegalArgumentException("length needs a string, got " + describe(s));
  }

  public static String extract(Object s, Object pattern, Object group) {
    if (!(s instanceof CharSequence text)) {
      throw new IllegalArgumentException("extract needs a string, got " + describe(s));
    }
    if (!(pattern instanceof String p)) {
      throw new IllegalArgumentException("extract needs a pattern string, got " + describe(pattern));
    }
    if (!(group instanceof Integer || group instanceof Long)) {
      throw new IllegalArgumentException("extract needs a whole group number, got " + describe(group));
    }
    com.google.re2j.Matcher m = dev.cauce.regex.UserRegex.cached(p).matcher(text);
    long g = ((Number) group).longValue();
    if (g < 0 || g > m.groupCount()) {
      throw new IllegalArgumentException("extract group " + g + " is not in the pattern (it has " + m.groupCount() + ")");
    }
    return m.find() ? m.group((int) g) : null;
  }

  private static Object between(Object a, Object b, String fn, long millisPerUnit, long unitsPerDay) {
    if (a instanceof Instant x && b instanceof Instant y) {
      Duration d = Duration.between(x, y);
      return d.toMillis() / (double) millisPerUnit;
    }
    if (a instanceof LocalDate x && b instanceof LocalDate y) {
      return Math.multiplyExact(ChronoUnit.DAYS.between(x, y), unitsPerDay);
    }
    throw new IllegalArgumentException(
        fn + " needs two timestamps or two dates, got " + describe(a) + " and " + describe(b));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b, String fn) {
    if (a instanceof Number x && b instanceof Number y) {
      return toBigDecimal(x, fn).compareTo(toBigDecimal(y, fn));
    }
    if (a instanceof Comparable c && b != null && a.getClass() == b.getClass()) {
      return c.compareTo(b);
    }
    throw new IllegalArgumentException(fn + " cannot compare " + describe(a) + " and " + describe(b));
  }

  private static BigDecimal toBigDecimal(Number n, String fn) {
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(fn + " of a non-finite number " + d);
      }
      return BigDecimal.valueOf(d);
    }
    if (n instanceof java.math.BigInteger i) {
      return new BigDecimal(i);
    }
    return BigDecimal.valueOf(n.longValue());
  }

  private static String describe(Object x) {
    return x == null ? "null" : x.getClass().getSimpleName() + " " + x;
  }
}
