package dev.cauce.core;

import dev.cauce.spec.PipelineSpec;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The thin Beam layer around one stage's pure function: applies it to every element, sends passing
 * records to the main output and failures, as {@link Rejection}s, to a side output, counting them.
 * The stage's logic lives in a plain-Java {@link StageLogic} built once per DoFn instance (in
 * {@code @Setup}), so regexes, parsers and scripts are never rebuilt per record.
 */
public final class RecordStage<I, O> extends PTransform<PCollection<I>, Staged<O>> {

  /** Builds the stage's logic for a spec; serializable so Beam can ship it. */
  @FunctionalInterface
  public interface LogicFactory<I, O> extends Serializable {
    StageLogic<I, O> create(PipelineSpec spec);
  }

  /** The stage's pure function: the origin of every input is needed for rejections. */
  public interface StageLogic<I, O> {
    /** The result for one input; warnings are violations that are counted and do not reject. */
    Outcome<O> apply(I input);

    SourceRecord origin(I input);
  }

  /** A value or rejecting violations, plus warnings that do not reject. */
  public record Outcome<O>(O value, List<Violation> errors, List<Violation> warnings) {}

  private final Stage stage;
  private final PipelineSpec spec;
  private final String runId;
  private final LogicFactory<I, O> factory;
  private final Coder<O> outputCoder;

  public RecordStage(
      Stage stage, PipelineSpec spec, String runId, LogicFactory<I, O> factory, Coder<O> outputCoder) {
    super(capitalized(stage));
    this.stage = stage;
    this.spec = spec;
    this.runId = runId;
    this.factory = factory;
    this.outputCoder = outputCoder;
  }

  @Override
  public Staged<O> expand(PCollection<I> input) {
    TupleTag<O> passed = new TupleTag<>("passed") {};
    TupleTag<Rejection> rejected = new TupleTag<>("rejected") {};
    PCollectionTuple out =
        input.apply(
            "Apply " + stage.id(),
            ParDo.of(new StageFn<>(stage, spec, runId, factory, passed, rejected))
                .withOutputTags(passed, TupleTagList.of(rejected)));
    return new Staged<>(
        out.get(passed).setCoder(outputCoder), out.get(rejected).setCoder(Coders.rejection()));
  }

  private static String capitalized(Stage stage) {
    String id = stage.id();
    return Character.toUpperCase(id.charAt(0)) + id.substring(1);
  }

  static final class StageFn<I, O> extends DoFn<I, O> {
    private final Stage stage;
    private final PipelineSpec spec;
    private final String runId;
    private final LogicFactory<I, O> factory;
    private final TupleTag<O> passedTag;
    private final TupleTag<Rejection> rejectedTag;
    private transient StageLogic<I, O> logic;
    private transient OutcomeRouter router;

    StageFn(Stage stage, PipelineSpec spec, String runId, LogicFactory<I, O> factory,
        TupleTag<O> passedTag, TupleTag<Rejection> rejectedTag) {
      this.stage = stage;
      this.spec = spec;
      this.runId = runId;
      this.factory = factory;
      this.passedTag = passedTag;
      this.rejectedTag = rejectedTag;
    }

    @Setup
    public void setup() {
      logic = factory.create(spec);
      router = new OutcomeRouter(runId, spec.name(), rejectedTag);
    }

    @ProcessElement
    public void process(@Element I input, MultiOutputReceiver out) {
      Outcome<O> outcome = logic.apply(input);
      if (router.passes(outcome, stage, logic.origin(input), out)) {
        out.get(passedTag).output(outcome.value());
      }
    }
  }
}
