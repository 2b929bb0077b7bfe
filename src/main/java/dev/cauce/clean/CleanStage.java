package dev.cauce.clean;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.Result;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.metrics.CauceMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.values.Row;

/** Clean: raw row → typed row, via {@link Cleaner} (text steps, null tokens, dictionaries, defaults, conversion); counts {@code mapped.<field>} and {@code changed.<step>.<field>}. */
public final class CleanStage {
  private CleanStage() {}

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec) {
    Cleaner cleaner = Cleaner.create(spec);
    Map<String, Counter> mapped = new HashMap<>();
    Cleaner.Mapped count = field -> mapped.computeIfAbsent(CauceMetrics.mapped(field), CauceMetrics::counter).inc();
    Map<String, Counter> changed = new HashMap<>(); // by the step names the cleaner tells, made once
    Cleaner.Changed countChange = step -> changed.computeIfAbsent(step, s -> CauceMetrics.counter(CauceMetrics.changed(s))).inc();
    return input -> {
      Result<Row> cleaned = cleaner.clean(input.row(), count, countChange);
      return cleaned.isOk()
          ? new Outcome<>(new CauceRecord(input.origin(), cleaned.value()), List.of(), List.of())
          : new Outcome<>(null, cleaned.violations(), List.of());
    };
  }
}
