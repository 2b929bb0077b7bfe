package dev.cauce.parse;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.Result;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.spec.PipelineSpec;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/** Parse: source text → a raw row (every field a string), via {@link RecordParser}. */
public final class ParseStage {
  private ParseStage() {}

  public static StageLogic<SourceRecord, CauceRecord> logic(PipelineSpec spec) {
    RecordParser parser = RecordParser.create(spec);
    return input -> {
      Result<Row> parsed = parser.parse(input);
      return parsed.isOk()
          ? new Outcome<>(new CauceRecord(input, parsed.value()), List.of(), parsed.warnings())
          : new Outcome<>(null, parsed.violations(), List.of());
    };
  }
}
