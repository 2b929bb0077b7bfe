package dev.cauce.write;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Reads published rows back (the inverse of {@link RowJson}, {@link RowCsv} and {@link RowParquet}),
 * only some fields of each: a typed row whose other fields are null. A replay reads the live
 * records' dedupe key and order fields with it. JSON Lines and Parquet give the values exactly; CSV
 * writes null and empty text alike, so an empty CSV value reads as null.
 */
public final class LiveRows {
  // decimals exact: as BigDecimal, trailing zeros kept
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private static final CsvMapper CSV = new CsvMapper();

  private final Schema typed;
  private final int[] fields;
  private final ValueText.Kind[] kinds;

  /** Reads fields {@code fields} (indexes in {@code typed}) of rows of schema {@code typed}. */
  public LiveRows(Schema typed, int[] fields) {
    this.typed = typed;
    this.fields = fields.clone();
    this.kinds = ValueText.kindsOf(typed);
  }

  /** Each row of a JSON Lines or CSV file written by a sink of this schema. */
  public void readText(SinkFormat format, InputStream in, String name, Consumer<Row> each) throws IOException {
    readRecords(format, in, name, (text, row) -> {
      if (row != null) {
        each.accept(row);
      }
    });
  }

  /**
   * {@link #readText} with each record's text as written (JSON Lines: the line; CSV: the row as
   * {@link CsvLines} writes it), for copying records unchanged; a CSV's header comes first, row null.
   */
  public void readRecords(SinkFormat format, InputStream in, String name, BiConsumer<String, Row> each) throws IOException {
    if (format == SinkFormat.JSONL) {
      readJsonLines(in, name, each);
    } else if (format == SinkFormat.CSV) {
      readCsv(in, name, each);
    } else {
      throw new IllegalArgumentException("not a text format: " + format);
    }
  }

  /** The row of a record read from a Parquet file written by a sink of this schema. */
  public Row fromParquet(GenericRecord record) {
    Object[] values = new Object[typed.getFieldCount()];
    for (int i : fields) {
      values[i] = RowParquet.typedValue(kinds[i], record.get(typed.getField(i).getName()));
    }
    return row(values);
  }

  private void readJsonLines(InputStream in, String name, BiConsumer<String, Row> each) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    long number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.isObject()) {
        throw new IOException(name + " line " + number + " is not a JSON object");
      }
      Object[] values = new Object[typed.getFieldCount()];
      for (int i : fields) {
        JsonNode v = n.get(typed.getField(i).getName());
        values[i] = v == null || v.isNull() ? null : parse(i, v.isTextual() ? v.textValue() : v.asText(), name, number);
      }
      each.accept(line, row(values));
    }
  }

  private void readCsv(InputStream in, String name, BiConsumer<String, Row> each) throws IOException {
    try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
        .readValues(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      if (!rows.hasNextValue()) {
        return;
      }
      String[] names = rows.nextValue();
      CsvLines text = new CsvLines();
      each.accept(text.line(names), null);
      List<String> header = Arrays.asList(names);
      int[] columns = new int[typed.getFieldCount()];
      for (int i : fields) {
        columns[i] = header.indexOf(typed.getField(i).getName());
        if (columns[i] < 0) {
          throw new IOException(name + " has no column " + typed.getField(i).getName() + " (header: " + header + ")");
        }
      }
      long number = 1;
      while (rows.hasNextValue()) {
        String[] row = rows.nextValue();
        number++;
        Object[] values = new Object[typed.getFieldCount()];
        for (int i : fields) {
          String value = columns[i] < row.length ? row[columns[i]] : null;
          values[i] = value == null || value.isEmpty() ? null : parse(i, value, name, number);
        }
        each.accept(text.line(row), row(values));
      }
    }
  }

  private Object parse(int field, String text, String name, long number) throws IOException {
    try {
      return ValueText.parse(kinds[field], text);
    } catch (RuntimeException e) {
      throw new IOException(name + " record " + number + ": field " + typed.getField(field).getName()
          + " is not a valid " + kinds[field].name().toLowerCase(java.util.Locale.ROOT), e);
    }
  }

  private Row row(Object[] values) {
    return Row.withSchema(typed).attachValues(Arrays.asList(values));
  }
}
