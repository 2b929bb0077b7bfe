package dev.cauce.beam;

import dev.cauce.expect.ResultList;
import dev.cauce.files.AtomicFiles;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;

/**
 * Gathers every expectation result of the job into one {@link ResultList} and writes it, whole or
 * not at all, to {@code path} (the run's staging, read by the run's finish for the quality gate
 * and the report).
 */
public final class WriteExpectations extends PTransform<PCollectionList<ResultList>, PDone> {
  private final String path;

  public WriteExpectations(String path) {
    super("Expectations: write results");
    this.path = path;
  }

  @Override
  public PDone expand(PCollectionList<ResultList> parts) {
    parts.apply("Expectations: all results", Flatten.pCollections())
        .setCoder(SerializableCoder.of(ResultList.class))
        .apply("Expectations: one list", Combine.globally(new ConcatFn()))
        .apply("Expectations: write", ParDo.of(new WriteFn(path)));
    return PDone.in(parts.getPipeline());
  }

  static final class ConcatFn extends Combine.CombineFn<ResultList, ResultList, ResultList> {
    @Override
    public ResultList createAccumulator() {
      return new ResultList(List.of());
    }

    @Override
    public ResultList addInput(ResultList acc, ResultList input) {
      return acc.plus(input);
    }

    @Override
    public ResultList mergeAccumulators(Iterable<ResultList> accs) {
      ResultList all = createAccumulator();
      for (ResultList a : accs) {
        all = all.plus(a);
      }
      return all;
    }

    @Override
    public ResultList extractOutput(ResultList acc) {
      return acc;
    }

    @Override
    public Coder<ResultList> getAccumulatorCoder(CoderRegistry r, Coder<ResultList> in) {
      return SerializableCoder.of(ResultList.class);
    }

    @Override
    public Coder<ResultList> getDefaultOutputCoder(CoderRegistry r, Coder<ResultList> in) {
      return SerializableCoder.of(ResultList.class);
    }
  }

  static final class WriteFn extends DoFn<ResultList, Void> {
    private final String path;

    WriteFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(@Element ResultList results) throws IOException {
      AtomicFiles.write(path, results.toJson());
    }
  }
}
