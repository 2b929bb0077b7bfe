package dev.cauce.beam;

import dev.cauce.metrics.CountingFn;
import dev.cauce.coders.Coders;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.RecordSink;
import dev.cauce.model.References;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.StageLogic;
import dev.cauce.model.StageLogic.Outcome;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import java.io.Serializable;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.values.KV;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The record stages (parse, then clean and validate) in one ParDo fed by a {@link Front}, so no
 * record is handed between ingest and the stages; the first stage to reject a record yields its
 * {@link Rejection}, and passed records come out {@link CauceRecord#locatedOnly located only}; with
 * {@code dead_letter.warned}, those passed with warnings also come out with them ({@link Staged#warned}).
 */
public final class FusedStages<I> extends PTransform<PCollection<I>, Staged<CauceRecord>> {
  /** One stage of the chain after the first; its logic may read the run's reference tables. */
  public record Next(Stage stage, StageLogic.ReferencingFactory<CauceRecord, CauceRecord> factory) implements Serializable {
    /** A stage that reads no reference. */
    public Next(Stage stage, StageLogic.Factory<CauceRecord, CauceRecord> factory) {
      this(stage, (spec, references) -> factory.create(spec));
    }
  }

  /** The side inputs of the run's reference tables, by reference name (see {@link ReferenceViews}). */
  public static final Map<String, PCollectionView<Map<String, List<String>>>> NO_REFERENCES = Map.of();

  /** How each input element becomes source records; serializable so Beam can ship it. */
  @FunctionalInterface
  public interface Front<I> extends Serializable {
    /** Built once per DoFn instance ({@code @Setup}). */
    Reader<I> create(PipelineSpec spec);
  }

  /** Hands every record of one input element to the sink (ingest rejections too). */
  @FunctionalInterface
  public interface Reader<I> {
    void read(I element, RecordSink sink);
  }

  /**
   * What each passed record becomes as it leaves the step, built once per DoFn instance ({@code @Setup}):
   * by default the record itself; a following step may take it in the form it needs (keyed, encoded).
   */
  @FunctionalInterface
  public interface Exit<O> extends Serializable {
    java.util.function.Function<CauceRecord, O> create(PipelineSpec spec);
  }

  /** The front for elements that already are source records (read by an earlier step). */
  public static Front<SourceRecord> records() {
    return spec -> (record, sink) -> sink.record(record);
  }

  private final PipelineSpec spec;
  private final String runId;
  private final Front<I> front;
  private final Stage firstStage;
  private final StageLogic.Factory<SourceRecord, CauceRecord> first;
  private final List<Next> rest;
  private final Coder<CauceRecord> outputCoder;
  private final boolean keepText;
  private final Map<String, PCollectionView<Map<String, List<String>>>> references;

  /** Passed records come out located only. */
  public FusedStages(String name, PipelineSpec spec, String runId, Front<I> front, Stage firstStage,
      StageLogic.Factory<SourceRecord, CauceRecord> first, List<Next> rest, Coder<CauceRecord> outputCoder) {
    this(name, spec, runId, front, firstStage, first, rest, outputCoder, false);
  }

  /**
   * {@code keepText}: passed records keep their origin's text, for a later step that may still
   * reject them (the row expectations, {@link ExpectRows}); else they come out located only.
   */
  public FusedStages(String name, PipelineSpec spec, String runId, Front<I> front, Stage firstStage,
      StageLogic.Factory<SourceRecord, CauceRecord> first, List<Next> rest, Coder<CauceRecord> outputCoder, boolean keepText) {
    this(name, spec, runId, front, firstStage, first, rest, outputCoder, keepText, NO_REFERENCES);
  }

  /** The same, with the reference tables' side inputs ({@code references}, by name) for the stages to read. */
  public FusedStages(String name, PipelineSpec spec, String runId, Front<I> front, Stage firstStage,
      StageLogic.Factory<SourceRecord, CauceRecord> first, List<Next> rest, Coder<CauceRecord> outputCoder, boolean keepText,
      Map<String, PCollectionView<Map<String, List<String>>>> references) {
    super(name);
    this.references = Map.copyOf(references);
    this.spec = spec;
    this.runId = runId;
    this.front = front;
    this.firstStage = firstStage;
    this.first = first;
    this.rest = List.copyOf(rest);
    this.outputCoder = outputCoder;
    this.keepText = keepText;
  }

  @Override
  public Staged<CauceRecord> expand(PCollection<I> input) {
    return expand(input, spec -> record -> record, outputCoder);
  }

  /** The same step, whose passed records leave it as {@code exit} makes them, encoded by {@code coder}. */
  public <O> PTransform<PCollection<I>, Staged<O>> exiting(Exit<O> exit, Coder<O> coder) {
    FusedStages<I> stages = this;
    return new PTransform<>(getName()) {
      @Override
      public Staged<O> expand(PCollection<I> input) {
        return stages.expand(input, exit, coder);
      }
    };
  }

  private <O> Staged<O> expand(PCollection<I> input, Exit<O> exit, Coder<O> passedCoder) {
    TupleTag<O> passed = new TupleTag<>("passed") {};
    TupleTag<Rejection> rejected = new TupleTag<>("rejected") {};
    TupleTag<KV<CauceRecord, List<Violation>>> warned = new TupleTag<>("warned") {};
    // only the outputs something reads: on Flink every output of a step is another consumer of all
    // its elements (each decodes every one), and a step with one consumer is chained to it
    boolean withWarned = wantsWarned(spec);
    PCollectionTuple out =
        input.apply(
            "Apply stages",
            ParDo.of(new ChainFn<>(spec, runId, front, firstStage, first, rest, exit, passed, rejected, warned, keepText, references))
                .withSideInputs(new ArrayList<>(references.values()))
                .withOutputTags(passed, withWarned ? TupleTagList.of(rejected).and(warned) : TupleTagList.of(rejected)));
    return new Staged<>(out.get(passed).setCoder(passedCoder), out.get(rejected).setCoder(Coders.rejection()),
        withWarned ? out.get(warned).setCoder(warnedCoder(outputCoder)) : null);
  }

  /** The coder of a record with its warnings. */
  public static KvCoder<CauceRecord, List<Violation>> warnedCoder(Coder<CauceRecord> recordCoder) {
    return KvCoder.of(recordCoder, ListCoder.of(SerializableCoder.of(Violation.class)));
  }

  /** Whether the spec asks for the warned records ({@code dead_letter.warned}). */
  static boolean wantsWarned(PipelineSpec spec) {
    return spec.deadLetter() != null && spec.deadLetter().warned() != null;
  }

  static final class ChainFn<I, O> extends CountingFn<I, O> {
    private final PipelineSpec spec;
    private final String runId;
    private final Front<I> front;
    private final Stage firstStage;
    private final StageLogic.Factory<SourceRecord, CauceRecord> firstFactory;
    private final List<Next> rest;
    private final Exit<O> exitFactory;
    private final TupleTag<O> passedTag;
    private final TupleTag<Rejection> rejectedTag;
    private final TupleTag<KV<CauceRecord, List<Violation>>> warnedTag;
    private final boolean keepText;
    private final Map<String, PCollectionView<Map<String, List<String>>>> views;
    private transient Map<String, Map<String, List<String>>> tables;
    private final boolean warned;
    private transient Reader<I> reader;
    private transient StageLogic<SourceRecord, CauceRecord> first;
    private transient List<StageLogic<CauceRecord, CauceRecord>> next;
    private transient OutcomeRouter router;
    private transient Sink sink;
    private transient java.util.function.Function<CauceRecord, O> exit;

    ChainFn(PipelineSpec spec, String runId, Front<I> front, Stage firstStage,
        StageLogic.Factory<SourceRecord, CauceRecord> firstFactory, List<Next> rest, Exit<O> exitFactory, TupleTag<O> passedTag,
        TupleTag<Rejection> rejectedTag, TupleTag<KV<CauceRecord, List<Violation>>> warnedTag, boolean keepText,
        Map<String, PCollectionView<Map<String, List<String>>>> views) {
      this.spec = spec;
      this.views = views;
      this.warnedTag = warnedTag;
      this.warned = wantsWarned(spec);
      this.keepText = keepText;
      this.runId = runId;
      this.front = front;
      this.firstStage = firstStage;
      this.firstFactory = firstFactory;
      this.rest = rest;
      this.exitFactory = exitFactory;
      this.passedTag = passedTag;
      this.rejectedTag = rejectedTag;
    }

    @Setup
    public void setup() {
      reader = front.create(spec);
      first = firstFactory.create(spec);
      tables = new HashMap<>();
      References refs = References.of(tables); // the tables are set from the side inputs at each element
      next = new ArrayList<>(rest.size());
      for (Next n : rest) {
        next.add(n.factory().create(spec, refs));
      }
      router = new OutcomeRouter(runId, spec.name(), rejectedTag);
      sink = new Sink();
      exit = exitFactory.create(spec);
    }

    @ProcessElement
    public void process(ProcessContext c, MultiOutputReceiver out) {
      I input = c.element();
      for (Map.Entry<String, PCollectionView<Map<String, List<String>>>> v : views.entrySet()) {
        tables.put(v.getKey(), c.sideInput(v.getValue()));
      }
      sink.out = out;
      try {
        reader.read(input, sink);
      } finally {
        sink.out = null;
      }
    }

    /** Runs each record through the stages, into the current element's outputs. */
    private final class Sink implements RecordSink {
      MultiOutputReceiver out;

      @Override
      public void record(SourceRecord input) {
        router.start();
        Outcome<CauceRecord> outcome = first.apply(input);
        if (!router.passes(outcome, firstStage, input, out)) {
          return;
        }
        CauceRecord record = outcome.value();
        for (int i = 0; i < next.size(); i++) {
          outcome = next.get(i).apply(record);
          if (!router.passes(outcome, rest.get(i).stage(), input, out)) {
            return;
          }
          record = outcome.value();
        }
        List<Violation> warnings = router.kept();
        out.get(passedTag).output(exit.apply(keepText ? record : record.locatedOnly())); // else nothing rejects it any more
        if (warned && !warnings.isEmpty()) {
          out.get(warnedTag).output(KV.of(record.locatedOnly(), warnings));
        }
      }

      @Override
      public void reject(SourceRecord origin, Violation v) {
        router.start();
        router.passes(new Outcome<>(null, List.of(v), List.of()), Stage.INGEST, origin, out);
      }
    }
  }
}
