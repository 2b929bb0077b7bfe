package dev.cauce.parse;

import dev.cauce.core.CauceRecord;
import dev.cauce.core.Coders;
import dev.cauce.core.RecordStage;
import dev.cauce.core.RecordStage.Outcome;
import dev.cauce.core.RecordStage.StageLogic;
import dev.cauce.core.Result;
import dev.cauce.core.Schemas;
import dev.cauce.core.SourceRecord;
import dev.cauce.core.Stage;
import dev.cauce.spec.PipelineSpec;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/** Parse: source text → a raw row (every field a string), via {@link RecordParser}. */
public final class ParseStage {
  private ParseStage() {}

  public static RecordStage<SourceRecord, CauceRecord> of(PipelineSpec spec, String runId) {
    return new RecordStage<>(Stage.PARSE, spec, runId, ParseStage::logic, Coders.cauceRecord(Schemas.raw(spec)));
  }

  public static StageLogic<SourceRecord, CauceRecord> logic(PipelineSpec spec) {
    RecordParser parser = RecordParser.create(spec);
    return new StageLogic<>() {
      @Override
      public Outcome<CauceRecord> apply(SourceRecord input) {
        Result<Row> parsed = parser.parse(input);
        return parsed.isOk()
            ? new Outcome<>(new CauceRecord(input, parsed.value()), List.of(), List.of())
            : new Outcome<>(null, parsed.violations(), List.of());
      }

      @Override
      public SourceRecord origin(SourceRecord input) {
        return input;
      }
    };
  }
}
