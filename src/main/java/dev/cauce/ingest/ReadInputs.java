package dev.cauce.ingest;

import dev.cauce.core.RecordSink;
import dev.cauce.core.FusedStages;
import dev.cauce.core.Violation;
import dev.cauce.core.SourceRecord;
import dev.cauce.monitor.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
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
 * reading (invalid UTF-8, too long, unreadable input) are rejections of stage {@code ingest}.
 *
 * <p>Counters: {@code read} +1 for every record and every ingest rejection. An empty match yields
 * nothing (the driver checks the pattern beforehand with {@link InputFiles#match}).
 */
public final class ReadInputs {
  private ReadInputs() {}

  /**
   * The parts of the input to read, spread over the workers: the spec's source pattern (or exactly
   * {@code files}, when not null) matched, each file planned ({@link PlanFn}), the splits reshuffled.
   * A listed file that has vanished since becomes an {@code unreadable_input} rejection when read.
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
          .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO))
          .apply("PlanSplits", ParDo.of(new PlanFn(spec, maxRecordBytes, splitBytes)))
          .setCoder(FileSplit.CODER)
          .apply("SpreadSplits", Reshuffle.viaRandomKey());
    }
  }

  /** The ingest front of {@link FusedStages}: reads each split, counting {@code read} for every record and ingest rejection. */
  public static FusedStages.Front<FileSplit> front(int maxRecordBytes) {
    return spec -> {
      RecordReader reader = new RecordReader(spec.source(), maxRecordBytes);
      Counter read = CauceMetrics.counter(CauceMetrics.READ);
      return (part, sink) ->
          readSplit(
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
              });
    };
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
   * or the bytes {@code [split.start, end)} ({@code end < 0}: to the end of the file).
   */
  public record FileSplit(String path, RecordReader.Split split, long end) {
    static final Coder<FileSplit> CODER = new FileSplitCoder();

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
      LONG.encode(f.split().start(), out);
      LONG.encode(f.split().line(), out);
      NULLABLE.encode(f.split().header(), out);
      LONG.encode(f.end() + 1, out); // -1 (to the end) as 0: var-longs are short for small values
    }

    @Override
    public FileSplit decode(InputStream in) throws IOException {
      String path = STRING.decode(in);
      RecordReader.Split split = new RecordReader.Split(LONG.decode(in), LONG.decode(in), NULLABLE.decode(in));
      return new FileSplit(path, split, LONG.decode(in) - 1);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Plans each matched file's splits: one for a small or compressed file, else parts of about {@code splitBytes}. */
  static final class PlanFn extends DoFn<FileIO.ReadableFile, FileSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(PlanFn.class);

    private final PipelineSpec spec;
    private final int maxRecordBytes;
    private final long splitBytes;

    PlanFn(PipelineSpec spec, int maxRecordBytes, long splitBytes) {
      this.spec = spec;
      this.maxRecordBytes = maxRecordBytes;
      this.splitBytes = splitBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<FileSplit> out) {
      MatchResult.Metadata meta = file.getMetadata();
      String path = meta.resourceId().toString();
      boolean splittable =
          meta.sizeBytes() > splitBytes
              && meta.isReadSeekEfficient()
              && Compression.detect(meta.resourceId().getFilename()) == Compression.UNCOMPRESSED;
      if (!splittable) {
        out.output(new FileSplit(path, RecordReader.Split.WHOLE, -1));
        return;
      }
      List<RecordReader.Split> splits;
      try (InputStream in = Channels.newInputStream(FileSystems.open(meta.resourceId()))) {
        splits = new RecordReader(spec.source(), maxRecordBytes).plan(in, splitBytes);
      } catch (IOException | RuntimeException e) {
        // read it whole: the reader reports what is wrong as an unreadable_input rejection
        LOG.warn("could not plan parallel reads of {} ({}); reading it whole", path, e.toString());
        out.output(new FileSplit(path, RecordReader.Split.WHOLE, -1));
        return;
      }
      LOG.info("reading {} ({} bytes) in {} part(s)", path, meta.sizeBytes(), splits.size());
      for (int i = 0; i < splits.size(); i++) {
        long end = i + 1 < splits.size() ? splits.get(i + 1).start() : -1;
        out.output(new FileSplit(path, splits.get(i), end));
      }
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ReadInputs.class);

  /** Reads one split into {@code sink}; a file that cannot be opened is one unreadable_input rejection. */
  static void readSplit(RecordReader reader, FileSplit part, RecordSink sink) {
    String source = part.path();
    InputStream in;
    try {
      in = open(part);
    } catch (IOException | RuntimeException e) {
      // e.g. a gzip file whose header is corrupt: nothing of it can be read
      sink.reject(SourceRecord.of(source, part.split().line(), ""), RecordReader.unreadable(part.split().line(), e));
      return;
    }
    try {
      reader.read(source, in, sink, part.split());
    } finally {
      try {
        in.close();
      } catch (IOException e) {
        LOG.warn("could not close {}: {}", source, e.toString());
      }
    }
  }

  private static InputStream open(FileSplit part) throws IOException {
      ResourceId id = FileSystems.matchNewResource(part.path(), false);
      if (part.whole()) {
        return Channels.newInputStream(
            Compression.detect(id.getFilename()).readDecompressed(FileSystems.open(id)));
      }
      ReadableByteChannel channel = FileSystems.open(id);
      if (!(channel instanceof SeekableByteChannel seekable)) {
        channel.close();
        throw new IOException("cannot seek in " + part.path());
      }
      seekable.position(part.split().start());
      InputStream in = new BufferedInputStream(Channels.newInputStream(seekable), 1 << 16);
      return part.end() < 0 ? in : new Bounded(in, part.end() - part.split().start());
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
