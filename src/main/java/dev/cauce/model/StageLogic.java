package dev.cauce.model;

import dev.cauce.spec.PipelineSpec;
import java.io.Serializable;
import java.util.List;

/**
 * One record stage's pure function (parse, clean, validate), run by {@link
 * dev.cauce.beam.FusedStages}; built once per DoFn instance by its {@link Factory}, so regexes,
 * parsers and scripts are never rebuilt per record.
 */
@FunctionalInterface
public interface StageLogic<I, O> {
  /** The result for one input; warnings are violations that are counted and do not reject. */
  Outcome<O> apply(I input);

  /** Builds the stage's logic for a spec; serializable so Beam can ship it. */
  @FunctionalInterface
  interface Factory<I, O> extends Serializable {
    StageLogic<I, O> create(PipelineSpec spec);
  }

  /** Builds a stage's logic that also reads the run's reference tables (lookups, {@code in_reference} rules). */
  @FunctionalInterface
  interface ReferencingFactory<I, O> extends Serializable {
    StageLogic<I, O> create(PipelineSpec spec, References references);
  }

  /** A value or rejecting violations, plus warnings that do not reject. */
  record Outcome<O>(O value, List<Violation> errors, List<Violation> warnings) {}
}
