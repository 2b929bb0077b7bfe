package dev.cauce.validate;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.References;
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
    return logic(spec, References.NONE);
  }

  /** The same, with the run's reference tables (for {@code in_reference} rules). */
  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec, References references) {
    Validator validator = Validator.create(spec, references);
    return input -> {
      Validation v = validator.validate(input.row());
      return new Outcome<>(v.errors().isEmpty() ? input : null, v.errors(), v.warnings());
    };
  }
}
