package dev.cauce.beam;

import dev.cauce.metrics.CountingFn;
import dev.cauce.coders.Coders;
import dev.cauce.expect.ResultList;
import dev.cauce.expect.RowChecks;
import dev.cauce.expect.RowTally;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.Stage;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.validate.Validator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The row expectations in the job ({@link RowChecks} does the checking). A record must be decided
 * rejected or kept with warnings only once the whole dataset's counts are known ({@code mostly}),
 * so: (1) every validated record is checked once; one that fails nothing goes on at once, one that
 * fails some is <em>held</em> (with its original text, for the dead letter) with the positions of
 * what it failed, and each bundle's counts go out as a {@link RowTally}; (2) the tallies are merged
 * by a combiner into the dataset's; (3) with that tally as a side input, each held record is
 * rejected (an expectation it failed failed overall) or kept with warnings. Each record is counted
 * once in the tally and ends once: kept or rejected.
 */
public final class ExpectRows {
  private ExpectRows() {}

  /** The records kept (located only), the rejections, and the row expectations' results. */
  /** ... and the held records kept with warnings, with those warnings (empty unless {@code dead_letter.warned}). */
  public record Out(PCollection<CauceRecord> kept, PCollection<Rejection> rejections, PCollection<ResultList> results,
      PCollection<KV<CauceRecord, List<Violation>>> warned) {}

  public static Out apply(PCollection<CauceRecord> validated, PipelineSpec spec, String runId) {
    return apply(validated, spec, runId, false);
  }

  /** The same; {@code keepText}: kept records keep their text (a later step, {@link ExpectUnique}, may still reject them). */
  public static Out apply(PCollection<CauceRecord> validated, PipelineSpec spec, String runId, boolean keepText) {
    TupleTag<CauceRecord> passed = new TupleTag<>("passed") {};
    TupleTag<KV<CauceRecord, List<Integer>>> held = new TupleTag<>("held") {};
    TupleTag<RowTally> tallies = new TupleTag<>("tallies") {};
    PCollectionTuple checked = validated.apply("Expectations: check rows",
        ParDo.of(new CheckFn(spec, passed, held, tallies, keepText)).withOutputTags(passed, TupleTagList.of(held).and(tallies)));
    return route("Expectations", spec, runId, false, keepText, validated.getCoder(), checked.get(passed), checked.get(held),
        checked.get(tallies));
  }

  /**
   * Steps (2) and (3): merges the {@code tallies} of the row ({@code unique} false) or uniqueness
   * checks, and decides each {@code held} record with the dataset's tally; the {@code passed} ones
   * join the kept records. {@code recordCoder}: the checked records' coder.
   */
  static Out route(String name, PipelineSpec spec, String runId, boolean unique, boolean keepText, Coder<CauceRecord> recordCoder,
      PCollection<CauceRecord> passed, PCollection<KV<CauceRecord, List<Integer>>> held, PCollection<RowTally> tallies) {
    Coder<KV<CauceRecord, List<Integer>>> heldCoder = heldCoder(recordCoder);
    int n = checks(spec, unique).size();
    PCollection<RowTally> tally = tallies.setCoder(SerializableCoder.of(RowTally.class))
        .apply(name + ": count rows", Combine.globally(new TallyFn(n)));
    PCollectionView<RowTally> view = tally.apply(name + ": row counts", View.asSingleton());

    TupleTag<CauceRecord> kept = new TupleTag<>("kept") {};
    TupleTag<Rejection> rejected = new TupleTag<>("rejected") {};
    TupleTag<KV<CauceRecord, List<Violation>>> warned = new TupleTag<>("warned") {};
    PCollectionTuple decided = held.setCoder(heldCoder).apply(name + ": decide held rows",
        ParDo.of(new DecideFn(spec, runId, unique, keepText, view, rejected, warned)).withSideInputs(view)
            .withOutputTags(kept, TupleTagList.of(rejected).and(warned)));
    PCollection<CauceRecord> all = PCollectionList.of(passed.setCoder(recordCoder))
        .and(decided.get(kept).setCoder(recordCoder))
        .apply(name + ": kept rows", Flatten.pCollections());
    PCollection<ResultList> results = tally.apply(name + ": row results", ParDo.of(new ResultsFn(spec, unique)))
        .setCoder(SerializableCoder.of(ResultList.class));
    return new Out(all, decided.get(rejected).setCoder(Coders.rejection()), results,
        decided.get(warned).setCoder(FusedStages.warnedCoder(recordCoder)));
  }

  /** A record with the positions of the checks it failed. */
  static Coder<KV<CauceRecord, List<Integer>>> heldCoder(Coder<CauceRecord> recordCoder) {
    return KvCoder.of(recordCoder, ListCoder.of(VarIntCoder.of()));
  }

  /** The spec's row expectations, compiled. */
  public static RowChecks checks(PipelineSpec spec) {
    return RowChecks.of(spec.expectations(), spec.schema(), Validator.zone(spec));
  }

  /** The spec's row ({@code unique} false) or uniqueness expectations, compiled. */
  static RowChecks checks(PipelineSpec spec, boolean unique) {
    return unique ? RowChecks.unique(spec.expectations(), spec.schema(), Validator.zone(spec)) : checks(spec);
  }

  /**
   * A step that counts records into one {@link RowTally} per bundle (emitted when the bundle ends)
   * and sends each on as passed or held: the row or uniqueness checks' first step.
   */
  abstract static class TallyingFn<I> extends DoFn<I, CauceRecord> {
    private final PipelineSpec spec;
    private final boolean unique;
    final TupleTag<CauceRecord> passedTag;
    final TupleTag<KV<CauceRecord, List<Integer>>> heldTag;
    private final TupleTag<RowTally> tallyTag;
    transient RowChecks checks;
    transient RowTally tally;

    TallyingFn(PipelineSpec spec, boolean unique, TupleTag<CauceRecord> passedTag,
        TupleTag<KV<CauceRecord, List<Integer>>> heldTag, TupleTag<RowTally> tallyTag) {
      this.spec = spec;
      this.unique = unique;
      this.passedTag = passedTag;
      this.heldTag = heldTag;
      this.tallyTag = tallyTag;
    }

    @Setup
    public void setup() {
      checks = checks(spec, unique);
    }

    @StartBundle
    public void start() {
      CauceMetrics.startBundle();
      tally = new RowTally(checks.size());
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      c.output(tallyTag, tally, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      tally = null;
      CauceMetrics.finishBundle();
    }
  }

  /** Checks each record; holds those that fail something; one tally per bundle. */
  static final class CheckFn extends TallyingFn<CauceRecord> {
    private final boolean keepText;

    CheckFn(PipelineSpec spec, TupleTag<CauceRecord> passedTag, TupleTag<KV<CauceRecord, List<Integer>>> heldTag,
        TupleTag<RowTally> tallyTag, boolean keepText) {
      super(spec, false, passedTag, heldTag, tallyTag);
      this.keepText = keepText;
    }

    @ProcessElement
    public void process(@Element CauceRecord r, MultiOutputReceiver out) {
      List<Integer> failed = checks.evaluate(r.row(), r.origin().source(), r.origin().line(), tally);
      if (failed == null) {
        out.get(passedTag).output(keepText ? r : r.locatedOnly());
      } else {
        out.get(heldTag).output(KV.of(r, failed));
      }
    }
  }

  /** Merges the bundles' tallies into the dataset's (an empty one for no records). */
  static final class TallyFn extends Combine.CombineFn<RowTally, RowTally, RowTally> {
    private final int size;

    TallyFn(int size) {
      this.size = size;
    }

    @Override
    public RowTally createAccumulator() {
      return new RowTally(size);
    }

    @Override
    public RowTally addInput(RowTally acc, RowTally input) {
      return acc.merge(input);
    }

    @Override
    public RowTally mergeAccumulators(Iterable<RowTally> accs) {
      RowTally all = new RowTally(size);
      accs.forEach(all::merge);
      return all;
    }

    @Override
    public RowTally extractOutput(RowTally acc) {
      return acc;
    }

    @Override
    public Coder<RowTally> getAccumulatorCoder(CoderRegistry r, Coder<RowTally> in) {
      return SerializableCoder.of(RowTally.class);
    }

    @Override
    public Coder<RowTally> getDefaultOutputCoder(CoderRegistry r, Coder<RowTally> in) {
      return SerializableCoder.of(RowTally.class);
    }
  }

  /** Rejects or keeps each held record, once the dataset's tally is known. */
  static final class DecideFn extends CountingFn<KV<CauceRecord, List<Integer>>, CauceRecord> {
    private final PipelineSpec spec;
    private final String runId;
    private final boolean unique;
    private final boolean keepText;
    private final PCollectionView<RowTally> view;
    private final TupleTag<Rejection> rejectedTag;
    private final TupleTag<KV<CauceRecord, List<Violation>>> warnedTag;
    private final boolean warned;
    private transient RowChecks checks;
    private transient CauceMetrics.RejectionCounters counters;

    DecideFn(PipelineSpec spec, String runId, boolean unique, boolean keepText, PCollectionView<RowTally> view,
        TupleTag<Rejection> rejectedTag, TupleTag<KV<CauceRecord, List<Violation>>> warnedTag) {
      this.spec = spec;
      this.warnedTag = warnedTag;
      this.warned = FusedStages.wantsWarned(spec);
      this.runId = runId;
      this.unique = unique;
      this.keepText = keepText;
      this.view = view;
      this.rejectedTag = rejectedTag;
    }

    @Setup
    public void setup() {
      checks = checks(spec, unique);
      counters = new CauceMetrics.RejectionCounters();
    }

    @ProcessElement
    public void process(ProcessContext c) {
      CauceRecord r = c.element().getKey();
      RowChecks.Decision d = checks.decide(r.row(), c.element().getValue(), c.sideInput(view));
      if (d.errors().isEmpty()) {
        d.warnings().forEach(counters::countWarning);
        c.output(keepText ? r : r.locatedOnly());
        if (warned && !d.warnings().isEmpty()) {
          c.output(warnedTag, KV.of(r.locatedOnly(), List.copyOf(d.warnings())));
        }
      } else {
        Rejection rejection = Rejection.of(runId, spec.name(), Stage.VALIDATE, r.origin(), d.errors());
        counters.count(rejection);
        c.output(rejectedTag, rejection);
      }
    }
  }

  /** The row expectations' results from the dataset's tally. */
  static final class ResultsFn extends CountingFn<RowTally, ResultList> {
    private final PipelineSpec spec;
    private final boolean unique;

    ResultsFn(PipelineSpec spec, boolean unique) {
      this.spec = spec;
      this.unique = unique;
    }

    @ProcessElement
    public void process(@Element RowTally tally, OutputReceiver<ResultList> out) {
      out.output(new ResultList(checks(spec, unique).results(tally)));
    }
  }
}
