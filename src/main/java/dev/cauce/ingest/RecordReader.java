package dev.cauce.ingest;

import dev.cauce.core.Reasons;
import dev.cauce.core.SourceRecord;
import dev.cauce.core.Violation;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Splits one already-decompressed input file into records, streaming over its bytes.
 *
 * <p>Every record found is handed to the {@link RecordSink} exactly once: either as a {@link
 * SourceRecord} ({@link RecordSink#record}) or as a rejection ({@link RecordSink#reject}) with one of the
 * ingest reason codes {@link Reasons#INVALID_UTF8}, {@link Reasons#RECORD_TOO_LONG} or {@link
 * Reasons#UNREADABLE_INPUT}. Bad content never throws.
 *
 * <ul>
 *   <li>A UTF-8 byte order mark at the start of the file is dropped.
 *   <li>Records end at LF or CRLF; the terminator is not part of the record. A lone CR is data.
 *   <li>Lines holding only spaces, tabs and CRs are skipped: they are not records.
 *   <li>{@code jsonl}: one record per line. {@code csv}: a quoted field (the spec's quote char at
 *       the start of a field) may hold delimiters, doubled quotes and line breaks; such a record
 *       spans several physical lines and keeps its embedded line breaks. With {@code header: true}
 *       the first record is the header: not a record itself, its text is attached to every
 *       following record. A quote left open at the end of the file makes the rest of the file one
 *       record (which the parser rejects as malformed CSV).
 *   <li>Line numbers are 1-based physical lines; a record's line is the one it starts on.
 *   <li>At most {@code maxRecordBytes} bytes of a record are held in memory (at least {@value
 *       #PREVIEW_BYTES}, for the preview of a rejected long record); a longer record is rejected
 *       and skipped without being buffered.
 * </ul>
 *
 * <p>A CSV header that is not valid UTF-8 is rejected (so the problem is visible and counted) and
 * then still used, decoded with replacement characters. A header longer than the limit is rejected
 * and the following records carry no header.
 *
 * <p>Instances are cheap but not thread-safe: use one per thread (e.g. per DoFn instance).
 */
public final class RecordReader {
  /** How many characters of a too-long record are kept as its dead-letter text. */
  public static final int PREVIEW_CHARS = 1024;

  /** How many bytes of a too-long record are kept to build its preview (4 bytes per char at most). */
  static final int PREVIEW_BYTES = 4 * PREVIEW_CHARS;

  private static final int CHUNK_BYTES = 64 * 1024;
  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final boolean csv;
  private final boolean csvHeader;
  private final byte delimiter;
  private final byte quote;
  private final int maxRecordBytes;
  /** The most bytes of one record ever held: the record itself, or a too-long record's preview. */
  private final int holdLimit;
  private final CharsetDecoder strictUtf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] chunk = new byte[CHUNK_BYTES];
  private CharBuffer chars = CharBuffer.allocate(1024);

  /**
   * @param source the spec's source; for {@code csv} its dialect (the default dialect when absent).
   *     The CSV delimiter and quote must be ASCII characters.
   * @param maxRecordBytes the largest record accepted, in bytes (without its line terminator)
   */
  public RecordReader(SourceSpec source, int maxRecordBytes) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(source.format(), "source.format");
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive, got " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
    this.holdLimit = Math.max(maxRecordBytes, PREVIEW_BYTES);
    this.csv = source.format() == SourceSpec.Format.CSV;
    CsvSpec dialect = source.csv() == null ? CsvSpec.DEFAULT : source.csv();
    this.csvHeader = csv && dialect.header();
    this.delimiter = csv ? asciiByte(dialect.delimiter(), "delimiter") : 0;
    this.quote = csv ? asciiByte(dialect.quote(), "quote") : 0;
  }

  private static byte asciiByte(char c, String what) {
    if (c == '\n' || c == '\r' || c > 0x7F) {
      throw new IllegalArgumentException(
          "the CSV " + what + " must be an ASCII character other than CR and LF, got U+"
              + String.format("%04X", (int) c));
    }
    return (byte) c;
  }

  /**
   * Reads {@code in} to its end (or to the first read error), handing every record to {@code sink}.
   * Does not close {@code in}.
   *
   * @param sourceName the name records carry as their {@link SourceRecord#source()}
   */
  public void read(String sourceName, InputStream in, RecordSink sink) {
    new Pass(sourceName, in, sink).run();
  }

  /** The violation for an input that cannot be read (further), at {@code line}. */
  public static Violation unreadable(long line, Exception e) {
    return Violation.of(
        Reasons.UNREADABLE_INPUT,
        "could not read the input at line " + line + ": " + describe(e) + "; the rest of the file is skipped");
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m;
  }

  /** CSV scanner states (the position within the current field). */
  private enum Csv {
    FIELD_START,
    UNQUOTED,
    QUOTED,
    QUOTE_IN_QUOTED
  }

  /** The state of reading one file. */
  private final class Pass {
    private final String source;
    private final InputStream in;
    private final RecordSink sink;

    private byte[] record = new byte[Math.min(8 * 1024, holdLimit)];
    /** Bytes of the current record held in {@link #record}. */
    private int held;
    /** Bytes of the current record seen so far (may exceed what is held). */
    private long size;
    private boolean blank = true;
    private boolean pendingCr;
    private Csv state = Csv.FIELD_START;

    private long line = 1;
    private long recordLine = 1;
    private boolean headerPending = csvHeader;
    private String header;

    Pass(String source, InputStream in, RecordSink sink) {
      this.source = source;
      this.in = in;
      this.sink = sink;
    }

    void run() {
      boolean atStart = true;
      while (true) {
        int n;
        try {
          n = atStart ? readStart() : in.read(chunk, 0, chunk.length);
        } catch (IOException | RuntimeException e) {
          // Only failures of the stream itself land here (corrupt compression, I/O errors).
          failed(e instanceof UncheckedIOException u ? u.getCause() : e);
          return;
        }
        if (n < 0) {
          break;
        }
        int from = 0;
        if (atStart) {
          atStart = false;
          if (n >= 3 && (chunk[0] & 0xFF) == 0xEF && (chunk[1] & 0xFF) == 0xBB && (chunk[2] & 0xFF) == 0xBF) {
            from = 3;
          }
        }
        for (int i = from; i < n; i++) {
          accept(chunk[i]);
        }
      }
      if (pendingCr) {
        pendingCr = false;
        data(CR);
      }
      if (size > 0) {
        endRecord();
      }
    }

    /** Reads the first chunk, at least 3 bytes unless the stream is shorter, to see a BOM. */
    private int readStart() throws IOException {
      int n = 0;
      while (n < 3) {
        int r = in.read(chunk, n, chunk.length - n);
        if (r < 0) {
          return n == 0 ? -1 : n;
        }
        n += r;
      }
      return n;
    }

    private void accept(byte b) {
      if (pendingCr) {
        pendingCr = false;
        if (b == LF && state != Csv.QUOTED) {
          lineFeed(); // a CRLF terminator: the CR is not part of the record
          return;
        }
        data(CR);
      }
      if (b == CR) {
        pendingCr = true;
      } else if (b == LF) {
        lineFeed();
      } else {
        data(b);
      }
    }

    private void lineFeed() {
      if (state == Csv.QUOTED) {
        data(LF); // a line break inside a quoted CSV field belongs to the record
        line++;
        return;
      }
      endRecord();
      line++;
      recordLine = line;
    }

    private void data(byte b) {
      if (csv) {
        state = next(state, b);
      }
      if (blank && b != ' ' && b != '\t' && b != CR) {
        blank = false;
      }
      size++;
      if (held < holdLimit && (size <= maxRecordBytes || held < PREVIEW_BYTES)) {
        if (held == record.length) {
          record = Arrays.copyOf(record, (int) Math.min((long) holdLimit, 2L * record.length));
        }
        record[held++] = b;
      }
    }

    private Csv next(Csv s, byte b) {
      return switch (s) {
        case FIELD_START -> b == quote ? Csv.QUOTED : b == delimiter ? Csv.FIELD_START : Csv.UNQUOTED;
        case UNQUOTED -> b == delimiter ? Csv.FIELD_START : Csv.UNQUOTED;
        case QUOTED -> b == quote ? Csv.QUOTE_IN_QUOTED : Csv.QUOTED;
        case QUOTE_IN_QUOTED -> b == quote ? Csv.QUOTED : b == delimiter ? Csv.FIELD_START : Csv.UNQUOTED;
      };
    }

    /** The current record is complete: emit it (or skip it, if blank) and start the next. */
    private void endRecord() {
      try {
        if (size == 0 || blank) {
          return;
        }
        if (size > maxRecordBytes) {
          tooLong();
        } else if (headerPending) {
          headerPending = false;
          header = decodeStrict();
          if (header == null) {
            header = lenient(held);
            sink.reject(
                new SourceRecord(source, recordLine, header, null),
                Violation.of(Reasons.INVALID_UTF8, "CSV header: " + utf8Problem()));
          }
        } else {
          String text = decodeStrict();
          if (text != null) {
            sink.record(new SourceRecord(source, recordLine, text, header));
          } else {
            sink.reject(
                new SourceRecord(source, recordLine, lenient(held), header),
                Violation.of(Reasons.INVALID_UTF8, utf8Problem()));
          }
        }
      } finally {
        reset();
      }
    }

    private void tooLong() {
      String what = headerPending ? "CSV header" : "record";
      SourceRecord origin = new SourceRecord(source, recordLine, preview(), headerPending ? null : header);
      headerPending = false;
      sink.reject(
          origin,
          Violation.of(
              Reasons.RECORD_TOO_LONG,
              what + " is " + size + " bytes, longer than the limit of " + maxRecordBytes
                  + " bytes (--maxRecordBytes); it was skipped"));
    }

    private String preview() {
      String text = lenient(Math.min(held, PREVIEW_BYTES));
      if (text.length() > PREVIEW_CHARS) {
        int cut = Character.isHighSurrogate(text.charAt(PREVIEW_CHARS - 1)) ? PREVIEW_CHARS - 1 : PREVIEW_CHARS;
        text = text.substring(0, cut);
      }
      return text + "…";
    }

    private String lenient(int length) {
      return new String(record, 0, length, StandardCharsets.UTF_8);
    }

    private int badOffset;

    /** The held record decoded as strict UTF-8, or null (with {@link #badOffset} set) if invalid. */
    private String decodeStrict() {
      if (chars.capacity() < held) {
        chars = CharBuffer.allocate(Math.max(held, 2 * chars.capacity()));
      }
      chars.clear();
      ByteBuffer bytes = ByteBuffer.wrap(record, 0, held);
      strictUtf8.reset();
      CoderResult r = strictUtf8.decode(bytes, chars, true);
      if (!r.isError()) {
        r = strictUtf8.flush(chars);
      }
      if (r.isError()) {
        badOffset = bytes.position();
        return null;
      }
      chars.flip();
      return chars.toString();
    }

    private String utf8Problem() {
      return "invalid UTF-8 at byte offset " + badOffset + " of the record (0-based, byte 0x"
          + String.format("%02X", record[badOffset] & 0xFF) + ")";
    }

    private void reset() {
      held = 0;
      size = 0;
      blank = true;
      state = Csv.FIELD_START;
      if (record.length > 64 * 1024) {
        record = new byte[8 * 1024]; // do not keep a huge buffer after one huge record
      }
    }

    /** The stream failed: the record in progress (if any) and the rest of the file are one rejection. */
    private void failed(Exception e) {
      String partial = size == 0 ? "" : preview();
      if (size > 0 && size <= PREVIEW_BYTES && held == size) {
        partial = lenient(held);
      }
      sink.reject(new SourceRecord(source, line, partial, header), unreadable(line, e));
    }
  }
}
