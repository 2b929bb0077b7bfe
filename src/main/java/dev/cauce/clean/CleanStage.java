package dev.cauce.clean;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.Result;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.spec.PipelineSpec;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/** Clean: raw row → typed row, via {@link Cleaner} (text steps, null tokens, defaults, conversion). */
public final class CleanStage {
  private CleanStage() {}

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec) {
    Cleaner cleaner = Cleaner.create(spec);
    return input -> {
      Result<Row> cleaned = cleaner.clean(input.row());
      return cleaned.isOk()
          ? new Outcome<>(new CauceRecord(input.origin(), cleaned.value()), List.of(), List.of())
          : new Outcome<>(null, cleaned.violations(), List.of());
    };
  }
}
