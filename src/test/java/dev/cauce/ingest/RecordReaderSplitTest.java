package dev.cauce.ingest;

import dev.cauce.model.RecordSink;
import static dev.cauce.ingest.TestSpecs.csvSource;
import static dev.cauce.ingest.TestSpecs.jsonlSource;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;

import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.Test;

/**
 * Reading a file in planned splits ({@link RecordReader#plan}) gives exactly what one whole read
 * gives: the same records and rejections, in the same order, with the same lines and CSV header.
 */
public class RecordReaderSplitTest {
  private static final String SRC = "/data/in";

  /** Everything a read emits, as comparable strings. */
  private static final class Events implements RecordSink {
    final List<String> events = new ArrayList<>();

    @Override
    public void record(SourceRecord r) {
      events.add("record " + r.line() + " [" + r.text() + "] header=" + r.header());
    }

    @Override
    public void reject(SourceRecord origin, Violation v) {
      events.add(v.reason() + " " + origin.line() + " [" + origin.text() + "] header=" + origin.header() + " " + v.message());
    }

    @Override
    public void linesInRecord(long lines) {
      events.add("lines " + lines);
    }

    @Override
    public void linesSkipped(String reason, long lines) {
      events.add("skipped " + reason + " " + lines);
    }
  }

  private static List<String> whole(SourceSpec source, int max, byte[] bytes) {
    Events e = new Events();
    new RecordReader(source, max).read(SRC, new ByteArrayInputStream(bytes), e);
    return e.events;
  }

  private static List<RecordReader.Split> plan(SourceSpec source, int max, byte[] bytes, long target) throws IOException {
    return new RecordReader(source, max).plan(new ByteArrayInputStream(bytes), target);
  }

  private static List<String> split(SourceSpec source, int max, byte[] bytes, List<RecordReader.Split> splits) {
    Events e = new Events();
    RecordReader reader = new RecordReader(source, max);
    for (int i = 0; i < splits.size(); i++) {
      int start = (int) splits.get(i).start();
      int end = i + 1 < splits.size() ? (int) splits.get(i + 1).start() : bytes.length;
      reader.read(SRC, new ByteArrayInputStream(Arrays.copyOfRange(bytes, start, end)), e, splits.get(i));
    }
    return e.events;
  }

  private static void assertSplitsReadAsWhole(SourceSpec source, int max, byte[] bytes) throws IOException {
    List<String> expected = whole(source, max, bytes);
    for (long target : new long[] {1, 2, 3, 5, 8, 13, 40, 100, bytes.length, bytes.length + 1L}) {
      List<RecordReader.Split> splits = plan(source, max, bytes, target);
      assertThat("first split", splits.get(0), equalTo(RecordReader.Split.WHOLE));
      for (int i = 1; i < splits.size(); i++) {
        assertThat("split " + i + " at least " + target + " bytes after the previous",
            splits.get(i).start() - splits.get(i - 1).start() >= target, equalTo(true));
        assertThat("split " + i + " starts after a line feed", bytes[(int) splits.get(i).start() - 1], equalTo((byte) '\n'));
      }
      assertThat("target " + target + ", splits " + splits, split(source, max, bytes, splits), equalTo(expected));
    }
    assertThat("every line told once", told(expected), equalTo(physicalLines(bytes)));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  public void jsonlSplitsGiveTheWholeReadWithBomCrlfBlankLinesAndBadRecords() throws IOException {
    byte[] data =
        concat(
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            bytes("{\"id\":1}\r\n\r\n   \n{\"id\":2}\n"),
            new byte[] {'{', (byte) 0xC3, '}', '\n'}, // invalid UTF-8
            bytes("{\"id\":\"" + "x".repeat(60) + "\"}\n"), // too long at max 40
            bytes("a\rb\n{\"id\":3}\r\n\n\n{\"id\":4}"));
    assertSplitsReadAsWhole(jsonlSource(SRC), 40, data);
    assertThat(records(whole(jsonlSource(SRC), 40, data)), hasSize(7));
  }

  @Test
  public void csvSplitsNeverCutAQuotedLineBreakAndCarryTheHeader() throws IOException {
    byte[] data =
        bytes("id,note\r\n1,plain\n2,\"two\nlines\"\n3,\"crlf\r\ninside, and \"\"quotes\"\"\"\n\n4,\"open\n5,x\n6,\"\"\n7,last");
    assertSplitsReadAsWhole(csvSource(SRC), 1 << 20, data);
    List<String> events = records(whole(csvSource(SRC), 1 << 20, data));
    assertThat(events.get(0), equalTo("record 2 [1,plain] header=id,note"));
    assertThat(events.get(1), equalTo("record 3 [2,\"two\nlines\"] header=id,note"));
  }

  @Test
  public void csvHeaderThatIsInvalidOrTooLongIsHandledAsInAWholeRead() throws IOException {
    byte[] badHeader = concat(bytes("id,n"), new byte[] {(byte) 0xFF}, bytes("te\n1,a\n2,b\n3,c\n"));
    assertSplitsReadAsWhole(csvSource(SRC), 1 << 20, badHeader);
    byte[] longHeader = bytes("\n\nid,a_very_long_header_name\n1,a\n2,b\n3,c\n");
    assertSplitsReadAsWhole(csvSource(SRC), 12, longHeader);
  }

  @Test
  public void randomFilesSplitAnywhereReadTheSame() throws IOException {
    Random random = new Random(7);
    String[] pieces = {"a", ",", "\"", "\n", "\r\n", "\r", " ", "é", "{\"k\":1}", "\"\""};
    for (int round = 0; round < 200; round++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(120);
      for (int i = 0; i < n; i++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      byte[] data = bytes(sb.toString());
      assertSplitsReadAsWhole(csvSource(SRC), 1 + random.nextInt(40), data);
      assertSplitsReadAsWhole(boundedCsv(1 + random.nextInt(4), 1 + random.nextInt(30)), 1 + random.nextInt(40), data);
      assertSplitsReadAsWhole(jsonlSource(SRC), 1 + random.nextInt(40), data);
    }
  }

  @Test
  public void aLargeJsonlFileIsPlannedInPartsOfAboutTheTarget() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 10_000; i++) {
      sb.append("{\"id\":").append(i).append("}\n");
    }
    byte[] data = bytes(sb.toString());
    List<RecordReader.Split> splits = plan(jsonlSource(SRC), 1 << 20, data, 10_000);
    assertThat(splits.size(), greaterThan(10));
    assertThat(splits.size(), equalTo((int) Math.ceil(data.length / 10_000.0)));
    assertThat(splits.get(1).line(), equalTo(1L + countLf(data, (int) splits.get(1).start())));
    assertThat(split(jsonlSource(SRC), 1 << 20, data, splits), equalTo(whole(jsonlSource(SRC), 1 << 20, data)));
  }

  @Test
  public void aFileSmallerThanTheTargetIsOneSplit() throws IOException {
    assertThat(plan(jsonlSource(SRC), 100, bytes("{}\n{}\n"), 1000), contains(RecordReader.Split.WHOLE));
    assertThat(plan(csvSource(SRC), 100, bytes("a\n1\n"), 1000), contains(RecordReader.Split.WHOLE));
    assertThat(plan(jsonlSource(SRC), 100, new byte[0], 1), contains(RecordReader.Split.WHOLE));
  }

  @Test
  public void aFailingStreamMakesPlanningFail() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk gone");
          }
        };
    org.junit.Assert.assertThrows(IOException.class, () -> new RecordReader(csvSource(SRC), 100).plan(broken, 10));
    org.junit.Assert.assertThrows(IOException.class, () -> new RecordReader(jsonlSource(SRC), 100).plan(broken, 10));
  }

  /** The lines a file holds: its line feeds, and a last line without one. */
  private static long physicalLines(byte[] data) {
    return countLf(data, data.length) + (data.length > 0 && data[data.length - 1] != '\n' ? 1 : 0);
  }

  /** The records and rejections among the events. */
  private static List<String> records(List<String> events) {
    return events.stream().filter(e -> !e.startsWith("lines ") && !e.startsWith("skipped ")).toList();
  }

  private static long told(List<String> events) {
    return events.stream().filter(e -> e.startsWith("lines ") || e.startsWith("skipped "))
        .mapToLong(e -> Long.parseLong(e.substring(e.lastIndexOf(' ') + 1))).sum();
  }

  private static SourceSpec boundedCsv(int lines, int bytes) {
    return new SourceSpec(SRC, SourceSpec.Format.CSV, new dev.cauce.spec.PipelineSpec.CsvSpec(',', '"', true, List.of(), lines, bytes));
  }

  @Test
  public void csvStrayQuotesCutAndScannedAgainSplitAsAWholeRead() throws IOException {
    StringBuilder sb = new StringBuilder("id,note\n");
    for (int i = 2; i <= 400; i++) {
      sb.append(i).append(i % 37 == 3 ? ",\"stray" : i % 53 == 0 ? ",\"two\nlines\"" : ",plain").append(i % 5 == 0 ? "\r\n" : "\n");
    }
    byte[] data = bytes(sb.toString());
    for (SourceSpec source : List.of(csvSource(SRC), boundedCsv(4, 1 << 20), boundedCsv(1000, 30))) {
      assertSplitsReadAsWhole(source, 1 << 20, data);
    }
    List<String> events = whole(boundedCsv(4, 1 << 20), 1 << 20, data);
    // 11 stray quotes; the one on line 262 is closed by the quote on line 265 (within 4 lines)
    assertThat(events.stream().filter(e -> e.startsWith("unterminated_quote")).count(), equalTo(10L));
    // lines that keep every quote open (x","), among plain ones: each cut where it opens
    StringBuilder hostile = new StringBuilder("id,note\n");
    for (int i = 0; i < 120; i++) {
      hostile.append(i % 9 == 4 ? "1,plain" : "x\",\"").append('\n');
    }
    assertSplitsReadAsWhole(boundedCsv(5, 1 << 20), 1 << 20, bytes(hostile.toString()));
    assertSplitsReadAsWhole(boundedCsv(1000, 40), 1 << 20, bytes(hostile.toString()));
    // line 2's quote is cut after 5 lines; scanned again, line 4 opens a quote that line 7 would
    // close: a part starting at line 4 must not miss that it lies where a quote stayed open
    assertSplitsReadAsWhole(boundedCsv(5, 1 << 20), 1 << 20, bytes("id,note\na,\"open\nx\nx\",\"\nz\nz\nw\"\nlast\n"));
    assertThat(events.stream().filter(e -> e.startsWith("unterminated_quote 3 [3,\"stray]")).count(), equalTo(1L));
  }

  private static long countLf(byte[] data, int upTo) {
    long n = 0;
    for (int i = 0; i < upTo; i++) {
      if (data[i] == '\n') {
        n++;
      }
    }
    return n;
  }
}
