package dev.cauce.clean;

import dev.cauce.core.CauceRecord;
import dev.cauce.core.Coders;
import dev.cauce.core.RecordStage;
import dev.cauce.core.RecordStage.Outcome;
import dev.cauce.core.RecordStage.StageLogic;
import dev.cauce.core.Result;
import dev.cauce.core.Schemas;
import dev.cauce.core.SourceRecord;
import dev.cauce.core.Stage;
import dev.cauce.spec.PipelineSpec;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/** Clean: raw row → typed row, via {@link Cleaner} (text steps, null tokens, defaults, conversion). */
public final class CleanStage {
  private CleanStage() {}

  public static RecordStage<CauceRecord, CauceRecord> of(PipelineSpec spec, String runId) {
    return new RecordStage<>(Stage.CLEAN, spec, runId, CleanStage::logic, Coders.cauceRecord(Schemas.typed(spec)));
  }

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec) {
    Cleaner cleaner = Cleaner.create(spec);
    return new StageLogic<>() {
      @Override
      public Outcome<CauceRecord> apply(CauceRecord input) {
        Result<Row> cleaned = cleaner.clean(input.row());
        return cleaned.isOk()
            ? new Outcome<>(new CauceRecord(input.origin(), cleaned.value()), List.of(), List.of())
            : new Outcome<>(null, cleaned.violations(), List.of());
      }

      @Override
      public SourceRecord origin(CauceRecord input) {
        return input.origin();
      }
    };
  }
}
