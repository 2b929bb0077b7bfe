package dev.cauce.beam;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.model.Violation;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link FusedStages} does with one record's {@link Outcome}s: a failed outcome becomes a
 * {@link Rejection} of that stage (every violation, the record's origin), counted and sent to the
 * rejections output; warnings are held until the record passed every stage ({@link #kept}), so only
 * kept records' warnings are counted. Not serializable: create one per DoFn instance in {@code @Setup}.
 */
final class OutcomeRouter {
  private final String runId;
  private final String pipeline;
  private final TupleTag<Rejection> rejectedTag;
  private final CauceMetrics.RejectionCounters counters = new CauceMetrics.RejectionCounters();
  /** The warnings of the record going through the stages. */
  private final List<Violation> warnings = new ArrayList<>();

  OutcomeRouter(String runId, String pipeline, TupleTag<Rejection> rejectedTag) {
    this.runId = runId;
    this.pipeline = pipeline;
    this.rejectedTag = rejectedTag;
  }

  /** A new record enters the stages. */
  void start() {
    warnings.clear();
  }

  /** Whether the record passed the stage; when not, its rejection has been emitted and its warnings dropped. */
  boolean passes(Outcome<?> outcome, Stage stage, SourceRecord origin, MultiOutputReceiver out) {
    if (outcome.errors().isEmpty()) {
      warnings.addAll(outcome.warnings());
      return true;
    }
    warnings.clear();
    Rejection r = Rejection.of(runId, pipeline, stage, origin, outcome.errors());
    counters.count(r);
    out.get(rejectedTag).output(r);
    return false;
  }

  /** The record passed every stage: its warnings count; returns them (empty for none). */
  List<Violation> kept() {
    if (warnings.isEmpty()) {
      return List.of();
    }
    warnings.forEach(counters::countWarning);
    List<Violation> kept = List.copyOf(warnings);
    warnings.clear();
    return kept;
  }
}
