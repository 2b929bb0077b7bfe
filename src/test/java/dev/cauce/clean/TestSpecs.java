package dev.cauce.clean;

import dev.cauce.coders.Schemas;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CleanStep;
import dev.cauce.spec.PipelineSpec.CleanStep.Op;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;

/** Builds spec records directly for cleaning and validation tests (no YAML). */
public final class TestSpecs {
  private TestSpecs() {}

  public static FieldSpec field(String name, FieldType type) {
    return new FieldSpec(name, type, false);
  }

  public static FieldSpec required(String name, FieldType type) {
    return new FieldSpec(name, type, true);
  }

  public static PipelineSpec spec(List<FieldSpec> schema, CleanSpec clean, List<RuleSpec> rules) {
    return new PipelineSpec(
        "test",
        null,
        new SourceSpec("in/*.jsonl", SourceSpec.Format.JSONL, null),
        schema,
        clean,
        rules,
        null,
        "out/test",
        List.of(),
        DeadLetterSpec.DEFAULT,
        QualitySpec.NONE);
  }

  /** Default cleaning (trim, default null tokens) with per-field cleaning, in a zone. */
  public static CleanSpec clean(String timezone, Map<String, FieldCleaning> fields) {
    return new CleanSpec(List.of(CleanStep.simple(Op.TRIM)), CleanSpec.DEFAULT_NULL_TOKENS, fields, timezone);
  }

  public static CleanSpec clean(Map<String, FieldCleaning> fields) {
    return clean("UTC", fields);
  }

  public static FieldCleaning steps(CleanStep... steps) {
    return new FieldCleaning(List.of(steps), null, List.of(), null, null);
  }

  public static FieldCleaning withDefault(String defaultValue, CleanStep... steps) {
    return new FieldCleaning(List.of(steps), defaultValue, List.of(), null, null);
  }

  public static FieldCleaning formats(String... formats) {
    return new FieldCleaning(List.of(), null, List.of(formats), null, null);
  }

  public static FieldCleaning separators(Character grouping, Character decimal, CleanStep... steps) {
    return new FieldCleaning(List.of(steps), null, List.of(), grouping, decimal);
  }

  public static CleanStep step(Op op) {
    return CleanStep.simple(op);
  }

  public static CleanStep strip(String regex) {
    return new CleanStep(Op.STRIP, regex, null, List.of());
  }

  public static CleanStep replace(String regex, String with) {
    return new CleanStep(Op.REPLACE, regex, with, List.of());
  }

  public static CleanStep extract(String regex) {
    return new CleanStep(Op.EXTRACT, regex, null, List.of());
  }

  public static CleanStep nullIf(String... tokens) {
    return new CleanStep(Op.NULL_IF, null, null, List.of(tokens));
  }

  /** A raw row of the spec (values in schema order, nulls allowed). */
  public static Row raw(PipelineSpec spec, String... values) {
    return Row.withSchema(Schemas.raw(spec)).addValues(Arrays.asList((Object[]) values)).build();
  }

  /** A typed row of the spec (values in schema order, of the Java types of Schemas' javadoc). */
  public static Row typed(PipelineSpec spec, Object... values) {
    return Row.withSchema(Schemas.typed(spec)).addValues(Arrays.asList(values)).build();
  }
}
