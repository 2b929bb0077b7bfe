package dev.cauce;

import dev.cauce.expect.ExpectationResult;
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
 * ({@link Layout#expectations}), with the skipped ones (unknown types; every one on a {@code --replay}) in
 * spec order.
 */
final class Expectations {
  private Expectations() {}

  static final String REPLAY = "not evaluated on a --replay: expectations describe a whole dataset, checked by the run that read it";

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
      if (specs.get(i).skipped() != null || replay) {
        all.add(ExpectationResult.skipped(i, specs.get(i), replay ? REPLAY : specs.get(i).skipped()));
      }
    }
    ResultList skipped = new ResultList(all);
    if (replay || all.size() == specs.size()) {
      return skipped;
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(Layout.expectations(spec.output(), plan.runId())))) {
      return skipped.plus(ResultList.fromJson(in.readAllBytes()));
    }
  }
}
