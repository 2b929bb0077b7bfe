package dev.cauce.ingest;

import dev.cauce.model.RecordSink;
import dev.cauce.model.Reasons;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
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
 *   <li>Lines holding only spaces, tabs and CRs (or nothing) are skipped as blank: they are not records.
 *   <li>{@code jsonl}: one record per line. {@code csv}: a quoted field (the spec's quote char at
 *       the start of a field) may hold delimiters, doubled quotes and line breaks; such a record
 *       spans several physical lines and keeps its embedded line breaks. With {@code header: true}
 *       the first record is the header: not a record itself, its text is attached to every
 *       following record.
 *   <li>A CSV record spanning lines may span at most {@code maxQuotedLines} lines and {@code
 *       maxQuotedBytes} bytes (the dialect's bounds), and must end before the input does. Else its
 *       quote is unterminated: its first line is rejected ({@link Reasons#UNTERMINATED_QUOTE}, the
 *       line whole up to {@code maxRecordBytes}, then cut with "…") and the lines after it are
 *       scanned again as records, so a stray quote costs one line, not the rest of the file. The
 *       bytes past the first line are kept (at most the bytes bound) to scan them again. Lines
 *       scanned again lie where a quote stayed open: a record starting there that spans lines
 *       is cut at once, so every byte is scanned at most about twice.
 *   <li>Every physical line is told to the sink once: in a record or rejection ({@link
 *       RecordSink#linesInRecord}), or skipped ({@link RecordSink#linesSkipped}: {@value
 *       #SKIP_BLANK}, {@value #SKIP_HEADER}).
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
  /** Why lines are skipped ({@link RecordSink#linesSkipped}): empty or only spaces, tabs and CRs. */
  public static final String SKIP_BLANK = "blank";
  /** Why lines are skipped: the CSV header's lines. */
  public static final String SKIP_HEADER = "header";

  /** How many characters of a too-long record are kept as its dead-letter text. */
  public static final int PREVIEW_CHARS = 1024;

  /** How many bytes of a too-long record are kept to build its preview (4 bytes per char at most). */
  static final int PREVIEW_BYTES = 4 * PREVIEW_CHARS;

  private static final int CHUNK_BYTES = 64 * 1024;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final boolean csv;
  private final boolean csvHeader;
  private final byte delimiter;
  private final byte quote;
  private final int maxRecordBytes;
  private final int maxQuotedLines;
  private final int maxQuotedBytes;
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
    this.maxQuotedLines = dialect.maxQuotedLines();
    this.maxQuotedBytes = dialect.maxQuotedBytes();
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
    new Pass(sourceName, in, sink, Split.WHOLE).run();
  }

  /**
   * Reads one split of a file planned by {@link #plan}: {@code in} must be positioned at the split's
   * start and end where the split ends (or at the end of the file, for the last one). The records
   * and rejections are exactly those a {@link #read} of the whole file gives for that byte range,
   * with the same line numbers and CSV header.
   */
  public void read(String sourceName, InputStream in, RecordSink sink, Split split) {
    new Pass(sourceName, in, sink, split).run();
  }

  /**
   * A CSV file's header as a whole {@link #read} takes it: its text (null when the file has no
   * usable header: empty, too long, an unterminated quote) and the rejection the read gives the
   * header line, if any (a header with invalid UTF-8 is rejected and still used).
   */
  public record Header(String text, Violation problem) {}

  /**
   * Reads the header of a CSV file with {@code header: true} from the start of {@code in} (the file
   * decompressed), reading no further than the header's end; does not close {@code in}. A stream
   * that fails before is a {@link Reasons#UNREADABLE_INPUT} problem.
   */
  public Header header(InputStream in) {
    if (!csvHeader) {
      throw new IllegalStateException("only a CSV source with header: true has a header line");
    }
    Violation[] problem = new Violation[1];
    RecordSink first = new RecordSink() {
      @Override
      public void record(SourceRecord r) {}

      @Override
      public void reject(SourceRecord origin, Violation v) {
        problem[0] = problem[0] == null ? v : problem[0];
      }

      @Override
      public void linesInRecord(long lines) {}

      @Override
      public void linesSkipped(String reason, long lines) {}
    };
    Pass pass = new Pass("", in, first, Split.WHOLE);
    pass.headerOnly = true;
    pass.run();
    return new Header(pass.header, problem[0]);
  }

  /**
   * Where one part of a file starts: its byte offset, the line number of its first byte, and (CSV
   * with a header) the header its records carry. The first split of a file starts at 0 and reads
   * the BOM and the header itself.
   */
  public record Split(long start, long line, String header) {
    public static final Split WHOLE = new Split(0, 1, null);

    public boolean first() {
      return start == 0;
    }
  }

  /**
   * Plans how to read one uncompressed file in parts: scans {@code in} (the whole file from its
   * start) once for record boundaries, without decoding records, and returns the start of every
   * part, each at least {@code targetBytes} after the previous one and always at the start of a
   * record (after a line feed that ends one: a line break inside a quoted CSV field never splits).
   * Reading every split with {@link #read(String, InputStream, RecordSink, Split)} gives exactly
   * the records of one whole {@link #read}. The first split is always {@link Split#WHOLE}'s start.
   *
   * @throws IOException if the file cannot be read; the caller then reads it whole, which reports
   *     the problem as an {@code unreadable_input} rejection
   */
  public java.util.List<Split> plan(InputStream in, long targetBytes) throws IOException {
    if (targetBytes < 1) {
      throw new IllegalArgumentException("targetBytes must be positive, got " + targetBytes);
    }
    java.util.List<Split> splits = new java.util.ArrayList<>();
    splits.add(Split.WHOLE);
    if (!csv) {
      // JSON Lines: every line feed ends a record, so a plain byte scan finds the boundaries
      long offset = 0;
      long line = 1;
      long next = targetBytes;
      int n;
      while ((n = in.read(chunk, 0, chunk.length)) >= 0) {
        int i = 0;
        while (i < n) {
          if (i + 8 <= n) {
            // eight bytes at a time: most words hold no line feed (a record is ~100-300 bytes)
            long x = (long) LONGS.get(chunk, i) ^ 0x0A0A0A0A0A0A0A0AL;
            if (((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) == 0) {
              i += 8;
              continue;
            }
          }
          for (int end = Math.min(i + 8, n); i < end; i++) {
            if (chunk[i] == LF) {
              line++;
              long boundary = offset + i + 1;
              if (boundary >= next) {
                splits.add(new Split(boundary, line, null));
                next = boundary + targetBytes;
              }
            }
          }
        }
        offset += n;
      }
      dropEmptyLast(splits, offset);
      return splits;
    }
    Pass scan = new Pass("", in, null, Split.WHOLE);
    scan.planTarget = targetBytes;
    scan.plan = splits;
    scan.run();
    if (scan.failure != null) {
      throw scan.failure;
    }
    dropEmptyLast(splits, scan.offset);
    return splits;
  }

  /** A split starting at the very end of the file would read nothing. */
  private static void dropEmptyLast(java.util.List<Split> splits, long size) {
    if (splits.size() > 1 && splits.get(splits.size() - 1).start() >= size) {
      splits.remove(splits.size() - 1);
    }
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

    /** The bytes being scanned: a chunk of the stream, or a cut record's lines to scan again then the rest of the chunk. */
    private byte[] input = chunk;
    private int pos;
    private int end;

    private byte[] record = new byte[Math.min(8 * 1024, holdLimit)];
    /** Bytes of the current record held in {@link #record}. */
    private int held;
    /** Bytes of the current record seen so far (may exceed what is held). */
    private long size;
    private boolean blank = true;
    private boolean pendingCr;
    private Csv state = Csv.FIELD_START;
    /** Whether the current physical line has a byte yet (a BOM or a lone CR counts). */
    private boolean lineStarted;

    /**
     * A CSV record that went past its first line: the bytes after that line as read (to scan them
     * again if the record is cut), and the first line's length within the record.
     */
    private boolean spanning;
    private byte[] tail = new byte[0];
    private int tailLength;
    private long tailOffset;
    private long firstLineSize;
    private int firstLineHeld;
    private boolean cutDue;
    /** Where the current record starts, and up to where the last cut record's quote stayed open. */
    private long recordOffset;
    private long openUntil = -1;

    private long line;
    private long recordLine;
    private boolean headerPending;
    private String header;
    private final boolean first;
    /** Reading only the header ({@link #header}): stop once it is taken or refused. */
    private boolean headerOnly;

    /** Planning ({@link #plan}): the splits found so far (null when reading), and their size. */
    private java.util.List<Split> plan;
    private long planTarget;
    /** The offset of the next byte to scan in the part; after the run, the number of bytes read. */
    private long offset;
    private IOException failure;

    Pass(String source, InputStream in, RecordSink sink, Split split) {
      this.source = source;
      this.in = in;
      this.sink = sink;
      this.first = split.first();
      this.line = split.line();
      this.recordLine = split.line();
      this.headerPending = csvHeader && first;
      this.header = split.header();
    }

    void run() {
      boolean atStart = first;
      while (true) {
        if (pos == end) {
          input = chunk;
          pos = 0;
          end = 0;
          int n;
          try {
            n = atStart ? readStart() : in.read(chunk, 0, chunk.length);
          } catch (IOException | RuntimeException e) {
            // Only failures of the stream itself land here (corrupt compression, I/O errors).
            if (plan != null) {
              failure = e instanceof IOException io ? io : new IOException(e);
              return;
            }
            failed(e instanceof UncheckedIOException u ? u.getCause() : e);
            return;
          }
          if (n < 0) {
            if (spanning && state == Csv.QUOTED) {
              cut(); // the input ends inside a record spanning lines: its quote never closed
              continue;
            }
            break; // a record spanning lines whose quote closed ends with the input
          }
          end = n;
          if (atStart) {
            atStart = false;
            if (n >= 3 && (chunk[0] & 0xFF) == 0xEF && (chunk[1] & 0xFF) == 0xBB && (chunk[2] & 0xFF) == 0xBF) {
              pos = 3;
              offset = 3;
              recordOffset = 3;
              lineStarted = true;
            }
          }
          continue;
        }
        accept(input[pos++]);
        offset++;
        if (cutDue) {
          cut();
        }
        if (headerOnly && !headerPending) {
          return;
        }
      }
      if (pendingCr) {
        pendingCr = false;
        data(CR);
      }
      if (size > 0) {
        endRecord();
      } else if (lineStarted) {
        skipped(SKIP_BLANK); // a last line holding only a BOM
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
      lineStarted = true;
      if (spanning) {
        keepTail(b);
      }
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

    private void keepTail(byte b) {
      if (tailLength == tail.length) {
        tail = Arrays.copyOf(tail, Math.max(1024, 2 * tail.length));
      }
      tail[tailLength++] = b;
    }

    private void lineFeed() {
      if (state == Csv.QUOTED) {
        if (!spanning) {
          startSpanning();
          if (recordOffset < openUntil) {
            // a quote opening where the last cut one stayed open cannot close there either: cut it
            // now, so hostile lines are not each scanned again up to the bounds (linear time)
            cutDue = true;
          }
        }
        data(LF); // a line break inside a quoted CSV field belongs to the record
        line++;
        lineStarted = false;
        if (line - recordLine >= maxQuotedLines) {
          cutDue = true;
        }
        return;
      }
      endRecord();
      line++;
      lineStarted = false;
      recordLine = line;
      recordOffset = offset + 1;
      if (plan != null && !headerPending) {
        long boundary = offset + 1;
        // no part starts where a cut quote stayed open: a part would not know it was
        if (boundary >= openUntil && boundary - plan.get(plan.size() - 1).start() >= planTarget) {
          plan.add(new Split(boundary, line, header));
        }
      }
    }

    /** The record goes past its first line: remember where that line ends and keep what follows. */
    private void startSpanning() {
      boolean cr = size > 0 && held > 0 && held == size && record[held - 1] == CR;
      firstLineSize = cr ? size - 1 : size;
      firstLineHeld = (int) Math.min(held, firstLineSize);
      spanning = true;
      tailLength = 0;
      tailOffset = offset + 1;
    }

    private void data(byte b) {
      if (csv) {
        state = next(state, b);
      }
      if (blank && b != ' ' && b != '\t' && b != CR) {
        blank = false;
      }
      size++;
      if (spanning && size > maxQuotedBytes) {
        cutDue = true;
      }
      if (plan != null && !headerPending) {
        return; // planning: only the header's text is needed
      }
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

    /**
     * A record spanning lines went past its bounds, or the input ended inside it: its first line is
     * rejected as an unterminated quote, and scanning starts again at the line after it, with the
     * bytes kept since then followed by those not scanned yet.
     */
    private void cut() {
      if (plan == null) {
        unterminated(upToLimit(firstLineHeld, firstLineSize), headerPending, 1);
      } else if (headerPending) {
        headerPending = false; // planning: the header is cut the same way, so records carry none
      }
      if (tailLength > 0) { // else cut at its first line feed: scanning just goes on
        byte[] again = new byte[tailLength + end - pos];
        System.arraycopy(tail, 0, again, 0, tailLength);
        System.arraycopy(input, pos, again, tailLength, end - pos);
        input = again;
        pos = 0;
        end = again.length;
      }
      openUntil = Math.max(openUntil, offset);
      offset = tailOffset;
      recordOffset = tailOffset;
      line = recordLine + 1;
      recordLine = line;
      pendingCr = false;
      lineStarted = false;
      reset();
    }

    /** Rejects the record whose quote never closed: {@code raw} is its first line (or, at the end of the input, all of it). */
    private void unterminated(String raw, boolean wasHeader, long lines) {
      headerPending = false;
      sink.linesInRecord(lines);
      sink.reject(
          new SourceRecord(source, recordLine, raw, wasHeader ? null : header),
          Violation.of(
              Reasons.UNTERMINATED_QUOTE,
              (wasHeader ? "CSV header: " : "") + "a quoted field opened on line " + recordLine
                  + " is not closed within " + maxQuotedLines + " lines and " + maxQuotedBytes
                  + " bytes (csv max_quoted_lines, max_quoted_bytes) nor before the end of the input; line "
                  + recordLine + " was rejected and reading resumed at line " + (recordLine + 1)));
    }

    /** The first {@code length} bytes of the record, whole up to --maxRecordBytes, then cut with a mark. */
    private String upToLimit(int heldBytes, long length) {
      return length <= maxRecordBytes ? lenient(heldBytes) : lenient(charStart(Math.min(heldBytes, maxRecordBytes))) + "…";
    }

    /** The largest length up to {@code n} that does not cut a UTF-8 character of the held record. */
    private int charStart(int n) {
      int k = n;
      while (k > 0 && k < held && (record[k] & 0xC0) == 0x80) {
        k--;
      }
      return k;
    }

    /** The physical lines of the current record: up to the current line, if that line has begun. */
    private long recordLines() {
      return line - recordLine + (lineStarted ? 1 : 0);
    }

    private void skipped(String reason) {
      if (plan == null) {
        sink.linesSkipped(reason, recordLines());
      }
    }

    /** The current record is complete: emit it (or skip it, if blank) and start the next. */
    private void endRecord() {
      try {
        if (size == 0 || blank) {
          skipped(SKIP_BLANK);
          return;
        }
        if (plan != null) {
          if (headerPending) {
            headerPending = false;
            if (size <= maxRecordBytes && state != Csv.QUOTED) {
              String h = decodeStrict();
              header = h != null ? h : lenient(held);
            }
          }
          return;
        }
        if (csv && state == Csv.QUOTED) {
          // the input ended inside a quoted field on the record's only line
          unterminated(upToLimit(held, size), headerPending, recordLines());
          return;
        }
        if (headerPending && size <= maxRecordBytes) {
          headerPending = false;
          header = decodeStrict();
          if (header == null) {
            header = lenient(held);
            sink.linesInRecord(recordLines());
            sink.reject(
                new SourceRecord(source, recordLine, header, null),
                Violation.of(Reasons.INVALID_UTF8, "CSV header: " + utf8Problem()));
          } else {
            skipped(SKIP_HEADER);
          }
          return;
        }
        sink.linesInRecord(recordLines());
        if (size > maxRecordBytes) {
          tooLong();
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
      spanning = false;
      cutDue = false;
      tailLength = 0;
      if (record.length > 64 * 1024) {
        record = new byte[8 * 1024]; // do not keep a huge buffer after one huge record
      }
      if (tail.length > 64 * 1024) {
        tail = new byte[0];
      }
    }

    /** The stream failed: the record in progress (if any) and the rest of the file are one rejection. */
    private void failed(Exception e) {
      String partial = size == 0 ? "" : preview();
      if (size > 0 && size <= PREVIEW_BYTES && held == size) {
        partial = lenient(held);
      }
      sink.linesInRecord(recordLines());
      sink.reject(new SourceRecord(source, line, partial, header), unreadable(line, e));
    }
  }
}
