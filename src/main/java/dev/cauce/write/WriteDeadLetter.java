package dev.cauce.write;

import dev.cauce.coders.Schemas;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes a run's rejections to the dead letter's staging folder, {@code
 * <output>/_staging/<runId>/<dead_letter.name>/}, as {@code <runId>-SSSSS-of-NNNNN.jsonl} ({@link
 * RejectionJson}, the default) or {@code .csv} ({@link RejectionCsv}, header in every file); the
 * {@link Publisher} moves them to {@code <output>/<dead_letter.name>/}. Every rejection is counted
 * in {@value CauceMetrics#DEAD_LETTERED}. One shard unless told otherwise, so a run's rejections are
 * one file (an empty one when there are none). Beam's temporary files go to {@code
 * <output>/_staging/<runId>/_tmp/}.
 */
public final class WriteDeadLetter extends PTransform<PCollection<Rejection>, PDone> {
  /** The dead letter's shard count unless told otherwise. */
  public static final int DEFAULT_SHARDS = 1;

  private final String output;
  private final DeadLetterSpec deadLetter;
  private final String runId;
  private final int shards;

  /** The spec's dead letter (or {@link DeadLetterSpec#DEFAULT}) in one shard. */
  public WriteDeadLetter(PipelineSpec spec, String runId) {
    this(spec, runId, DEFAULT_SHARDS);
  }

  /** {@code shards}: files per run; 0 lets the runner decide. */
  public WriteDeadLetter(PipelineSpec spec, String runId, int shards) {
    this(spec.output(), spec.deadLetter() == null ? DeadLetterSpec.DEFAULT : spec.deadLetter(), runId, shards);
  }

  private WriteDeadLetter(String output, DeadLetterSpec deadLetter, String runId, int shards) {
    super("Write dead letter " + deadLetter.name());
    if (deadLetter.format() == SinkFormat.PARQUET) {
      throw new IllegalArgumentException("dead letter " + deadLetter.name() + ": format must be jsonl or csv, not parquet");
    }
    if (shards < 0) {
      throw new IllegalArgumentException("dead letter shards must be 0 or more, got " + shards);
    }
    this.output = output;
    this.deadLetter = deadLetter;
    this.runId = Layout.checkRunId(runId);
    this.shards = shards;
  }

  /**
   * Writes lines made before (JSON Lines, one file, an empty one when there are none) to {@code
   * <output>/_staging/<runId>/<name>/}, counted in {@code aside.<name>}, for the {@link Publisher} to
   * publish with the sinks and the dead letter: the duplicates dropped ({@code dedupe.dropped}).
   */
  public static PTransform<PCollection<String>, PDone> lines(PipelineSpec spec, String folder, String runId) {
    String output = spec.output();
    String run = Layout.checkRunId(runId);
    return new PTransform<>("Write " + folder) { // not "name": PTransform has a field of that name
      @Override
      public PDone expand(PCollection<String> lines) {
        TextLineSink.LineFormat<String> format = () -> line -> line;
        StagedWrite.FileSink<String> sink = StagedWrite.textSink(folder, null, format, CauceMetrics.aside(folder), output, run,
            SinkFormat.JSONL.extension(), DEFAULT_SHARDS);
        return StagedWrite.write(lines, java.util.List.of(sink), output, run);
      }
    };
  }

  /** Writes the records kept with warnings ({@code dead_letter.warned}) as {@link WarnedLines}, like {@link #lines}. */
  public static PTransform<PCollection<KV<CauceRecord, List<Violation>>>, PDone> warned(PipelineSpec spec, String runId) {
    String folder = spec.deadLetter().warned();
    return new PTransform<>("Write " + folder) {
      @Override
      public PDone expand(PCollection<KV<CauceRecord, List<Violation>>> warned) {
        return warned.apply("Format", ParDo.of(new WarnedFn(Schemas.typed(spec), runId, spec.name())))
            .setCoder(StringUtf8Coder.of())
            .apply(lines(spec, folder, runId));
      }
    };
  }

  private static final class WarnedFn extends DoFn<KV<CauceRecord, List<Violation>>, String> {
    private final Schema typed;
    private final String runId;
    private final String pipeline;
    private transient WarnedLines lines;

    WarnedFn(Schema typed, String runId, String pipeline) {
      this.typed = typed;
      this.runId = runId;
      this.pipeline = pipeline;
    }

    @Setup
    public void setup() {
      lines = new WarnedLines(typed, runId, pipeline);
    }

    @ProcessElement
    public void process(@Element KV<CauceRecord, List<Violation>> w, OutputReceiver<String> out) {
      out.output(lines.line(w.getKey(), w.getValue()));
    }
  }

  @Override
  public PDone expand(PCollection<Rejection> rejections) {
    boolean csv = deadLetter.format() == SinkFormat.CSV;
    TextLineSink.LineFormat<Rejection> format = csv ? () -> new RejectionCsv()::format : () -> new RejectionJson()::format;
    StagedWrite.FileSink<Rejection> sink = StagedWrite.textSink(deadLetter.name(), csv ? RejectionCsv.header() : null, format,
        CauceMetrics.DEAD_LETTERED, output, runId, deadLetter.format().extension(), shards);
    return StagedWrite.write(rejections, java.util.List.of(sink), output, runId);
  }
}
