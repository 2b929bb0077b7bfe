package dev.cauce.ingest;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.util.Arrays;
import java.util.List;

/** Builds small specs for ingest and parse tests (the YAML loader is not involved). */
public final class TestSpecs {
  private TestSpecs() {}

  public static SourceSpec jsonlSource(String path) {
    return new SourceSpec(path, SourceSpec.Format.JSONL, null);
  }

  public static SourceSpec csvSource(String path, char delimiter, char quote, boolean header, String... columns) {
    return new SourceSpec(path, SourceSpec.Format.CSV, new CsvSpec(delimiter, quote, header, Arrays.asList(columns)));
  }

  public static SourceSpec csvSource(String path) {
    return csvSource(path, ',', '"', true);
  }

  public static PipelineSpec spec(SourceSpec source, String... fields) {
    List<FieldSpec> schema = Arrays.stream(fields).map(f -> new FieldSpec(f, FieldType.STRING, false)).toList();
    return new PipelineSpec(
        "orders", null, source, schema, CleanSpec.defaults(), List.of(), null, "out/orders", List.of(),
        DeadLetterSpec.DEFAULT, QualitySpec.NONE);
  }
}
