package dev.cauce.write;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A JSON generator writing one JSON value per line into a reusable buffer. One instance per
 * formatter (not thread-safe); the generator and its buffer are reused for every record, and
 * recreated only after a failed record so a half-written value never leaks into the next line.
 */
final class JsonLines {
  /** Thread-safe and shared: decimals in plain notation, no separator between root values. */
  static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  /** Writes one value into the generator it is given. */
  interface Body<T> {
    void write(JsonGenerator gen, T value) throws IOException;
  }

  private final LineBuffer buffer = new LineBuffer();
  private JsonGenerator gen = newGenerator();

  private JsonGenerator newGenerator() {
    try {
      return FACTORY.createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code value} with {@code body} and returns the line (without a line terminator). */
  <T> String line(T value, Body<T> body) {
    try {
      body.write(gen, value);
      gen.flush();
      return buffer.take(0);
    } catch (IOException | RuntimeException e) {
      buffer.clear();
      gen = newGenerator();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }
}
