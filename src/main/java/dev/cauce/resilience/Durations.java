package dev.cauce.resilience;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in specs and options: a whole number and a unit, {@code 250ms}, {@code 2s}, {@code 1m}. */
public final class Durations {
  private Durations() {}

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

  public static final String FORMAT = "a whole number with a unit: ms, s or m (such as 250ms, 2s, 1m)";

  /** The duration, or null when {@code text} is not one. */
  public static Duration parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }

  /** {@code 250ms}, {@code 2s}, {@code 1m}: the largest unit that is exact. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
