package dev.cauce.ingest;

import dev.cauce.core.Coders;
import dev.cauce.core.Rejection;
import dev.cauce.core.SourceRecord;
import dev.cauce.monitor.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage: matches the spec's source pattern, opens each file (decompressing {@code .gz}
 * and {@code .bz2} by extension) and splits it into {@link SourceRecord}s with a {@link
 * RecordReader}. Records come out under {@link #RECORDS}; records rejected while reading (invalid
 * UTF-8, too long, unreadable input) come out as {@link Rejection}s of stage {@code ingest} under
 * {@link #REJECTIONS}.
 *
 * <p>Counters: {@code read} +1 for every record and every ingest rejection; rejections through
 * {@link CauceMetrics.RejectionCounters}. An empty match yields nothing (the driver checks the
 * pattern beforehand with {@link InputFiles#match}). Each file is read whole by one worker.
 */
public final class ReadInputs extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<SourceRecord> RECORDS = new TupleTag<>("records") {};
  public static final TupleTag<Rejection> REJECTIONS = new TupleTag<>("rejections") {};

  private final PipelineSpec spec;
  private final String runId;
  private final int maxRecordBytes;
  private final List<InputFiles.InputFile> files;

  public ReadInputs(PipelineSpec spec, String runId, int maxRecordBytes) {
    this(spec, runId, maxRecordBytes, null);
  }

  /**
   * Reads exactly {@code files} (as listed by {@link InputFiles#match}) instead of matching the
   * spec's source pattern; null means the pattern. A listed file that has vanished since becomes an
   * {@code unreadable_input} rejection rather than silently nothing.
   */
  public ReadInputs(PipelineSpec spec, String runId, int maxRecordBytes, List<InputFiles.InputFile> files) {
    super("ReadInputs");
    this.files = files == null ? null : List.copyOf(files);
    this.spec = Objects.requireNonNull(spec, "spec");
    this.runId = Objects.requireNonNull(runId, "runId");
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive, got " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /** The two outputs of {@link ReadInputs}, so callers need not juggle tags. */
  public record Outputs(PCollection<SourceRecord> records, PCollection<Rejection> rejections) {
    public static Outputs of(PCollectionTuple tuple) {
      return new Outputs(tuple.get(RECORDS), tuple.get(REJECTIONS));
    }
  }

  /** Applies {@code new ReadInputs(spec, runId, maxRecordBytes)} to the pipeline's start. */
  public static Outputs read(PBegin begin, PipelineSpec spec, String runId, int maxRecordBytes) {
    return Outputs.of(begin.apply(new ReadInputs(spec, runId, maxRecordBytes)));
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollection<MatchResult.Metadata> matched =
        files == null
            ? begin.apply(
                "MatchFiles",
                FileIO.match()
                    .filepattern(spec.source().path())
                    .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            : begin.apply("ListedFiles", Create.of(metadata(files)).withCoder(MetadataCoderV2.of()));
    PCollectionTuple out =
        matched
            .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO))
            .apply(
                "ReadRecords",
                ParDo.of(new ReadFileFn(spec, runId, maxRecordBytes))
                    .withOutputTags(RECORDS, TupleTagList.of(REJECTIONS)));
    out.get(RECORDS).setCoder(Coders.sourceRecord());
    out.get(REJECTIONS).setCoder(Coders.rejection());
    return out;
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

  /** Reads one file into records and ingest rejections. */
  static final class ReadFileFn extends DoFn<FileIO.ReadableFile, SourceRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFileFn.class);

    private final PipelineSpec spec;
    private final String runId;
    private final int maxRecordBytes;
    private transient RecordReader reader;
    private transient IngestOutputs outputs;

    ReadFileFn(PipelineSpec spec, String runId, int maxRecordBytes) {
      this.spec = spec;
      this.runId = runId;
      this.maxRecordBytes = maxRecordBytes;
    }

    @Setup
    public void setup() {
      reader = new RecordReader(spec.source(), maxRecordBytes);
      outputs = new IngestOutputs(runId, spec.name(), RECORDS, REJECTIONS);
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String source = file.getMetadata().resourceId().toString();
      RecordSink sink = outputs.into(out);
      InputStream in;
      try {
        in = Channels.newInputStream(file.open());
      } catch (IOException | RuntimeException e) {
        // e.g. a gzip file whose header is corrupt: nothing of it can be read
        sink.reject(SourceRecord.of(source, 1, ""), RecordReader.unreadable(1, e));
        return;
      }
      try {
        reader.read(source, in, sink);
      } finally {
        try {
          in.close();
        } catch (IOException e) {
          LOG.warn("could not close {}: {}", source, e.toString());
        }
      }
    }
  }
}
