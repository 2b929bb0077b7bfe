package dev.cauce.clean;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The cleaner's conversions, offered to the spec loader so that a spec is checked with exactly the
 * rules records are converted with (a default, an {@code in} value, a range bound, a format).
 */
public final class TypedValues {
  private TypedValues() {}

  /**
   * Null when {@code text} converts to {@code type} the way the cleaner converts a value of a field
   * with this cleaning (its separators and formats); otherwise why not, e.g. "is not a boolean (...)".
   */
  public static String conversionProblem(FieldType type, FieldCleaning cleaning, ZoneId zone, String text) {
    Conversions.Converter converter;
    try {
      converter = Conversions.of(type, cleaning, zone, "default");
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    try {
      converter.convert(text.trim());
      return null;
    } catch (Conversions.Refused r) {
      return r.getMessage();
    }
  }

  /** Null when the format is iso, epoch_seconds, epoch_millis or a valid pattern; otherwise why not. */
  public static String formatProblem(String format) {
    if (format.equals(Temporals.ISO) || format.equals(Temporals.EPOCH_SECONDS) || format.equals(Temporals.EPOCH_MILLIS)) {
      return null;
    }
    try {
      Temporals.pattern(format);
      return null;
    } catch (IllegalArgumentException e) {
      String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      return "invalid date format \"" + format + "\": " + m
          + "; allowed: iso, epoch_seconds, epoch_millis or a java.time pattern such as dd/MM/yyyy";
    }
  }

  /**
   * A range bound as the validator compares it: BigDecimal for numbers, LocalDate for dates, Instant
   * for timestamps (ISO; a local date-time is taken in {@code zone}); null when it does not parse.
   */
  public static Comparable<?> rangeBound(FieldType type, String text, ZoneId zone) {
    try {
      return switch (type) {
        case DATE -> Temporals.parseIsoDate(text.trim());
        case TIMESTAMP -> Temporals.parseIsoInstant(text.trim(), zone);
        default -> new BigDecimal(text.trim());
      };
    } catch (DateTimeException | NumberFormatException | NullPointerException e) {
      return null;
    }
  }
}
