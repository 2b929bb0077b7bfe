package dev.cauce.replay;

import dev.cauce.metrics.CountingFn;
import dev.cauce.coders.Coders;
import dev.cauce.model.Reasons;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.beam.Staged;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.ingest.IngestOutputs;
import dev.cauce.model.RecordSink;
import dev.cauce.write.RejectionJson;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Ingest for {@code --replay}: reads dead-letter JSONL files and turns each rejection back into the
 * {@link SourceRecord} it came from (original source, line, raw text and CSV header), so the records
 * a user fixed go through parse → clean → validate again. A line that is not a dead-letter record is
 * itself rejected ({@code malformed_json}).
 */
public final class ReplayDeadLetter extends PTransform<PBegin, Staged<SourceRecord>> {
  private static final TupleTag<SourceRecord> RECORDS = new TupleTag<>("records") {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>("rejections") {};

  private final PipelineSpec spec;
  private final String runId;
  private final String pattern;

  public ReplayDeadLetter(PipelineSpec spec, String runId, String pattern) {
    super("Ingest (replay)");
    this.spec = spec;
    this.runId = runId;
    this.pattern = pattern;
  }

  @Override
  public Staged<SourceRecord> expand(PBegin begin) {
    PCollectionTuple out =
        begin
            .apply("Match dead letters", FileIO.match().filepattern(pattern).withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            .apply("Read matches", FileIO.readMatches())
            .apply("Read lines", TextIO.readFiles())
            .apply("To source records", ParDo.of(new ToSourceFn(spec.name(), runId, pattern))
                .withOutputTags(RECORDS, TupleTagList.of(REJECTIONS)));
    out.get(RECORDS).setCoder(Coders.sourceRecord());
    out.get(REJECTIONS).setCoder(Coders.rejection());
    return new Staged<>(out.get(RECORDS), out.get(REJECTIONS));
  }

  static final class ToSourceFn extends CountingFn<String, SourceRecord> {
    private final String pipeline;
    private final String runId;
    private final String pattern;
    private transient IngestOutputs outputs;

    ToSourceFn(String pipeline, String runId, String pattern) {
      this.pipeline = pipeline;
      this.runId = runId;
      this.pattern = pattern;
    }

    @Setup
    public void setup() {
      outputs = new IngestOutputs(runId, pipeline, RECORDS, REJECTIONS);
    }

    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) {
      if (line.isBlank()) {
        return;
      }
      RecordSink sink = outputs.into(out);
      Rejection old;
      try {
        old = RejectionJson.fromJson(line);
      } catch (RuntimeException e) {
        sink.reject(SourceRecord.of(pattern, 0, line),
            Violation.of(Reasons.MALFORMED_JSON, "not a cauce dead-letter record: " + e.getMessage()));
        return;
      }
      sink.record(new SourceRecord(old.source(), old.line(), old.raw(), old.header()));
    }
  }
}
