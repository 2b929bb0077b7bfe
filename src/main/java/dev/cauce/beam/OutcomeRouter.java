package dev.cauce.beam;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.model.Violation;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link FusedStages} does with one record's {@link Outcome}: warnings are counted; a failed outcome becomes a {@link Rejection} of that
 * stage (every violation, the record's origin), counted and sent to the rejections output. Not
 * serializable: create one per DoFn instance in {@code @Setup}.
 */
final class OutcomeRouter {
  private final String runId;
  private final String pipeline;
  private final TupleTag<Rejection> rejectedTag;
  private final CauceMetrics.RejectionCounters counters = new CauceMetrics.RejectionCounters();

  OutcomeRouter(String runId, String pipeline, TupleTag<Rejection> rejectedTag) {
    this.runId = runId;
    this.pipeline = pipeline;
    this.rejectedTag = rejectedTag;
  }

  /** Whether the record passed the stage; when not, its rejection has been emitted. */
  boolean passes(Outcome<?> outcome, Stage stage, SourceRecord origin, MultiOutputReceiver out) {
    for (Violation w : outcome.warnings()) {
      counters.countWarning(w);
    }
    if (outcome.errors().isEmpty()) {
      return true;
    }
    Rejection r = Rejection.of(runId, pipeline, stage, origin, outcome.errors());
    counters.count(r);
    out.get(rejectedTag).output(r);
    return false;
  }
}
