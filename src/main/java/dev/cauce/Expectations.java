package dev.cauce;

import dev.cauce.expect.ExpectationResult;
import dev.cauce.expect.ExpectationType;
import dev.cauce.expect.ExpectationTypes;
import dev.cauce.expect.ResultList;
import dev.cauce.spec.ExpectationSpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.write.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;

/**
 * The run's expectation results, as the finish reads them: those the job wrote to its staging
 * ({@link Layout#expectations}), with the skipped ones (unknown types; on a {@code --replay} all but the
 * row expectations, which apply to the replayed records as to any records entering the dataset) in
 * spec order.
 */
final class Expectations {
  private Expectations() {}

  static final String REPLAY = "not evaluated on a --replay: dataset and uniqueness expectations describe a whole dataset,"
      + " checked by the run that read it (row expectations are checked on the replayed records)";

  /** Null when the spec has no expectations. */
  static ResultList read(RunPlan plan) throws IOException {
    PipelineSpec spec = plan.spec();
    if (spec.expectations().isEmpty()) {
      return null;
    }
    boolean replay = plan.options().getReplay() != null;
    List<ExpectationResult> all = new ArrayList<>();
    List<ExpectationSpec> specs = spec.expectations();
    for (int i = 0; i < specs.size(); i++) {
      ExpectationSpec e = specs.get(i);
      if (e.skipped() != null) {
        all.add(ExpectationResult.skipped(i, e, e.skipped()));
      } else if (replay && ExpectationTypes.named(e.type()).kind() != ExpectationType.Kind.ROW) {
        all.add(ExpectationResult.skipped(i, e, REPLAY));
      }
    }
    ResultList skipped = new ResultList(all);
    if (all.size() == specs.size()) {
      return skipped;
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(Layout.expectations(spec.output(), plan.runId())))) {
      return skipped.plus(ResultList.fromJson(in.readAllBytes()));
    }
  }
}
