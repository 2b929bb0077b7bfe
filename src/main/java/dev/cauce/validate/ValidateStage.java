package dev.cauce.validate;

import dev.cauce.core.CauceRecord;
import dev.cauce.core.Coders;
import dev.cauce.core.RecordStage;
import dev.cauce.core.RecordStage.Outcome;
import dev.cauce.core.RecordStage.StageLogic;
import dev.cauce.core.Schemas;
import dev.cauce.core.SourceRecord;
import dev.cauce.core.Stage;
import dev.cauce.spec.PipelineSpec;

/**
 * Validate: runs every rule on every typed row via {@link Validator}; error violations reject the
 * record, warnings are counted ({@code warned.<rule>}) and the record is kept.
 */
public final class ValidateStage {
  private ValidateStage() {}

  public static RecordStage<CauceRecord, CauceRecord> of(PipelineSpec spec, String runId) {
    return new RecordStage<>(
        Stage.VALIDATE, spec, runId, ValidateStage::logic, Coders.cauceRecord(Schemas.typed(spec)));
  }

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec) {
    Validator validator = Validator.create(spec);
    return new StageLogic<>() {
      @Override
      public Outcome<CauceRecord> apply(CauceRecord input) {
        Validation v = validator.validate(input.row());
        return new Outcome<>(v.errors().isEmpty() ? input : null, v.errors(), v.warnings());
      }

      @Override
      public SourceRecord origin(CauceRecord input) {
        return input.origin();
      }
    };
  }
}
