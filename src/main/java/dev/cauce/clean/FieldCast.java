package dev.cauce.clean;

import dev.cauce.clean.Conversions.Converter;
import dev.cauce.clean.Conversions.Refused;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * A computed value (a derived field's) cast to its field's type as the cleaning converts text: values
 * already of the type are kept, others are written as text and converted with the field's formats.
 */
public final class FieldCast {

  private final FieldType type;
  private final Converter converter;

  private FieldCast(FieldType type, Converter converter) {
    this.type = type;
    this.converter = converter;
  }

  /**
   * @throws IllegalArgumentException when the field's formats are invalid
   */
  public static FieldCast of(FieldType type, FieldCleaning cleaning, ZoneId zone, String where) {
    return new FieldCast(type, Conversions.of(type, cleaning, zone, where));
  }

  /**
   * The value as the field's typed-row value.
   *
   * @throws IllegalArgumentException naming the value and why it does not fit the type
   */
  public Object cast(Object value) {
    if (value == null) {
      return null;
    }
    switch (type) {
      case DATE -> {
        if (value instanceof LocalDate) {
          return value;
        }
      }
      case TIMESTAMP -> {
        if (value instanceof Instant i) {
          return org.joda.time.Instant.ofEpochMilli(i.toEpochMilli());
        }
      }
      case BOOLEAN -> {
        if (value instanceof Boolean) {
          return value;
        }
      }
      default -> {}
    }
    String text;
    if (value instanceof BigDecimal d) {
      text = d.toPlainString();
    } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
      text = BigDecimal.valueOf(((Number) value).doubleValue()).toPlainString();
    } else {
      text = String.valueOf(value);
    }
    try {
      return converter.convert(text);
    } catch (Refused e) {
      throw new IllegalArgumentException(Cleaner.quote(text) + " " + e.getMessage(), e);
    }
  }
}
