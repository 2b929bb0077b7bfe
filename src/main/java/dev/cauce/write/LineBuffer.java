package dev.cauce.write;

import java.io.Writer;

/**
 * A reusable {@link Writer} over one {@link StringBuilder}: a generator writes a line into it, the
 * line is taken out, and the buffer is reused for the next record.
 */
final class LineBuffer extends Writer {
  private final StringBuilder sb = new StringBuilder(256);

  @Override
  public void write(char[] cbuf, int off, int len) {
    sb.append(cbuf, off, len);
  }

  @Override
  public void write(int c) {
    sb.append((char) c);
  }

  @Override
  public void write(String str, int off, int len) {
    sb.append(str, off, off + len);
  }

  @Override
  public Writer append(CharSequence csq) {
    sb.append(csq);
    return this;
  }

  /** The buffered text, dropping {@code dropTrailing} characters at its end; empties the buffer. */
  String take(int dropTrailing) {
    String s = sb.substring(0, sb.length() - dropTrailing);
    sb.setLength(0);
    return s;
  }

  void clear() {
    sb.setLength(0);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
