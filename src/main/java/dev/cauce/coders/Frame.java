package dev.cauce.coders;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;

/**
 * The byte layout behind cauce's coders: a value is built in a reusable buffer ({@link Out}) and
 * written as one length-prefixed frame, and read back as one frame ({@link In}) whose fields are
 * then taken from the array. Both runners hand coders byte-at-a-time streams (the Direct runner
 * clones every element its GroupByKey holds through a synchronized {@code ByteArrayOutputStream};
 * Flink wraps its memory segments), where one call per field showed as the largest cost in the
 * profiles; one bulk write and one bulk read per value does not.
 */
final class Frame {
  private Frame() {}

  /** A growable buffer to build one frame in. */
  static final class Out {
    private byte[] buf = new byte[512];
    private int len;

    private static final ThreadLocal<Out> LOCAL = ThreadLocal.withInitial(Out::new);

    /** This thread's buffer, emptied (coders do not nest frames). */
    static Out local() {
      Out o = LOCAL.get();
      o.len = 0;
      if (o.buf.length > 1 << 20) {
        o.buf = new byte[512]; // do not keep a huge buffer after one huge value
      }
      return o;
    }

    private void room(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(len + n, 2 * buf.length));
      }
    }

    void put(int b) {
      room(1);
      buf[len++] = (byte) b;
    }

    void varLong(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void fixedLong(long v) {
      room(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[len++] = (byte) (v >>> s);
      }
    }

    void bytes(byte[] b) {
      varLong(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    void string(String s) {
      bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A string or null (a presence byte first). */
    void nullableString(String s) {
      if (s == null) {
        put(0);
      } else {
        put(1);
        string(s);
      }
    }

    /** The frame's bytes, without their length. */
    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }

    /** Writes the frame: its length, then its bytes. */
    void writeTo(OutputStream out) throws IOException {
      VarInt.encode(len, out);
      out.write(buf, 0, len);
    }
  }

  /** One frame read back, and a cursor over it. */
  static final class In {
    private final byte[] buf;
    private int pos;

    private In(byte[] buf) {
      this.buf = buf;
    }

    /** A frame's bytes (as {@link Out#toByteArray} gave them), read in place. */
    static In of(byte[] frame) {
      return new In(frame);
    }

    static In readFrom(InputStream in) throws IOException {
      int len = VarInt.decodeInt(in);
      if (len < 0) {
        throw new CoderException("negative frame length " + len);
      }
      byte[] b = new byte[len];
      int off = 0;
      while (off < len) {
        int r = in.read(b, off, len - off);
        if (r < 0) {
          throw new EOFException("frame truncated: " + off + " of " + len + " bytes");
        }
        off += r;
      }
      return new In(b);
    }

    private void need(int n) throws CoderException {
      if (pos + n > buf.length) {
        throw new CoderException("frame too short: needs " + (pos + n) + " bytes, has " + buf.length);
      }
    }

    int get() throws CoderException {
      need(1);
      return buf[pos++] & 0xFF;
    }

    long varLong() throws CoderException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = get();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new CoderException("var-int too long");
    }

    int varInt() throws CoderException {
      return (int) varLong();
    }

    long fixedLong() throws CoderException {
      need(8);
      long v = 0;
      for (int k = 0; k < 8; k++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    private int length() throws CoderException {
      long n = varLong();
      if (n < 0 || n > buf.length - pos) {
        throw new CoderException("field length " + n + " beyond the frame");
      }
      return (int) n;
    }

    byte[] bytes() throws CoderException {
      int n = length();
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String string() throws CoderException {
      int n = length();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    String nullableString() throws CoderException {
      return get() == 0 ? null : string();
    }

    /** The whole frame was used: anything left means writer and reader disagree. */
    void end() throws CoderException {
      if (pos != buf.length) {
        throw new CoderException("frame has " + (buf.length - pos) + " unread bytes");
      }
    }
  }
}
