package dev.cauce.write;

import dev.cauce.write.ValueText.Kind;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Formats typed rows (schema from {@link dev.cauce.coders.Schemas#typed}) as CSV: a header line of the
 * schema's field names, then one line per row with the fields in schema order. Values have the
 * same text as in JSON Lines (see {@link ValueText}); null is an empty value; a value is quoted
 * only when it contains a comma, a double quote (doubled inside) or a line break.
 *
 * <p>Not thread-safe: one instance per writer; its CSV generator and buffer are reused for every row.
 */
public final class RowCsv {
  private final Kind[] kinds;
  private final String header;
  private final String[] values;
  private final CsvLines lines = new CsvLines();

  public RowCsv(Schema schema) {
    this.kinds = ValueText.kindsOf(schema);
    this.values = new String[kinds.length];
    this.header = lines.line(schema.getFieldNames().toArray(String[]::new));
  }

  /** The header line (the field names) of {@code schema}. */
  public static String header(Schema schema) {
    return new RowCsv(schema).header();
  }

  /** The header line: the field names in schema order. */
  public String header() {
    return header;
  }

  /** The row as one CSV line, without a line terminator. */
  public String format(Row row) {
    if (row.getFieldCount() != kinds.length) {
      throw new IllegalArgumentException(
          "row has " + row.getFieldCount() + " fields, the schema " + kinds.length + ": " + row);
    }
    for (int i = 0; i < kinds.length; i++) {
      values[i] = ValueText.text(kinds[i], row.getValue(i));
    }
    return lines.line(values);
  }
}
