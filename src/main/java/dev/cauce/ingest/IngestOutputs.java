package dev.cauce.ingest;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.RecordSink;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.Violation;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The Beam side of the ingest DoFns that emit source records (HTTP APIs, replayed dead letters): counts {@code read}
 * for each record and each ingest rejection, counts rejections by reason, and routes them to the
 * records and rejections outputs. Create one per DoFn instance (in {@code @Setup}).
 */
public final class IngestOutputs {
  private final String runId;
  private final String pipeline;
  private final TupleTag<SourceRecord> recordsTag;
  private final TupleTag<Rejection> rejectionsTag;
  private final Counter read = CauceMetrics.counter(CauceMetrics.READ);
  private final CauceMetrics.RejectionCounters rejections = new CauceMetrics.RejectionCounters();

  public IngestOutputs(String runId, String pipeline, TupleTag<SourceRecord> recordsTag, TupleTag<Rejection> rejectionsTag) {
    this.runId = runId;
    this.pipeline = pipeline;
    this.recordsTag = recordsTag;
    this.rejectionsTag = rejectionsTag;
  }

  /** A sink that emits into this element's outputs. */
  public RecordSink into(MultiOutputReceiver out) {
    return new RecordSink() {
      @Override
      public void record(SourceRecord r) {
        read.inc();
        out.get(recordsTag).output(r);
      }

      @Override
      public void reject(SourceRecord origin, Violation v) {
        read.inc();
        Rejection r = Rejection.of(runId, pipeline, Stage.INGEST, origin, List.of(v));
        rejections.count(r);
        out.get(rejectionsTag).output(r);
      }
    };
  }
}
