package dev.cauce.write;

import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Formats rows of text values as CSV lines with Jackson's CSV generator: comma separated, a value is
 * quoted when it contains the delimiter, a double quote (doubled inside) or a line break; null is
 * an empty value. One instance per formatter (not thread-safe); generators and buffer are reused.
 *
 * <p>Jackson's strict quoting check quotes on the delimiter, the quote and LF but not on a lone CR.
 * A line with a CR in some value is therefore written by a second generator using Jackson's
 * looser check, which quotes every value containing a character below {@code '-'} (CR, LF, space,
 * punctuation): more quotes than needed on that rare line, but the same values when parsed.
 */
final class CsvLines {
  private static final CsvFactory FACTORY = new CsvFactory();
  private static final String EOL = "\n";
  private static final CsvSchema SCHEMA =
      CsvSchema.emptySchema()
          .withoutHeader()
          .withColumnSeparator(',')
          .withQuoteChar('"')
          .withoutEscapeChar()
          .withLineSeparator(EOL);

  private final LineBuffer buffer = new LineBuffer();
  private CsvGenerator strict = newGenerator(true);
  private CsvGenerator loose = newGenerator(false);

  private CsvGenerator newGenerator(boolean strictQuoting) {
    try {
      CsvGenerator g = FACTORY.createGenerator(buffer);
      g.configure(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING, strictQuoting);
      g.setSchema(SCHEMA);
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One CSV line (without its line terminator) of {@code values}; a null value is empty. */
  String line(String[] values) {
    boolean cr = false;
    for (String v : values) {
      if (v != null && v.indexOf('\r') >= 0) {
        cr = true;
        break;
      }
    }
    CsvGenerator gen = cr ? loose : strict;
    try {
      gen.writeStartArray();
      for (String v : values) {
        // writeNull() would drop the column of a schema-less row: null is written as empty text
        gen.writeString(v == null ? "" : v);
      }
      gen.writeEndArray();
      gen.flush();
      return buffer.take(EOL.length());
    } catch (IOException | RuntimeException e) {
      buffer.clear();
      strict = newGenerator(true);
      loose = newGenerator(false);
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }
}
