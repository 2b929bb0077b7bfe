package dev.cauce.validate;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.Result;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.validate.rules.Derivation;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/** Derive: computes the derived fields of each cleaned row via {@link Derivation} (run as part of clean). */
public final class DeriveStage {
  private DeriveStage() {}

  public static StageLogic<CauceRecord, CauceRecord> logic(PipelineSpec spec) {
    Derivation derivation = Derivation.create(spec);
    return input -> {
      Result<Row> derived = derivation.apply(input.row());
      return derived.isOk()
          ? new Outcome<>(new CauceRecord(input.origin(), derived.value()), List.of(), List.of())
          : new Outcome<>(null, derived.violations(), List.of());
    };
  }
}
