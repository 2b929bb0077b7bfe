package dev.cauce.beam;

import dev.cauce.expect.Aggregates;
import dev.cauce.expect.Profile;
import dev.cauce.expect.ResultList;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.validate.Validator;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * The dataset expectations in the job: one combiner over the rows to publish builds the {@link
 * Profile} ({@link Aggregates} does the work), and its output is their results. Every runner
 * merges partial profiles exactly, so Direct and Flink at any parallelism give the same figures.
 */
public final class ExpectAggregates extends PTransform<PCollection<Row>, PCollection<ResultList>> {
  private final PipelineSpec spec;

  public ExpectAggregates(PipelineSpec spec) {
    super("Expectations: dataset");
    this.spec = spec;
  }

  /** The spec's dataset expectations, compiled. */
  public static Aggregates aggregates(PipelineSpec spec) {
    return Aggregates.of(spec.expectations(), spec.schema(), Validator.zone(spec));
  }

  @Override
  public PCollection<ResultList> expand(PCollection<Row> rows) {
    return rows.apply("Expectations: profile", Combine.globally(new ProfileFn(spec)))
        .setCoder(SerializableCoder.of(ResultList.class));
  }

  /** A profile in {@link Profile#write}'s compact form (Java serialization took seconds a million values). */
  static final class ProfileCoder extends CustomCoder<Profile> {
    @Override
    public void encode(Profile p, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      p.write(data);
      data.flush();
    }

    @Override
    public Profile decode(InputStream in) throws IOException {
      return Profile.read(new DataInputStream(in));
    }
  }

  static final class ProfileFn extends Combine.CombineFn<Row, Profile, ResultList> {
    private final PipelineSpec spec;
    private transient Aggregates aggregates;

    ProfileFn(PipelineSpec spec) {
      this.spec = spec;
    }

    private Aggregates aggregates() {
      if (aggregates == null) {
        aggregates = ExpectAggregates.aggregates(spec);
      }
      return aggregates;
    }

    @Override
    public Profile createAccumulator() {
      return aggregates().profile();
    }

    @Override
    public Profile addInput(Profile p, Row row) {
      aggregates().add(p, row);
      return p;
    }

    @Override
    public Profile mergeAccumulators(Iterable<Profile> parts) {
      Profile all = createAccumulator();
      parts.forEach(all::merge);
      return all;
    }

    @Override
    public ResultList extractOutput(Profile p) {
      return new ResultList(aggregates().results(p));
    }

    @Override
    public Coder<Profile> getAccumulatorCoder(CoderRegistry r, Coder<Row> in) {
      return new ProfileCoder();
    }

    @Override
    public Coder<ResultList> getDefaultOutputCoder(CoderRegistry r, Coder<Row> in) {
      return SerializableCoder.of(ResultList.class);
    }
  }
}
