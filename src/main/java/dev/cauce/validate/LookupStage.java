package dev.cauce.validate;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.References;
import dev.cauce.model.Result;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.spec.PipelineSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.values.Row;

/**
 * Lookup: sets the looked-up fields of each row via {@link Lookups} (run as part of clean, after the
 * derived fields); counts {@code lookup_filled.<field>} and {@code lookup_missed.<field>}.
 */
public final class LookupStage {
  private LookupStage() {}

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec, References references) {
    Lookups lookups = Lookups.create(spec, references);
    Map<String, Counter> counters = new HashMap<>();
    Lookups.Tally tally = new Lookups.Tally() {
      @Override
      public void filled(String field) {
        counters.computeIfAbsent(CauceMetrics.lookupFilled(field), CauceMetrics::counter).inc();
      }

      @Override
      public void missed(String field) {
        counters.computeIfAbsent(CauceMetrics.lookupMissed(field), CauceMetrics::counter).inc();
      }
    };
    return input -> {
      Result<Row> looked = lookups.apply(input.row(), tally);
      return looked.isOk()
          ? new Outcome<>(new CauceRecord(input.origin(), looked.value()), List.of(), List.of())
          : new Outcome<>(null, looked.violations(), List.of());
    };
  }
}
