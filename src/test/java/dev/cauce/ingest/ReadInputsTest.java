package dev.cauce.ingest;

import static dev.cauce.ingest.TestSpecs.csvSource;
import static dev.cauce.ingest.TestSpecs.jsonlSource;
import static dev.cauce.ingest.TestSpecs.spec;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import dev.cauce.model.CauceRecord;
import dev.cauce.coders.Coders;
import dev.cauce.beam.FusedStages;
import dev.cauce.model.Reasons;
import dev.cauce.model.RecordSink;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.beam.Staged;
import dev.cauce.model.Violation;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Reading files as the job does ({@link ReadInputs.Plan}, then {@link FusedStages} with {@link
 * ReadInputs#front}), with a first stage that keeps each source record whole so the test sees
 * exactly what was read: records, ingest rejections and counters.
 */
public class ReadInputsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final String RUN = "run-1";
  private static final long PART_BYTES = 1L << 20;
  private static final Schema SOURCE =
      Schema.builder().addNullableField("text", Schema.FieldType.STRING).addNullableField("header", Schema.FieldType.STRING).build();

  /** A first stage that passes every source record on, its text and header in the row. */
  private static StageLogic<SourceRecord, CauceRecord> keepSource(PipelineSpec spec) {
    return in -> new Outcome<>(new CauceRecord(in, Row.withSchema(SOURCE).addValues(in.text(), in.header()).build()), List.of(), List.of());
  }

  /** The records and ingest rejections of the job's file ingest. */
  private Staged<SourceRecord> read(PipelineSpec spec, int maxRecordBytes, List<InputFiles.InputFile> files, long splitBytes) {
    Staged<CauceRecord> read =
        p.apply("ReadInputs", new ReadInputs.Plan(spec, maxRecordBytes, files, splitBytes))
            .apply(new FusedStages<>("Read", spec, RUN, ReadInputs.front(maxRecordBytes), Stage.PARSE,
                ReadInputsTest::keepSource, List.of(), Coders.cauceRecord(SOURCE)));
    PCollection<SourceRecord> records =
        read.output()
            .apply("Source records", MapElements.into(TypeDescriptor.of(SourceRecord.class))
                .via((CauceRecord r) -> new SourceRecord(r.origin().source(), r.origin().line(), r.row().getString("text"), r.row().getString("header"))))
            .setCoder(Coders.sourceRecord());
    return new Staged<>(records, read.rejections());
  }

  private static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(s.getBytes(UTF_8));
    }
    return bytes.toByteArray();
  }

  private static byte[] bzip2(String s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new BZip2CompressorOutputStream(bytes)) {
      out.write(s.getBytes(UTF_8));
    }
    return bytes.toByteArray();
  }

  private String write(File dir, String name, byte[] content) throws IOException {
    File f = new File(dir, name);
    Files.write(f.toPath(), content);
    return f.getPath();
  }

  private static long counter(PipelineResult result, String name) {
    MetricQueryResults q =
        result.metrics().queryMetrics(
            MetricsFilter.builder().addNameFilter(MetricNameFilter.named(CauceMetrics.NAMESPACE, name)).build());
    long total = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  private static void assertLines(PipelineResult result, long consumed, long inRecords, long blank) {
    assertThat(counter(result, CauceMetrics.LINES_CONSUMED), is(consumed));
    assertThat(counter(result, CauceMetrics.LINES_IN_RECORDS), is(inRecords));
    assertThat(counter(result, CauceMetrics.linesSkipped(RecordReader.SKIP_BLANK)), is(blank));
  }

  @Test
  public void readsPlainGzipAndBzip2FilesOfAGlob() throws IOException {
    File dir = tmp.newFolder("in");
    String plain = write(dir, "a.jsonl", "{\"n\":1}\n\n{\"n\":2}\n".getBytes(UTF_8));
    String gz = write(dir, "b.jsonl.gz", gzip("{\"n\":3}\r\n{\"n\":4}\r\n"));
    String bz = write(dir, "c.jsonl.bz2", bzip2("\uFEFF{\"n\":5}\n"));
    byte[] bad = "{\"n\":6}\n{\"n\":\"\u00FF\"}\n".getBytes(UTF_8);
    bad[bad.length - 4] = (byte) 0xFF; // break the second byte of the two-byte ÿ: invalid UTF-8
    bad[bad.length - 5] = (byte) 0xFF;
    String invalid = write(dir, "d.jsonl", bad);
    write(dir, "ignored.csv", "x\n".getBytes(UTF_8));

    PipelineSpec spec = spec(jsonlSource(dir + "/*.jsonl*"), "n");
    Staged<SourceRecord> out = read(spec, 1024, null, PART_BYTES);

    PAssert.that(out.output())
        .containsInAnyOrder(
            SourceRecord.of(plain, 1, "{\"n\":1}"),
            SourceRecord.of(plain, 3, "{\"n\":2}"),
            SourceRecord.of(gz, 1, "{\"n\":3}"),
            SourceRecord.of(gz, 2, "{\"n\":4}"),
            SourceRecord.of(bz, 1, "{\"n\":5}"),
            SourceRecord.of(invalid, 1, "{\"n\":6}"));
    PAssert.that(out.rejections()).satisfies(oneRejection(RUN, "orders", invalid, 2, Reasons.INVALID_UTF8));

    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, CauceMetrics.READ), is(7L));
    assertThat(counter(result, CauceMetrics.rejected("ingest")), is(1L));
    assertThat(counter(result, CauceMetrics.reason("ingest", Reasons.INVALID_UTF8)), is(1L));
    // lines: a 3 (one blank), b.gz 2, c.bz2 1, d 2: compressed files count their decompressed lines
    assertLines(result, 8, 7, 1);
  }

  @Test
  public void aLargeFileIsReadInPartsWithItsLineNumbersAndAGzipFileWhole() throws IOException {
    File dir = tmp.newFolder("in");
    StringBuilder text = new StringBuilder("\uFEFF");
    List<SourceRecord> expected = new ArrayList<>();
    String big = new File(dir, "big.jsonl").getPath();
    String gz = new File(dir, "small.jsonl.gz").getPath();
    long line = 1;
    for (int i = 1; i <= 500; i++) {
      String record = "{\"n\":" + i + ",\"pad\":\"" + "p".repeat(i % 37) + "\"}";
      text.append(record).append(i % 50 == 0 ? "\r\n\n" : "\n");
      expected.add(SourceRecord.of(big, line, record));
      line += i % 50 == 0 ? 2 : 1;
    }
    write(dir, "big.jsonl", text.toString().getBytes(UTF_8));
    write(dir, "small.jsonl.gz", gzip(text.toString()));
    for (SourceRecord r : List.copyOf(expected)) {
      expected.add(SourceRecord.of(gz, r.line(), r.text()));
    }
    PipelineSpec spec = spec(jsonlSource(dir + "/*.jsonl*"), "n");

    // the plan: ~1 KB parts of the plain file (about 15 KB), the gzip file whole
    PAssert.that(p.apply("Plan", new ReadInputs.Plan(spec, 1024, null, 1000)))
        .satisfies(
            splits -> {
              long plainParts = 0;
              long gzParts = 0;
              for (ReadInputs.FileSplit s : splits) {
                if (s.path().equals(big)) {
                  plainParts++;
                } else {
                  gzParts++;
                  assertThat(s.whole(), is(true));
                }
              }
              assertThat("parts of the plain file: " + plainParts, plainParts >= 10, is(true));
              assertThat(gzParts, is(1L));
              return null;
            });
    Staged<SourceRecord> out = read(spec, 1024, null, 1000);
    PAssert.that(out.output()).containsInAnyOrder(expected);
    PAssert.that(out.rejections()).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, CauceMetrics.READ), is(1000L));
    // 510 lines a file (500 records, 10 blank), each counted once over the plain file's parts
    assertLines(result, 1020, 1000, 20);
  }

  @Test
  public void aStrayQuoteInACsvFileReadInSmallPartsCostsOneRecordAndEveryLineIsCountedOnce() throws IOException {
    File dir = tmp.newFolder("in");
    StringBuilder text = new StringBuilder("id,note\n");
    for (int i = 2; i <= 2_000; i++) {
      text.append(i).append(i == 3 ? ",\"stray" : i % 100 == 0 && i >= 1_500 ? ",\"two\nlines\"" : ",plain").append(i % 7 == 0 ? "\r\n\n" : "\n");
    }
    String path = write(dir, "a.csv", text.toString().getBytes(UTF_8));
    long physical = text.chars().filter(c -> c == '\n').count();
    Staged<SourceRecord> out = read(spec(csvSource(dir + "/*.csv"), "id", "note"), 1024, null, 500);

    PAssert.that(out.rejections()).satisfies(oneRejection(RUN, "orders", path, 3, Reasons.UNTERMINATED_QUOTE));
    PAssert.that(out.output().apply("Count", org.apache.beam.sdk.transforms.Count.globally())).containsInAnyOrder(1_998L);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, CauceMetrics.READ), is(1_999L));
    // 2,000 rows + 6 second lines of quoted fields (past the 1,000-line bound, so they do not close the stray quote) + 285 blank lines
    assertThat(physical, is(2_291L));
    assertLines(result, 2_291, 2_005, 285);
    assertThat(counter(result, CauceMetrics.linesSkipped(RecordReader.SKIP_HEADER)), is(1L));
  }

  @Test
  public void corruptGzipIsOneUnreadableInputRejectionAfterItsGoodRecords() throws IOException {
    File dir = tmp.newFolder("in");
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 3000; i++) {
      text.append("{\"n\":").append(i).append(",\"pad\":\"").append("q".repeat(i % 89)).append("\"}\n");
    }
    byte[] whole = gzip(text.toString());
    String corrupt = write(dir, "broken.jsonl.gz", Arrays.copyOf(whole, whole.length / 2));
    String fine = write(dir, "fine.jsonl.gz", gzip("{\"n\":0}\n"));

    Staged<SourceRecord> out = read(spec(jsonlSource(dir + "/*.gz"), "n"), 1 << 20, null, PART_BYTES);

    PAssert.that(out.output()).satisfies(recordsOf(corrupt, fine));
    PAssert.that(out.rejections()).satisfies(oneRejection(RUN, "orders", corrupt, -1, Reasons.UNREADABLE_INPUT));
    p.run().waitUntilFinish();
  }

  @Test
  public void anExplicitFileListIsReadInsteadOfThePattern() throws IOException {
    File dir = tmp.newFolder("in");
    String a = write(dir, "a.jsonl", "{\"n\":1}\n".getBytes(UTF_8));
    write(dir, "b.jsonl", "{\"n\":2}\n".getBytes(UTF_8));
    String c = write(dir, "c.jsonl.gz", gzip("{\"n\":3}\n"));
    List<InputFiles.InputFile> chosen = new ArrayList<>();
    for (InputFiles.InputFile f : InputFiles.match(dir + "/*.jsonl*")) {
      if (!f.path().endsWith("b.jsonl")) {
        chosen.add(f);
      }
    }

    Staged<SourceRecord> out = read(spec(jsonlSource(dir + "/*.jsonl*"), "n"), 1024, chosen, PART_BYTES);

    PAssert.that(out.output()).containsInAnyOrder(SourceRecord.of(a, 1, "{\"n\":1}"), SourceRecord.of(c, 1, "{\"n\":3}"));
    PAssert.that(out.rejections()).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, CauceMetrics.READ), is(2L));
  }

  // ------------------------------------------------------------------ pinned inputs

  /**
   * A listed file that vanished after it was listed fails the job naming it (it used to become one
   * unreadable_input rejection, and the run succeeded without its records).
   */
  @Test
  public void aListedFileThatVanishedFailsTheJobNamingIt() throws IOException {
    File dir = tmp.newFolder("in");
    write(dir, "a.jsonl", "{\"n\":1}\n".getBytes(UTF_8));
    List<InputFiles.InputFile> chosen = new ArrayList<>(InputFiles.match(dir + "/*.jsonl"));
    chosen.add(new InputFiles.InputFile(dir + "/gone.jsonl", 10, 1));

    read(spec(jsonlSource(dir + "/*.jsonl"), "n"), 1024, chosen, PART_BYTES);

    assertThat(failure(), is("input " + dir + "/gone.jsonl disappeared during the run (pinned when the run was planned: "
        + "10 bytes, modified 1970-01-01T00:00:00.001Z); nothing was published"));
  }

  @Test
  public void aFileDeletedAfterThePlanFailsTheJob() throws IOException {
    File dir = tmp.newFolder("in");
    String a = write(dir, "a.jsonl", "{\"n\":1}\n".getBytes(UTF_8));
    write(dir, "b.jsonl", bigJsonl(300).getBytes(UTF_8));
    List<InputFiles.InputFile> pinned = InputFiles.match(dir + "/*.jsonl");
    long size = Files.size(Path.of(a));
    long modified = Files.getLastModifiedTime(Path.of(a)).toMillis();
    Files.delete(Path.of(a));

    read(spec(jsonlSource(dir + "/*.jsonl"), "n"), 1024, pinned, 1000);

    assertThat(failure(), is("input " + a + " disappeared during the run (pinned when the run was planned: " + size
        + " bytes, modified " + Instant.ofEpochMilli(modified) + "); nothing was published"));
  }

  @Test
  public void aFileRewrittenWithTheSameSizeButAnotherTimeFailsTheJob() throws IOException {
    File dir = tmp.newFolder("in");
    String a = write(dir, "a.jsonl", "{\"n\":1}\n".getBytes(UTF_8));
    List<InputFiles.InputFile> pinned = InputFiles.match(dir + "/*.jsonl");
    long modified = pinned.get(0).lastModifiedMillis();
    Files.write(Path.of(a), "{\"n\":2}\n".getBytes(UTF_8));
    Files.setLastModifiedTime(Path.of(a), FileTime.fromMillis(modified + 2000));

    read(spec(jsonlSource(dir + "/*.jsonl"), "n"), 1024, pinned, PART_BYTES);

    assertThat(failure(), is("input " + a + " changed during the run: modified " + Instant.ofEpochMilli(modified) + " -> "
        + Instant.ofEpochMilli(modified + 2000) + " (pinned when the run was planned); nothing was published"));
  }

  @Test
  public void aLargeFileThatGrewAfterThePlanFailsTheJob() throws IOException {
    File dir = tmp.newFolder("in");
    String big = write(dir, "big.jsonl", bigJsonl(300).getBytes(UTF_8));
    List<InputFiles.InputFile> pinned = InputFiles.match(dir + "/*.jsonl");
    long modified = pinned.get(0).lastModifiedMillis();
    long size = pinned.get(0).sizeBytes();
    Files.write(Path.of(big), "{\"n\":0}\n".getBytes(UTF_8), StandardOpenOption.APPEND);
    Files.setLastModifiedTime(Path.of(big), FileTime.fromMillis(modified));

    read(spec(jsonlSource(dir + "/*.jsonl"), "n"), 1024, pinned, 1000);

    assertThat(failure(), is("input " + big + " changed during the run: size " + size + " -> " + (size + 8)
        + " bytes (pinned when the run was planned); nothing was published"));
  }

  @Test
  public void aLargePinnedFileThatDidNotChangeIsReadInPartsExactlyAsBefore() throws IOException {
    File dir = tmp.newFolder("in");
    String big = write(dir, "big.jsonl", bigJsonl(300).getBytes(UTF_8));
    List<SourceRecord> expected = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      expected.add(SourceRecord.of(big, i, record(i)));
    }
    List<InputFiles.InputFile> pinned = InputFiles.match(dir + "/*.jsonl");

    Staged<SourceRecord> out = read(spec(jsonlSource(dir + "/*.jsonl"), "n"), 1024, pinned, 1000);

    PAssert.that(out.output()).containsInAnyOrder(expected);
    PAssert.that(out.rejections()).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, CauceMetrics.READ), is(300L));
  }

  @Test
  public void aFileDeletedWhileASplitIsReadFailsWhenTheSplitEnds() throws IOException {
    File dir = tmp.newFolder("in");
    String a = write(dir, "a.jsonl", bigJsonl(3).getBytes(UTF_8));
    InputFiles.InputFile pin = InputFiles.match(a).get(0);
    List<String> seen = new ArrayList<>();
    RecordSink deleting = recording(seen, () -> Files.delete(Path.of(a)));

    PinnedInputException e = assertThrows(PinnedInputException.class, () -> readWhole(pin, deleting));

    assertThat(e.getMessage(), startsWith("input " + a + " disappeared during the run (pinned when the run was planned: "));
    assertThat("the open file is still read to its end", seen, is(List.of("1", "2", "3")));
  }

  @Test
  public void aFileRewrittenWhileItIsReadFailsWhenTheSplitEnds() throws IOException {
    File dir = tmp.newFolder("in");
    String a = write(dir, "a.jsonl", bigJsonl(3).getBytes(UTF_8));
    InputFiles.InputFile pin = InputFiles.match(a).get(0);
    RecordSink rewriting = recording(new ArrayList<>(),
        () -> Files.setLastModifiedTime(Path.of(a), FileTime.fromMillis(pin.lastModifiedMillis() - 60_000)));

    PinnedInputException e = assertThrows(PinnedInputException.class, () -> readWhole(pin, rewriting));

    assertThat(e.getMessage(), is("input " + a + " changed during the run: modified " + Instant.ofEpochMilli(pin.lastModifiedMillis())
        + " -> " + Instant.ofEpochMilli(pin.lastModifiedMillis() - 60_000) + " (pinned when the run was planned); nothing was published"));
  }

  /** An input that is as pinned but cannot be opened (here: a folder where a file was listed) fails the job, not one rejection. */
  @Test
  public void anInputThatCannotBeOpenedFailsTheJobNamingTheError() throws IOException {
    Path folder = tmp.newFolder("in.jsonl").toPath();
    InputFiles.InputFile pin = new InputFiles.InputFile(folder.toString(), Files.size(folder), Files.getLastModifiedTime(folder).toMillis());

    PinnedInputException e = assertThrows(PinnedInputException.class, () -> readWhole(pin, recording(new ArrayList<>(), () -> {})));

    assertThat(e.getMessage(), startsWith("input " + folder + " could not be read during the run: FileNotFoundException: " + folder));
    assertThat(e.getMessage(), endsWith("; nothing was published"));
    assertThat(e.getSuppressed().length, is(1));
  }

  /** A compressed stream that fails while its file is as pinned is content: one rejection after its good records, as before. */
  @Test
  public void aCorruptGzipFileThatDidNotChangeIsARejectionNotAFailure() throws IOException {
    File dir = tmp.newFolder("in");
    byte[] whole = gzip(bigJsonl(3000));
    String corrupt = write(dir, "broken.jsonl.gz", Arrays.copyOf(whole, whole.length / 2));
    String header = write(dir, "header.jsonl.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
    List<String> seen = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    RecordSink sink = new RecordSink() {
      @Override
      public void record(SourceRecord r) {
        seen.add(r.source());
      }

      @Override
      public void reject(SourceRecord origin, Violation v) {
        violations.add(v);
      }
    };

    readWhole(InputFiles.match(corrupt).get(0), sink);
    readWhole(InputFiles.match(header).get(0), sink);

    assertThat(seen.isEmpty(), is(false));
    assertThat(violations.size(), is(2));
    assertThat(violations.get(0).reason(), is(Reasons.UNREADABLE_INPUT));
    assertThat(violations.get(1).reason(), is(Reasons.UNREADABLE_INPUT));
  }

  private static void readWhole(InputFiles.InputFile pin, RecordSink sink) {
    ReadInputs.readSplit(new RecordReader(jsonlSource(pin.path()), 1 << 20), new ReadInputs.FileSplit(pin, RecordReader.Split.WHOLE, -1), sink);
  }

  /** A sink that notes each record's "n" and runs {@code onFirst} when the first record arrives. */
  private static RecordSink recording(List<String> seen, IoAction onFirst) {
    return new RecordSink() {
      @Override
      public void record(SourceRecord r) {
        if (seen.isEmpty()) {
          try {
            onFirst.run();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        seen.add(r.text().replaceAll("^\\{\"n\":(\\d+),.*$", "$1"));
      }

      @Override
      public void reject(SourceRecord origin, Violation v) {
        throw new AssertionError("unexpected rejection " + v);
      }
    };
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** Runs the pipeline, which must fail because of an input; returns the message that names it. */
  private String failure() {
    Pipeline.PipelineExecutionException e = assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    Throwable t = e;
    while (!(t instanceof PinnedInputException) && t.getCause() != null) {
      t = t.getCause();
    }
    assertThat(e.toString(), t instanceof PinnedInputException, is(true));
    assertThat("no cause, so the driver's root cause is this message", t.getCause(), is(nullValue()));
    return t.getMessage();
  }

  private static String record(int i) {
    return "{\"n\":" + i + ",\"pad\":\"" + "p".repeat(i % 37) + "\"}";
  }

  /** {@code n} records of {@link #record}, one per line: about 40 bytes each. */
  private static String bigJsonl(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      text.append(record(i)).append('\n');
    }
    return text.toString();
  }

  @Test
  public void csvRecordsCarryTheirHeaderThroughThePipeline() throws IOException {
    File dir = tmp.newFolder("in");
    String f = write(dir, "a.csv.gz", gzip("id,note\r\n1,\"x\r\ny\"\r\n2,z\r\n"));
    Staged<SourceRecord> out = read(spec(csvSource(dir + "/*.csv*"), "id", "note"), 1024, null, PART_BYTES);
    PAssert.that(out.output())
        .containsInAnyOrder(
            new SourceRecord(f, 2, "1,\"x\r\ny\"", "id,note"), new SourceRecord(f, 4, "2,z", "id,note"));
    PAssert.that(out.rejections()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void emptyMatchYieldsNothing() {
    Staged<SourceRecord> out = read(spec(jsonlSource(tmp.getRoot() + "/none/*.jsonl"), "n"), 1024, null, PART_BYTES);
    PAssert.that(out.output()).empty();
    PAssert.that(out.rejections()).empty();
    p.run().waitUntilFinish();
  }

  /** Exactly one rejection, of the ingest stage, with this source, reason and (unless -1) line. */
  private static SerializableFunction<Iterable<Rejection>, Void> oneRejection(
      String runId, String pipeline, String source, long line, String reason) {
    return rejections -> {
      List<Rejection> all = new ArrayList<>();
      rejections.forEach(all::add);
      assertThat(all.toString(), all.size(), is(1));
      Rejection r = all.get(0);
      assertThat(r.runId(), is(runId));
      assertThat(r.pipeline(), is(pipeline));
      assertThat(r.stage(), is("ingest"));
      assertThat(r.source(), is(source));
      assertThat(r.reason(), is(reason));
      if (line >= 0) {
        assertThat(r.line(), is(line));
      }
      return null;
    };
  }

  /** The corrupt file's records are lines 1..k in order, and the fine file's one record is there. */
  private static SerializableFunction<Iterable<SourceRecord>, Void> recordsOf(String corrupt, String fine) {
    return records -> {
      List<Long> corruptLines = new ArrayList<>();
      int fineCount = 0;
      for (SourceRecord r : records) {
        if (r.source().equals(corrupt)) {
          corruptLines.add(r.line());
          assertThat(r.text(), is("{\"n\":" + r.line() + ",\"pad\":\"" + "q".repeat((int) (r.line() % 89)) + "\"}"));
        } else {
          assertThat(r.source(), is(fine));
          fineCount++;
        }
      }
      corruptLines.sort(null);
      assertThat(fineCount, is(1));
      assertThat(corruptLines.isEmpty(), is(false));
      for (int i = 0; i < corruptLines.size(); i++) {
        assertThat(corruptLines.get(i), is(i + 1L));
      }
      assertThat(corruptLines.size() < 3000, is(true));
      return null;
    };
  }
}
