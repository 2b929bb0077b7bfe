package dev.cauce;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.util.List;

/** Small specs built in code, for tests that should not depend on the YAML loader. */
public final class TestSpecs {
  private TestSpecs() {}

  /** id (string, required), name (string), amount (decimal), updated_at (timestamp); jsonl. */
  public static PipelineSpec simple(DedupeSpec dedupe) {
    return new PipelineSpec(
        "simple",
        null,
        new SourceSpec("in/*.jsonl", SourceSpec.Format.JSONL, null),
        List.of(
            new FieldSpec("id", FieldType.STRING, true),
            new FieldSpec("name", FieldType.STRING, false),
            new FieldSpec("amount", FieldType.DECIMAL, false),
            new FieldSpec("updated_at", FieldType.TIMESTAMP, false)),
        CleanSpec.defaults(),
        List.of(),
        dedupe,
        "out/simple",
        List.of(new SinkSpec("simple", SinkFormat.JSONL, 1, WriteMode.OVERWRITE)),
        DeadLetterSpec.DEFAULT,
        QualitySpec.NONE);
  }
}
