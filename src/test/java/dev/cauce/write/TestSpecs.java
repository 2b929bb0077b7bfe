package dev.cauce.write;

import dev.cauce.coders.Schemas;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/** Specs and rows for the write tests, built directly from the spec model. */
final class TestSpecs {
  private TestSpecs() {}

  /** One field of every type, in this order. */
  static final List<FieldSpec> ALL_TYPES =
      List.of(
          new FieldSpec("id", FieldType.STRING, true),
          new FieldSpec("qty", FieldType.INT, false),
          new FieldSpec("big", FieldType.LONG, false),
          new FieldSpec("ratio", FieldType.DOUBLE, false),
          new FieldSpec("amount", FieldType.DECIMAL, false),
          new FieldSpec("paid", FieldType.BOOLEAN, false),
          new FieldSpec("day", FieldType.DATE, false),
          new FieldSpec("at", FieldType.TIMESTAMP, false));

  static PipelineSpec spec(String output, List<SinkSpec> sinks, DeadLetterSpec deadLetter) {
    return new PipelineSpec(
        "orders",
        "test",
        new SourceSpec("in/*.jsonl", SourceSpec.Format.JSONL, CsvSpec.DEFAULT),
        ALL_TYPES,
        CleanSpec.defaults(),
        List.of(),
        null,
        output,
        sinks,
        deadLetter,
        QualitySpec.NONE);
  }

  static PipelineSpec spec(String output, SinkSpec sink) {
    return spec(output, List.of(sink), DeadLetterSpec.DEFAULT);
  }

  static SinkSpec sink(String name, SinkFormat format, int shards) {
    return new SinkSpec(name, format, shards, WriteMode.OVERWRITE);
  }

  static Schema schema() {
    return Schemas.typed(spec("out", sink("orders", SinkFormat.JSONL, 1)));
  }

  static Row row(
      String id, Integer qty, Long big, Double ratio, String amount, Boolean paid, String day, String at) {
    return Row.withSchema(schema())
        .addValues(
            id,
            qty,
            big,
            ratio,
            amount == null ? null : new BigDecimal(amount),
            paid,
            day == null ? null : LocalDate.parse(day),
            at == null ? null : Instant.parse(at))
        .build();
  }

  static Row full() {
    return row("A-1", 3, 9007199254740993L, 0.25, "12.50", true, "2024-01-05", "2024-01-05T10:00:00Z");
  }

  static Row nulls() {
    return row("B-2", null, null, null, null, null, null, null);
  }
}
