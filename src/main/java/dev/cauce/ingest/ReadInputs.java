package dev.cauce.ingest;

import dev.cauce.metrics.CountingFn;
import dev.cauce.model.RecordSink;
import dev.cauce.beam.FusedStages;
import dev.cauce.model.Reasons;
import dev.cauce.model.Violation;
import dev.cauce.model.SourceRecord;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.fault.FaultPoints;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest of files: {@link Plan} matches the spec's source pattern (or takes the listed files)
 * and cuts each file into parts, and {@link #front} reads each part into {@link SourceRecord}s inside
 * {@link FusedStages}. Compressed files ({@code .gz}, {@code .bz2}, by extension) and files on file
 * systems without efficient seeking are one part; an uncompressed file larger than {@code splitBytes}
 * is scanned once for record boundaries ({@link RecordReader#plan}) and read in parts from their
 * offsets, with the line numbers and CSV header a whole read would give. Records rejected while
 * reading (invalid UTF-8, too long, a corrupt compressed stream) are rejections of stage {@code
 * ingest}.
 *
 * <p>Inputs are pinned: each split carries its file's size, modification time (and checksum, on
 * {@code gs://}) as planned, and the reader checks them when it opens the split and again when it
 * has read it. A file that changed, disappeared, or whose bytes could not be read (an I/O error, as
 * opposed to bad content in a file that is as pinned) fails the job with a {@link
 * PinnedInputException} naming the file, instead of becoming rejections of a run that looks good.
 *
 * <p>Counters: {@code read} +1 for every record and every ingest rejection. An empty match yields
 * nothing (the driver checks the pattern beforehand with {@link InputFiles#match}).
 */
public final class ReadInputs {
  private ReadInputs() {}

  /**
   * The parts of the input to read, spread over the workers: the spec's source pattern (or exactly
   * {@code files}, when not null) matched, each file planned ({@link PlanFn}), the splits reshuffled.
   * Listed files are pinned as listed; matched files as they are when planned. A listed file that has
   * vanished or changed since fails the job when it is read.
   */
  public static final class Plan extends PTransform<PBegin, PCollection<FileSplit>> {
    private final PipelineSpec spec;
    private final int maxRecordBytes;
    private final List<InputFiles.InputFile> files;
    private final long splitBytes;

    public Plan(PipelineSpec spec, int maxRecordBytes, List<InputFiles.InputFile> files, long splitBytes) {
      this.spec = spec;
      this.maxRecordBytes = maxRecordBytes;
      this.files = files == null ? null : List.copyOf(files);
      this.splitBytes = splitBytes;
      if (splitBytes < 1 || maxRecordBytes < 1) {
        throw new IllegalArgumentException("splitBytes and maxRecordBytes must be positive, got " + splitBytes + " and " + maxRecordBytes);
      }
    }

    @Override
    public PCollection<FileSplit> expand(PBegin begin) {
      PCollection<MatchResult.Metadata> matched =
          files == null
              ? begin.apply(
                  "MatchFiles",
                  FileIO.match()
                      .filepattern(spec.source().path())
                      .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
              : begin.apply("ListedFiles", Create.of(metadata(files)).withCoder(MetadataCoderV2.of()));
      return matched
          .apply("PlanSplits", ParDo.of(new PlanFn(spec, maxRecordBytes, splitBytes, pins(files))))
          .setCoder(FileSplit.CODER)
          .apply("SpreadSplits", Reshuffle.viaRandomKey());
    }
  }

  /**
   * The ingest front of {@link FusedStages}: reads each split, counting {@code read} for every record
   * and ingest rejection, and the split's physical lines: consumed, in records, skipped by reason.
   */
  public static FusedStages.Front<FileSplit> front(int maxRecordBytes) {
    return spec -> {
      RecordReader reader = new RecordReader(spec.source(), maxRecordBytes);
      Counter read = CauceMetrics.counter(CauceMetrics.READ);
      Counter consumed = CauceMetrics.counter(CauceMetrics.LINES_CONSUMED);
      Counter inRecords = CauceMetrics.counter(CauceMetrics.LINES_IN_RECORDS);
      Map<String, Counter> skipped = new HashMap<>();
      return (part, sink) ->
          consumed.inc(readSplit(
              reader,
              part,
              new RecordSink() {
                @Override
                public void record(SourceRecord r) {
                  read.inc();
                  sink.record(r);
                }

                @Override
                public void reject(SourceRecord origin, Violation v) {
                  read.inc();
                  sink.reject(origin, v);
                }

                @Override
                public void linesInRecord(long lines) {
                  inRecords.inc(lines);
                }

                @Override
                public void linesSkipped(String reason, long lines) {
                  skipped.computeIfAbsent(reason, r -> CauceMetrics.counter(CauceMetrics.linesSkipped(r))).inc(lines);
                }
              }));
    };
  }

  /** The listed files by path (null when the pattern is matched), so their checksums, which Beam's metadata coder drops, stay pinned. */
  private static Map<String, InputFiles.InputFile> pins(List<InputFiles.InputFile> files) {
    if (files == null) {
      return null;
    }
    Map<String, InputFiles.InputFile> byPath = new HashMap<>();
    files.forEach(f -> byPath.put(f.path(), f));
    return byPath;
  }

  private static List<MatchResult.Metadata> metadata(List<InputFiles.InputFile> files) {
    List<MatchResult.Metadata> list = new ArrayList<>();
    for (InputFiles.InputFile f : files) {
      list.add(
          MatchResult.Metadata.builder()
              .setResourceId(FileSystems.matchNewResource(f.path(), false))
              .setSizeBytes(f.sizeBytes())
              .setLastModifiedMillis(f.lastModifiedMillis())
              .setIsReadSeekEfficient(true)
              .build());
    }
    return list;
  }

  /**
   * One part of an input file to read: the whole file ({@code split.first()} and {@code end < 0}),
   * or the bytes {@code [split.start, end)} ({@code end < 0}: to the end of the file); {@code file}
   * is the file as pinned when the run was planned.
   */
  public record FileSplit(InputFiles.InputFile file, RecordReader.Split split, long end) {
    static final Coder<FileSplit> CODER = new FileSplitCoder();

    public String path() {
      return file.path();
    }

    boolean whole() {
      return split.first() && end < 0;
    }
  }

  static final class FileSplitCoder extends CustomCoder<FileSplit> {
    private static final Coder<String> STRING = StringUtf8Coder.of();
    private static final Coder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());
    private static final Coder<Long> LONG = VarLongCoder.of();

    @Override
    public void encode(FileSplit f, OutputStream out) throws IOException {
      STRING.encode(f.path(), out);
      LONG.encode(f.file().sizeBytes(), out);
      LONG.encode(f.file().lastModifiedMillis(), out);
      NULLABLE.encode(f.file().checksum(), out);
      LONG.encode(f.split().start(), out);
      LONG.encode(f.split().line(), out);
      NULLABLE.encode(f.split().header(), out);
      LONG.encode(f.end() + 1, out); // -1 (to the end) as 0: var-longs are short for small values
    }

    @Override
    public FileSplit decode(InputStream in) throws IOException {
      InputFiles.InputFile file = new InputFiles.InputFile(STRING.decode(in), LONG.decode(in), LONG.decode(in), NULLABLE.decode(in));
      RecordReader.Split split = new RecordReader.Split(LONG.decode(in), LONG.decode(in), NULLABLE.decode(in));
      return new FileSplit(file, split, LONG.decode(in) - 1);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Plans each matched file's splits: one for a small or compressed file, else parts of about {@code splitBytes}. */
  static final class PlanFn extends CountingFn<MatchResult.Metadata, FileSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(PlanFn.class);

    private final PipelineSpec spec;
    private final int maxRecordBytes;
    private final long splitBytes;
    private final Map<String, InputFiles.InputFile> pins;

    PlanFn(PipelineSpec spec, int maxRecordBytes, long splitBytes, Map<String, InputFiles.InputFile> pins) {
      this.spec = spec;
      this.maxRecordBytes = maxRecordBytes;
      this.splitBytes = splitBytes;
      this.pins = pins;
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata meta, OutputReceiver<FileSplit> out) {
      if (meta.resourceId().isDirectory()) {
        return; // a glob may match folders: they are not inputs
      }
      String path = meta.resourceId().toString();
      InputFiles.InputFile pin = pins == null ? null : pins.get(path);
      if (pin == null) {
        pin = pinNow(path); // matched in the pipeline: its metadata lost the modification time on the way
      }
      boolean splittable =
          meta.sizeBytes() > splitBytes
              && meta.isReadSeekEfficient()
              && Compression.detect(meta.resourceId().getFilename()) == Compression.UNCOMPRESSED;
      if (!splittable) {
        out.output(new FileSplit(pin, RecordReader.Split.WHOLE, -1));
        return;
      }
      List<RecordReader.Split> splits;
      try (InputStream in = Channels.newInputStream(FileSystems.open(meta.resourceId()))) {
        splits = new RecordReader(spec.source(), maxRecordBytes).plan(in, splitBytes);
      } catch (IOException | RuntimeException e) {
        verify(pin, e);
        // as pinned, so read it whole: the reader fails the job if it cannot read it either
        LOG.warn("could not plan parallel reads of {} ({}); reading it whole", path, e.toString());
        out.output(new FileSplit(pin, RecordReader.Split.WHOLE, -1));
        return;
      }
      LOG.info("reading {} ({} bytes) in {} part(s)", path, meta.sizeBytes(), splits.size());
      for (int i = 0; i < splits.size(); i++) {
        long end = i + 1 < splits.size() ? splits.get(i + 1).start() : -1;
        out.output(new FileSplit(pin, splits.get(i), end));
      }
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ReadInputs.class);

  /**
   * Reads one split into {@code sink}, checking its file against the pin before and after. A failure
   * of the file's own bytes (open, seek, read) fails the job ({@link PinnedInputException}); so does
   * a change. A stream that fails while its file is as pinned and was read without error is bad
   * content (a corrupt gzip or bzip2 stream): one unreadable_input rejection, after the records
   * before it, as {@link RecordReader} reports it.
   *
   * @return the physical lines of the split's (decompressed) bytes the reader consumed
   */
  static long readSplit(RecordReader reader, FileSplit part, RecordSink sink) {
    String source = part.path();
    verify(part.file(), null);
    WatchedChannel raw = new WatchedChannel();
    InputStream in;
    try {
      in = open(part, raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      verify(part.file(), e);
      if (raw.failure != null) {
        throw unreadable(source, raw.failure);
      }
      // e.g. a gzip file whose header is corrupt: nothing of it can be read
      sink.linesInRecord(0);
      sink.reject(SourceRecord.of(source, part.split().line(), ""), RecordReader.unreadable(part.split().line(), e));
      return 0;
    }
    FaultPoints.reached("read:opened"); // opened, nothing read yet: a test changes the file here
    StreamFailure failed = new StreamFailure(sink);
    LineCounting counted = new LineCounting(in);
    try {
      reader.read(source, counted, failed, part.split());
    } finally {
      try {
        in.close();
      } catch (IOException e) {
        LOG.warn("could not close {}: {}", source, e.toString());
      }
    }
    verify(part.file(), raw.failure);
    if (failed.origin != null) {
      if (raw.failure != null) {
        throw unreadable(source, raw.failure);
      }
      sink.reject(failed.origin, failed.violation);
    }
    return counted.lines();
  }

  private static PinnedInputException unreadable(String path, Exception e) {
    return new PinnedInputException("input " + path + " could not be read during the run: " + InputFiles.describe(e), e);
  }

  /** The file as it is now, pinned for the rest of the run. */
  private static InputFiles.InputFile pinNow(String path) {
    Optional<InputFiles.InputFile> now;
    try {
      now = InputFiles.current(path);
    } catch (IOException | RuntimeException e) {
      throw new PinnedInputException(InputFiles.uncheckable(path, e), e);
    }
    return now.orElseThrow(() -> new PinnedInputException("input " + path + " disappeared during the run (before it was planned)", null));
  }

  /** Fails the job if {@code pinned} is no longer as it was planned; {@code error}: what went wrong reading it, if anything. */
  private static void verify(InputFiles.InputFile pinned, Throwable error) {
    Optional<String> problem = InputFiles.change(pinned);
    if (problem.isPresent()) {
      throw new PinnedInputException(problem.get(), error);
    }
  }

  private static InputStream open(FileSplit part, WatchedChannel raw) throws IOException {
      ResourceId id = FileSystems.matchNewResource(part.path(), false);
      raw.open(id);
      if (part.whole()) {
        return Channels.newInputStream(Compression.detect(id.getFilename()).readDecompressed(raw));
      }
      raw.position(part.split().start());
      InputStream in = new BufferedInputStream(Channels.newInputStream(raw), 1 << 16);
      return part.end() < 0 ? in : new Bounded(in, part.end() - part.split().start());
  }

  /**
   * The file's own channel, remembering the first failure of opening, seeking or reading it: an
   * I/O problem with the file, told apart from a failure of the decompression above it (content).
   */
  static final class WatchedChannel implements ReadableByteChannel {
    private ReadableByteChannel channel;
    private ResourceId id;
    Exception failure;

    void open(ResourceId file) throws IOException {
      id = file;
      try {
        channel = FileSystems.open(file);
      } catch (IOException | RuntimeException e) {
        failure = e;
        throw e;
      }
    }

    void position(long offset) throws IOException {
      try {
        if (!(channel instanceof SeekableByteChannel seekable)) {
          throw new IOException("cannot seek in " + id);
        }
        seekable.position(offset);
      } catch (IOException | RuntimeException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      try {
        return channel.read(dst);
      } catch (IOException | RuntimeException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public boolean isOpen() {
      return channel != null && channel.isOpen();
    }

    @Override
    public void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.warn("could not close {}: {}", id, e.toString());
        }
      }
    }
  }

  /** Passes records and rejections on, but holds back the unreadable_input rejection of a failed stream until its cause is known. */
  private static final class StreamFailure implements RecordSink {
    private final RecordSink sink;
    SourceRecord origin;
    Violation violation;

    StreamFailure(RecordSink sink) {
      this.sink = sink;
    }

    @Override
    public void record(SourceRecord r) {
      sink.record(r);
    }

    @Override
    public void reject(SourceRecord o, Violation v) {
      if (Reasons.UNREADABLE_INPUT.equals(v.reason())) {
        origin = o;
        violation = v;
      } else {
        sink.reject(o, v);
      }
    }

    @Override
    public void linesInRecord(long lines) {
      sink.linesInRecord(lines);
    }

    @Override
    public void linesSkipped(String reason, long lines) {
      sink.linesSkipped(reason, lines);
    }
  }

  /**
   * Counts the physical lines of the bytes read through it (line feeds, and a last line without
   * one), apart from the reader, so the line check compares two independent counts.
   */
  static final class LineCounting extends FilterInputStream {
    private long lineFeeds;
    private boolean partial;

    LineCounting(InputStream in) {
      super(in);
    }

    long lines() {
      return lineFeeds + (partial ? 1 : 0);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count(b, off, n);
      }
      return n;
    }

    private void count(byte[] b, int off, int n) {
      for (int i = off; i < off + n; i++) {
        if (b[i] == '\n') {
          lineFeeds++;
        }
      }
      partial = b[off + n - 1] != '\n';
    }
  }

  /** At most {@code limit} bytes of a stream (the part of a file a split covers). */
  static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
