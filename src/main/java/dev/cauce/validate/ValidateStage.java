package dev.cauce.validate;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.spec.PipelineSpec;

/**
 * Validate: runs every rule on every typed row via {@link Validator}; error violations reject the
 * record, warnings are counted ({@code warned.<rule>}) and the record is kept.
 */
public final class ValidateStage {
  private ValidateStage() {}

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec) {
    Validator validator = Validator.create(spec);
    return input -> {
      Validation v = validator.validate(input.row());
      return new Outcome<>(v.errors().isEmpty() ? input : null, v.errors(), v.warnings());
    };
  }
}
