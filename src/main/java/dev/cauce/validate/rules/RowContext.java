package dev.cauce.validate.rules;

import java.time.Instant;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.jexl3.JexlContext;
import org.joda.time.ReadableInstant;

/**
 * A read-only {@link JexlContext} over a typed {@link Row}: the variables are the row's fields, with
 * timestamps as {@link java.time.Instant} (dates are already {@link java.time.LocalDate}, decimals
 * {@link java.math.BigDecimal}). One is made per evaluation; it only wraps the row, so it is as cheap
 * as it can be and keeps a validator thread-safe.
 */
final class RowContext implements JexlContext {
  private final Row row;

  RowContext(Row row) {
    this.row = row;
  }

  /** A row value as an expression sees it. */
  public static Object expressionValue(Object value) {
    if (value instanceof ReadableInstant i) {
      return Instant.ofEpochMilli(i.getMillis());
    }
    return value;
  }

  @Override
  public Object get(String name) {
    return row.getSchema().hasField(name) ? expressionValue(row.getValue(name)) : null;
  }

  @Override
  public void set(String name, Object value) {
    throw new UnsupportedOperationException("an expression cannot assign " + name);
  }

  @Override
  public boolean has(String name) {
    return row.getSchema().hasField(name);
  }
}
