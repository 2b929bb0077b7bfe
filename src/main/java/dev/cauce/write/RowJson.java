package dev.cauce.write;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cauce.write.ValueText.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Formats typed rows (schema from {@link dev.cauce.coders.Schemas#typed}) as JSON Lines: one JSON
 * object per row, fields in schema order, nulls as {@code null}. Numbers are JSON numbers (decimals
 * exact, in plain notation), booleans JSON booleans, dates {@code "yyyy-MM-dd"} and timestamps
 * {@code "2024-01-05T10:00:00.000Z"} strings (see {@link ValueText}).
 *
 * <p>Not thread-safe: one instance per writer; its JSON generator and buffer are reused for every row.
 */
public final class RowJson {
  private final Kind[] kinds;
  private final SerializedString[] names;
  private final JsonLines lines = new JsonLines();

  public RowJson(Schema schema) {
    this.kinds = ValueText.kindsOf(schema);
    this.names = schema.getFieldNames().stream().map(SerializedString::new).toArray(SerializedString[]::new);
  }

  /** The row as one JSON object, without a line terminator. */
  public String format(Row row) {
    if (row.getFieldCount() != kinds.length) {
      throw new IllegalArgumentException(
          "row has " + row.getFieldCount() + " fields, the schema " + kinds.length + ": " + row);
    }
    return lines.line(row, this::write);
  }

  private void write(JsonGenerator gen, Row row) throws IOException {
    gen.writeStartObject();
    for (int i = 0; i < kinds.length; i++) {
      gen.writeFieldName(names[i]);
      Object value = row.getValue(i);
      if (value == null) {
        gen.writeNull();
        continue;
      }
      switch (kinds[i]) {
        case INT -> gen.writeNumber((Integer) value);
        case LONG -> gen.writeNumber((Long) value);
        case DOUBLE -> gen.writeNumber((Double) value);
        case DECIMAL -> gen.writeNumber((BigDecimal) value);
        case BOOLEAN -> gen.writeBoolean((Boolean) value);
        default -> gen.writeString(ValueText.text(kinds[i], value));
      }
    }
    gen.writeEndObject();
  }
}
