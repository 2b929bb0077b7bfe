package dev.cauce.ingest;

import dev.cauce.model.RecordSink;
import static dev.cauce.ingest.TestSpecs.csvSource;
import static dev.cauce.ingest.TestSpecs.jsonlSource;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import dev.cauce.model.Reasons;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.Test;

public class RecordReaderTest {
  private static final String SRC = "/data/in.jsonl";
  private static final int MIB = 1024 * 1024;

  /** Collects what the reader emits, in order. */
  static final class Collected implements RecordSink {
    final List<SourceRecord> records = new ArrayList<>();
    final List<SourceRecord> rejectedOrigins = new ArrayList<>();
    final List<Violation> violations = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public void record(SourceRecord r) {
      records.add(r);
      events.add("record@" + r.line());
    }

    @Override
    public void reject(SourceRecord origin, Violation v) {
      rejectedOrigins.add(origin);
      violations.add(v);
      events.add(v.reason() + "@" + origin.line());
    }

    long inRecords;
    final java.util.Map<String, Long> skipped = new java.util.TreeMap<>();

    @Override
    public void linesInRecord(long lines) {
      inRecords += lines;
    }

    @Override
    public void linesSkipped(String reason, long lines) {
      skipped.merge(reason, lines, Long::sum);
    }

    /** Lines accounted for: in records and skipped. */
    long accounted() {
      return inRecords + skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    List<String> texts() {
      return records.stream().map(SourceRecord::text).toList();
    }

    List<Long> lines() {
      return records.stream().map(SourceRecord::line).toList();
    }
  }

  private static Collected read(SourceSpec source, int max, byte[] bytes) {
    return read(source, max, new ByteArrayInputStream(bytes));
  }

  private static Collected read(SourceSpec source, int max, InputStream in) {
    Collected c = new Collected();
    new RecordReader(source, max).read(SRC, in, c);
    return c;
  }

  private static Collected jsonl(String text) {
    return read(jsonlSource(SRC), MIB, text.getBytes(UTF_8));
  }

  private static Collected csv(String text) {
    return read(csvSource(SRC), MIB, text.getBytes(UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A stream of {@code count} copies of one byte, generated as it is read. */
  static final class RepeatedByte extends InputStream {
    private final byte b;
    private long left;

    RepeatedByte(byte b, long count) {
      this.b = b;
      this.left = count;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return b & 0xFF;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      Arrays.fill(buf, off, off + n, b);
      left -= n;
      return n;
    }
  }

  /** Yields its bytes, then fails. */
  static final class FailingStream extends InputStream {
    private final InputStream head;

    FailingStream(byte[] head) {
      this.head = new ByteArrayInputStream(head);
    }

    @Override
    public int read() throws IOException {
      int b = head.read();
      if (b < 0) {
        throw new IOException("disk on fire");
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = head.read(buf, off, len);
      if (n < 0) {
        throw new IOException("disk on fire");
      }
      return n;
    }
  }

  // ------------------------------------------------------------------------------------- jsonl

  @Test
  public void jsonlOneRecordPerLineWithSourceAndLine() {
    Collected c = jsonl("{\"a\":1}\n{\"a\":2}\n{\"a\":3}");
    assertThat(c.texts(), contains("{\"a\":1}", "{\"a\":2}", "{\"a\":3}"));
    assertThat(c.lines(), contains(1L, 2L, 3L));
    assertThat(c.records.get(0).source(), is(SRC));
    assertThat(c.records.get(0).header(), nullValue());
    assertThat(c.violations, empty());
  }

  @Test
  public void jsonlSkipsBlankLinesButCountsThemAsLines() {
    Collected c = jsonl("\n{\"a\":1}\n   \n\t\r\n\n{\"a\":2}\n\n");
    assertThat(c.texts(), contains("{\"a\":1}", "{\"a\":2}"));
    assertThat(c.lines(), contains(2L, 6L));
    assertThat(c.violations, empty());
  }

  @Test
  public void stripsUtf8BomAtFileStartOnly() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    Collected c = read(jsonlSource(SRC), MIB, concat(bom, "{\"a\":1}\n".getBytes(UTF_8), bom, "x\n".getBytes(UTF_8)));
    assertThat(c.texts(), contains("{\"a\":1}", "\uFEFFx"));
  }

  @Test
  public void bomOnlyFileHasNoRecords() {
    Collected c = read(jsonlSource(SRC), MIB, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    assertThat(c.events, empty());
  }

  @Test
  public void crlfTerminatorsAreNotPartOfTheRecord() {
    Collected c = jsonl("{\"a\":1}\r\n{\"a\":2}\r\n");
    assertThat(c.texts(), contains("{\"a\":1}", "{\"a\":2}"));
    assertThat(c.lines(), contains(1L, 2L));
  }

  @Test
  public void loneCrIsDataNotATerminator() {
    Collected c = jsonl("a\rb\nc\r");
    assertThat(c.texts(), contains("a\rb", "c\r"));
    assertThat(c.lines(), contains(1L, 2L));
  }

  @Test
  public void emptyFileHasNoRecords() {
    assertThat(jsonl("").events, empty());
    assertThat(csv("").events, empty());
  }

  @Test
  public void multibyteTextSurvivesChunkBoundaries() {
    String value = "ñandú €😀 ".repeat(20_000); // > 64 KiB, so characters straddle read chunks
    Collected c = jsonl("{\"a\":\"" + value + "\"}\nnext\n");
    assertThat(c.texts(), contains("{\"a\":\"" + value + "\"}", "next"));
  }

  @Test
  public void nulPassesThroughToTheParser() {
    Collected c = jsonl("{\"a\":\"x\u0000y\"}\n");
    assertThat(c.texts(), contains("{\"a\":\"x\u0000y\"}"));
    assertThat(c.violations, empty());
  }

  @Test
  public void invalidUtf8InJsonlIsRejectedWithOffsetAndReplacementText() {
    byte[] bytes = concat("{\"a\":1}\n{\"a\":\"".getBytes(UTF_8), new byte[] {(byte) 0xC3, 0x28}, "\"}\n{\"a\":3}\n".getBytes(UTF_8));
    Collected c = read(jsonlSource(SRC), MIB, bytes);
    assertThat(c.events, contains("record@1", "invalid_utf8@2", "record@3"));
    assertThat(c.violations.get(0).message(), containsString("byte offset 6"));
    assertThat(c.rejectedOrigins.get(0).text(), is("{\"a\":\"\uFFFD(\"}"));
    assertThat(c.rejectedOrigins.get(0).source(), is(SRC));
  }

  @Test
  public void overlongEncodingAndLoneContinuationByteAreInvalid() {
    byte[] bytes = concat(new byte[] {(byte) 0xC0, (byte) 0x80}, "\n".getBytes(UTF_8), new byte[] {'a', (byte) 0x80}, "\n".getBytes(UTF_8));
    Collected c = read(jsonlSource(SRC), MIB, bytes);
    assertThat(c.events, contains("invalid_utf8@1", "invalid_utf8@2"));
    assertThat(c.violations.get(1).message(), containsString("byte offset 1"));
  }

  // ----------------------------------------------------------------------------- record limit

  @Test
  public void recordExactlyAtTheLimitIsAcceptedAndOneMoreByteIsRejected() {
    String at = "x".repeat(100);
    String over = "y".repeat(101);
    Collected c = read(jsonlSource(SRC), 100, (at + "\r\n" + over + "\r\n" + at).getBytes(UTF_8));
    assertThat(c.events, contains("record@1", "record_too_long@2", "record@3"));
    assertThat(c.records.get(0).text(), is(at));
    Violation v = c.violations.get(0);
    assertThat(v.message(), containsString("101 bytes"));
    assertThat(v.message(), containsString("limit of 100 bytes"));
    assertThat(c.rejectedOrigins.get(0).text(), is(over + "…"));
  }

  @Test
  public void limitCountsBytesNotCharacters() {
    String threeBytes = "€"; // 3 bytes in UTF-8
    Collected c = read(jsonlSource(SRC), 6, ("€€\n€€a\n").getBytes(UTF_8));
    assertThat(c.events, contains("record@1", "record_too_long@2"));
    assertThat(c.records.get(0).text(), is(threeBytes + threeBytes));
  }

  @Test
  public void tenMegabyteLineWithOneMebibyteLimitIsRejectedAndReadingGoesOn() {
    long huge = 10L * MIB;
    InputStream in =
        new SequenceInputStream(
            Collections.enumeration(
                List.of(
                    new ByteArrayInputStream("{\"a\":1}\n".getBytes(UTF_8)),
                    new RepeatedByte((byte) 'z', huge),
                    new ByteArrayInputStream("\n{\"a\":2}\n".getBytes(UTF_8)))));
    Collected c = read(jsonlSource(SRC), MIB, in);
    assertThat(c.events, contains("record@1", "record_too_long@2", "record@3"));
    assertThat(c.records.get(1).text(), is("{\"a\":2}"));
    String preview = c.rejectedOrigins.get(0).text();
    assertThat(preview.length(), is(RecordReader.PREVIEW_CHARS + 1));
    assertThat(preview, startsWith("zzzz"));
    assertThat(preview, endsWith("z…"));
    assertThat(c.violations.get(0).message(), containsString(huge + " bytes"));
    assertThat(c.violations.get(0).message(), containsString("limit of " + MIB + " bytes"));
  }

  @Test
  public void tinyLimitStillGivesAPreviewOfTheRecord() {
    Collected c = read(jsonlSource(SRC), 4, "abcdefgh\n".getBytes(UTF_8));
    assertThat(c.rejectedOrigins.get(0).text(), is("abcdefgh…"));
  }

  // ----------------------------------------------------------------------------- read errors

  @Test
  public void ioExceptionMidStreamIsOneUnreadableInputRejectionAfterTheGoodRecords() {
    Collected c = read(jsonlSource(SRC), MIB, new FailingStream("{\"a\":1}\n{\"a\":2}\n{\"a\":".getBytes(UTF_8)));
    assertThat(c.events, contains("record@1", "record@2", "unreadable_input@3"));
    Violation v = c.violations.get(0);
    assertThat(v.message(), containsString("line 3"));
    assertThat(v.message(), containsString("disk on fire"));
    assertThat(c.rejectedOrigins.get(0).text(), is("{\"a\":"));
  }

  @Test
  public void ioExceptionAtStartIsStillOneRejection() {
    Collected c = read(jsonlSource(SRC), MIB, new FailingStream(new byte[0]));
    assertThat(c.events, contains("unreadable_input@1"));
    assertThat(c.rejectedOrigins.get(0).text(), is(""));
  }

  @Test
  public void corruptGzipIsUnreadableInputAfterTheRecordsBeforeIt() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      for (int i = 1; i <= 2000; i++) {
        out.write(("{\"n\":" + i + ",\"pad\":\"" + "p".repeat(i % 97) + "\"}\n").getBytes(UTF_8));
      }
    }
    byte[] bytes = gz.toByteArray();
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
    Collected c = read(jsonlSource(SRC), MIB, new GZIPInputStream(new ByteArrayInputStream(truncated)));
    assertThat(c.violations, hasSize(1));
    assertThat(c.violations.get(0).reason(), is(Reasons.UNREADABLE_INPUT));
    assertThat(c.records.isEmpty(), is(false));
    long lastGood = c.records.get(c.records.size() - 1).line();
    assertThat(c.lines(), equalTo(java.util.stream.LongStream.rangeClosed(1, lastGood).boxed().toList()));
    assertThat(c.rejectedOrigins.get(0).line(), is(lastGood + 1));
  }

  // ------------------------------------------------------------------------------------- csv

  @Test
  public void csvHeaderIsCapturedNotEmittedAndAttachedToEveryRecord() {
    Collected c = csv("id,name\r\n1,ann\r\n2,bob\r\n");
    assertThat(c.texts(), contains("1,ann", "2,bob"));
    assertThat(c.lines(), contains(2L, 3L));
    for (SourceRecord r : c.records) {
      assertThat(r.header(), is("id,name"));
    }
  }

  @Test
  public void csvWithBomAndBlankLinesBeforeAndBetweenRecords() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    Collected c = read(csvSource(SRC), MIB, concat(bom, "\n\nid,name\n\n1,ann\n  \n2,bob".getBytes(UTF_8)));
    assertThat(c.texts(), contains("1,ann", "2,bob"));
    assertThat(c.lines(), contains(5L, 7L));
    assertThat(c.records.get(0).header(), is("id,name"));
  }

  @Test
  public void csvFileThatIsOnlyAHeaderHasNoRecords() {
    assertThat(csv("id,name\n").events, empty());
    assertThat(csv("id,name").events, empty());
  }

  @Test
  public void csvWithoutHeaderEmitsTheFirstLine() {
    Collected c = read(csvSource(SRC, ',', '"', false), MIB, "1,ann\n2,bob\n".getBytes(UTF_8));
    assertThat(c.texts(), contains("1,ann", "2,bob"));
    assertThat(c.records.get(0).header(), nullValue());
  }

  @Test
  public void csvQuotedNewlinesKeepTheRecordTogetherAndLaterLinesStayRight() {
    String text =
        "id,note\n"
            + "1,\"two\nlines\"\n"
            + "2,\"three\r\nlines, with \"\"quotes\"\"\r\nhere\"\r\n"
            + "3,plain\n"
            + "4,\"\"\"\n\"\"\"\n"
            + "5,end\n";
    Collected c = csv(text);
    assertThat(
        c.texts(),
        contains(
            "1,\"two\nlines\"",
            "2,\"three\r\nlines, with \"\"quotes\"\"\r\nhere\"",
            "3,plain",
            "4,\"\"\"\n\"\"\"",
            "5,end"));
    assertThat(c.lines(), contains(2L, 4L, 7L, 8L, 10L));
  }

  @Test
  public void csvQuoteInsideAnUnquotedFieldIsLiteral() {
    Collected c = csv("a,b\nab\"c,d\n5\" pipe,x\n");
    assertThat(c.texts(), contains("ab\"c,d", "5\" pipe,x"));
    assertThat(c.lines(), contains(2L, 3L));
  }

  @Test
  public void csvCustomQuoteAndDelimiter() {
    Collected c = read(csvSource(SRC, ';', '\'', true), MIB, "a;b\n'x;\ny';\"z\n2;3\n".getBytes(UTF_8));
    assertThat(c.texts(), contains("'x;\ny';\"z", "2;3"));
    assertThat(c.lines(), contains(2L, 4L));
  }

  @Test
  public void csvTabDelimiter() {
    Collected c = read(csvSource(SRC, '\t', '"', false), MIB, "a\t\"b\tc\"\n\t\n".getBytes(UTF_8));
    assertThat(c.texts(), contains("a\t\"b\tc\""));
  }

  @Test
  public void csvUnterminatedQuoteAtEofCostsItsFirstLineOnly() {
    Collected c = csv("a,b\n1,2\n3,\"open\n4,5\n6,7\n");
    assertThat(c.events, contains("record@2", "unterminated_quote@3", "record@4", "record@5"));
    assertThat(c.rejectedOrigins.get(0).text(), is("3,\"open"));
    assertThat(c.rejectedOrigins.get(0).header(), is("a,b"));
    assertThat(c.texts(), contains("1,2", "4,5", "6,7"));
    assertThat(c.inRecords, is(4L));
    assertThat(c.skipped, equalTo(java.util.Map.of("header", 1L)));
  }

  @Test
  public void csvUnterminatedQuoteOnTheLastLineIsRejectedWhole() {
    Collected c = csv("a,b\n1,2\n3,\"open");
    assertThat(c.events, contains("record@2", "unterminated_quote@3"));
    assertThat(c.rejectedOrigins.get(0).text(), is("3,\"open"));
    assertThat(c.accounted(), is(3L));
  }

  @Test
  public void csvUnterminatedQuoteBeyondTheRecordLimitIsStillCutAtItsFirstLine() {
    String rest = "3,\"open\n" + "4,5\n".repeat(100);
    Collected c = read(csvSource(SRC), 64, ("a,b\n1,2\n" + rest).getBytes(UTF_8));
    assertThat(c.events.subList(0, 3), contains("record@2", "unterminated_quote@3", "record@4"));
    assertThat(c.events, hasSize(102));
    assertThat(c.events.get(101), is("record@103"));
    assertThat(c.accounted(), is(103L));
  }

  @Test
  public void csvStrayQuoteInA60002LineFileCostsOneRecordAndEveryLineIsAccounted() {
    StringBuilder sb = new StringBuilder("id,name\n");
    for (int i = 2; i <= 60_002; i++) {
      sb.append(i).append(i == 3 ? ",\"stray quote" : ",name" + i).append('\n');
    }
    Collected c = csv(sb.toString());
    assertThat(c.records, hasSize(60_000));
    assertThat(c.events.get(1), is("unterminated_quote@3"));
    assertThat(c.events, hasSize(60_001));
    assertThat(c.rejectedOrigins.get(0).text(), is("3,\"stray quote"));
    assertThat(c.violations.get(0).message(), containsString("reading resumed at line 4"));
    assertThat(c.lines().get(1), is(4L));
    assertThat(c.lines().get(59_999), is(60_002L));
    assertThat(c.texts().get(59_999), is("60002,name60002"));
    assertThat(c.inRecords, is(60_001L));
    assertThat(c.skipped, equalTo(java.util.Map.of("header", 1L)));
  }

  @Test
  public void linesThatKeepEveryQuoteOpenAreEachCutInLinearTime() {
    // x"," ends inside a quote whether it starts inside one or not: every line opens a record that
    // never closes. Scanning each again up to the bounds took 17.5 s for 10,000 such lines.
    String line = "x\",\"" + "y".repeat(100);
    StringBuilder sb = new StringBuilder("id,name\n");
    for (int i = 0; i < 100_000; i++) {
      sb.append(line).append('\n');
    }
    long started = System.nanoTime();
    Collected c = csv(sb.toString());
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(c.violations, hasSize(100_000));
    assertThat(c.records, empty());
    assertThat(c.violations.stream().allMatch(v -> v.reason().equals(Reasons.UNTERMINATED_QUOTE)), is(true));
    assertThat(c.rejectedOrigins.get(99_999).line(), is(100_001L));
    assertThat(c.rejectedOrigins.get(99_999).text(), is(line));
    assertThat(c.accounted(), is(100_001L));
    assertThat("took " + millis + " ms", millis < 30_000, is(true));
  }

  @Test
  public void csvQuotedRecordIsCutAfterMaxQuotedLinesButKeptWithin() {
    SourceSpec bounded = new SourceSpec(SRC, SourceSpec.Format.CSV,
        new dev.cauce.spec.PipelineSpec.CsvSpec(',', '"', true, List.of(), 3, 1 << 20));
    Collected kept = read(bounded, MIB, "a,b\n1,\"x\ny\nz\"\n2,3\n".getBytes(UTF_8));
    assertThat(kept.events, contains("record@2", "record@5"));
    assertThat(kept.texts().get(0), is("1,\"x\ny\nz\""));
    assertThat(kept.inRecords, is(4L));
    Collected cut = read(bounded, MIB, "a,b\n1,\"x\ny\nz\nw\n2,3\n".getBytes(UTF_8));
    assertThat(cut.events, contains("unterminated_quote@2", "record@3", "record@4", "record@5", "record@6"));
    assertThat(cut.texts(), contains("y", "z", "w", "2,3"));
    assertThat(cut.violations.get(0).message(), containsString("within 3 lines"));
    assertThat(cut.accounted(), is(6L));
  }

  @Test
  public void csvQuotedRecordIsCutAfterMaxQuotedBytes() {
    SourceSpec bounded = new SourceSpec(SRC, SourceSpec.Format.CSV,
        new dev.cauce.spec.PipelineSpec.CsvSpec(',', '"', false, List.of("a", "b"), 1000, 20));
    Collected c = read(bounded, MIB, ("1,\"x\r\n" + "0123456789\r\n".repeat(3) + "2,3\r\n").getBytes(UTF_8));
    assertThat(c.events, contains("unterminated_quote@1", "record@2", "record@3", "record@4", "record@5"));
    assertThat(c.rejectedOrigins.get(0).text(), is("1,\"x"));
    assertThat(c.texts(), contains("0123456789", "0123456789", "0123456789", "2,3"));
  }

  @Test
  public void csvUnterminatedRawIsWholeUpToMaxRecordBytesThenMarked() {
    String longLine = "1,\"" + "é".repeat(1500); // 3,003 bytes, beyond the 1,024-character preview
    Collected whole = read(csvSource(SRC, ',', '"', false, "a", "b"), 4000, (longLine + "\n2,3\n").getBytes(UTF_8));
    assertThat(whole.events, contains("unterminated_quote@1", "record@2"));
    assertThat(whole.rejectedOrigins.get(0).text(), is(longLine));
    Collected cut = read(csvSource(SRC, ',', '"', false, "a", "b"), 2000, (longLine + "\n2,3\n").getBytes(UTF_8));
    assertThat(cut.events, contains("unterminated_quote@1", "record@2"));
    assertThat(cut.rejectedOrigins.get(0).text(), is(longLine.substring(0, 3 + 998) + "…"));
  }

  @Test
  public void csvUnterminatedHeaderIsRejectedAndRecordsCarryNoHeader() {
    Collected c = csv("\"a,b\n1,2\n");
    assertThat(c.events, contains("unterminated_quote@1", "record@2"));
    assertThat(c.records.get(0).header(), nullValue());
    assertThat(c.violations.get(0).message(), startsWith("CSV header"));
  }

  @Test
  public void whitespaceOnlyJsonlLinesAreCountedAsBlank() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 310; i++) {
      sb.append(i == 150 ? " \t " : i == 151 ? "" : "{\"id\":" + i + "}").append(i == 200 ? "\r\n" : "\n");
    }
    Collected c = jsonl(sb.toString());
    assertThat(c.records, hasSize(308));
    assertThat(c.inRecords, is(308L));
    assertThat(c.skipped, equalTo(java.util.Map.of("blank", 2L)));
  }

  @Test
  public void aLastLineWithOnlyABomOrACrIsBlank() {
    Collected bom = read(jsonlSource(SRC), MIB, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    assertThat(bom.skipped, equalTo(java.util.Map.of("blank", 1L)));
    Collected cr = jsonl("{}\n\r");
    assertThat(cr.inRecords, is(1L));
    assertThat(cr.skipped, equalTo(java.util.Map.of("blank", 1L)));
    assertThat(jsonl("").accounted(), is(0L));
    assertThat(jsonl("{}\n").accounted(), is(1L));
  }

  @Test
  public void aMultiLineRecordCountsAllItsLines() {
    Collected c = csv("a,b\n\n1,\"x\r\ny\n\nz\"\n  \n");
    assertThat(c.events, contains("record@3"));
    assertThat(c.inRecords, is(4L));
    assertThat(c.skipped, equalTo(java.util.Map.of("blank", 2L, "header", 1L)));
  }

  @Test
  public void csvInvalidUtf8RecordIsRejectedWithItsHeader() {
    byte[] bytes = concat("id,name\n1,".getBytes(UTF_8), new byte[] {(byte) 0xFF}, "\n2,ok\n".getBytes(UTF_8));
    Collected c = read(csvSource(SRC), MIB, bytes);
    assertThat(c.events, contains("invalid_utf8@2", "record@3"));
    assertThat(c.rejectedOrigins.get(0).text(), is("1,\uFFFD"));
    assertThat(c.rejectedOrigins.get(0).header(), is("id,name"));
    assertThat(c.violations.get(0).message(), containsString("byte offset 2"));
  }

  @Test
  public void csvInvalidUtf8HeaderIsRejectedAndStillUsed() {
    byte[] bytes = concat("id,n".getBytes(UTF_8), new byte[] {(byte) 0xFF}, "\n1,x\n".getBytes(UTF_8));
    Collected c = read(csvSource(SRC), MIB, bytes);
    assertThat(c.events, contains("invalid_utf8@1", "record@2"));
    assertThat(c.violations.get(0).message(), startsWith("CSV header"));
    assertThat(c.records.get(0).header(), is("id,n\uFFFD"));
  }

  @Test
  public void aGzipBombOfOne200MbLineIsOneTruncatedRejectionAndReadingGoesOn() throws IOException {
    // ~200 KB compressed expanding to a 200 MB line: streamed, held only up to the record limit
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      byte[] chunk = new byte[MIB];
      Arrays.fill(chunk, (byte) 'a');
      z.write('"');
      for (int i = 0; i < 200; i++) {
        z.write(chunk);
      }
      z.write("\"\n{\"id\":2}\n".getBytes(UTF_8));
    }
    assertThat("compressed size", gz.size() < MIB, is(true));
    Collected c = read(jsonlSource(SRC), MIB, new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray())));
    assertThat(c.events, contains("record_too_long@1", "record@2"));
    assertThat(c.texts(), contains("{\"id\":2}"));
    assertThat("raw kept up to the limit", c.rejectedOrigins.get(0).text().length(), lessThanOrEqualTo(MIB + 200));
    assertThat(c.accounted(), is(2L));
  }

  @Test
  public void csvHeaderBeyondTheLimitIsRejectedAndRecordsCarryNoHeader() {
    Collected c = read(csvSource(SRC), 8, "aaaa,bbbb,cccc\n1,2,3\n".getBytes(UTF_8));
    assertThat(c.events, contains("record_too_long@1", "record@2"));
    assertThat(c.records.get(0).header(), nullValue());
  }

  @Test
  public void aClosedMultiLineRecordEndingTheFileWithoutALineFeedIsOneRecord() {
    Collected c = csv("a,b\n1,\"x\ny\"");
    assertThat(c.events, contains("record@2"));
    assertThat(c.texts(), contains("1,\"x\ny\""));
    assertThat(c.inRecords, is(2L));
    assertThat(c.skipped, equalTo(java.util.Map.of("header", 1L)));
    Collected open = csv("a,b\n1,\"x\ny");
    assertThat(open.events, contains("unterminated_quote@2", "record@3"));
  }

  // ------------------------------------------------------------------------ csv: header only

  /** The header a whole read would take, read as the plan does; the stream is read no further than needed. */
  private static RecordReader.Header header(int max, byte[] bytes) {
    return new RecordReader(csvSource(SRC), max).header(new ByteArrayInputStream(bytes));
  }

  @Test
  public void headerAloneIsTheOneAWholeReadTakes() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    assertThat(header(MIB, concat(bom, "\n \r\nid,name\r\n1,ann\n".getBytes(UTF_8))), equalTo(new RecordReader.Header("id,name", null)));
    assertThat(header(MIB, "\"i\nd\",name\n1,2".getBytes(UTF_8)).text(), is("\"i\nd\",name"));
    assertThat(header(MIB, "".getBytes(UTF_8)), equalTo(new RecordReader.Header(null, null)));
    assertThat(header(MIB, "\n\n".getBytes(UTF_8)), equalTo(new RecordReader.Header(null, null)));
  }

  @Test
  public void headerAloneStopsAfterTheHeader() {
    byte[] first = "id,name\n1,ann\n".getBytes(UTF_8);
    InputStream failingAfter = new SequenceInputStream(new ByteArrayInputStream(first), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("read past the header");
      }
    });
    assertThat(new RecordReader(csvSource(SRC), MIB).header(failingAfter), equalTo(new RecordReader.Header("id,name", null)));
  }

  @Test
  public void headerAloneWithItsProblems() {
    RecordReader.Header bad = header(MIB, concat("id,n".getBytes(UTF_8), new byte[] {(byte) 0xFF}, "\n1,x\n".getBytes(UTF_8)));
    assertThat(bad.text(), is("id,n\uFFFD"));
    assertThat(bad.problem().reason(), is(Reasons.INVALID_UTF8));
    RecordReader.Header tooLong = header(8, "aaaa,bbbb,cccc\n1,2,3\n".getBytes(UTF_8));
    assertThat(tooLong.text(), nullValue());
    assertThat(tooLong.problem().reason(), is(Reasons.RECORD_TOO_LONG));
    RecordReader.Header open = header(MIB, "\"a,b\n1,2\n".getBytes(UTF_8));
    assertThat(open.text(), nullValue());
    assertThat(open.problem().reason(), is(Reasons.UNTERMINATED_QUOTE));
  }

  @Test
  public void nonAsciiDelimiterIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RecordReader(csvSource(SRC, '§', '"', true), MIB));
  }

  @Test
  public void eachRecordIsExactlyOneCall() {
    // 3 good, 1 invalid UTF-8, 1 too long, blank lines in between: 5 calls
    byte[] bytes =
        concat(
            "a\n\nb\n".getBytes(UTF_8), new byte[] {(byte) 0xFE}, "\n".getBytes(UTF_8), "x".repeat(50).getBytes(UTF_8),
            "\n \nc".getBytes(UTF_8));
    Collected c = read(jsonlSource(SRC), 20, bytes);
    assertThat(c.events, contains("record@1", "record@3", "invalid_utf8@4", "record_too_long@5", "record@7"));
  }
}
