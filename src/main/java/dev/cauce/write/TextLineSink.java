package dev.cauce.write;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.WritableByteChannel;
import java.util.function.Function;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;

/**
 * A {@link FileIO.Sink} writing one text line per element through {@link TextIO#sink()} (UTF-8,
 * {@code \n} after each line), with an optional header line at the top of every file. FileIO
 * gives every file its own copy of the sink, so the formatter, created in {@link #open}, is used
 * by one writer only.
 */
final class TextLineSink<T> implements FileIO.Sink<T> {
  /** Makes the per-file formatter of elements into lines. */
  interface LineFormat<T> extends Serializable {
    Function<T, String> create();
  }

  private final String header;
  private final LineFormat<T> format;
  private transient TextIO.Sink text;
  private transient Function<T, String> formatter;

  /** {@code header}: written first in every file (also an empty one); null for none. */
  TextLineSink(String header, LineFormat<T> format) {
    this.header = header;
    this.format = format;
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    if (formatter == null) {
      formatter = format.create();
    }
    text = header == null ? TextIO.sink() : TextIO.sink().withHeader(header);
    text.open(channel);
  }

  @Override
  public void write(T element) throws IOException {
    text.write(formatter.apply(element));
  }

  @Override
  public void flush() throws IOException {
    text.flush();
  }
}
