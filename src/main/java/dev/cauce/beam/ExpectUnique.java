package dev.cauce.beam;

import dev.cauce.metrics.CountingFn;
import dev.cauce.expect.Profile;
import dev.cauce.expect.RowChecks;
import dev.cauce.expect.RowTally;
import dev.cauce.model.CauceRecord;
import dev.cauce.spec.PipelineSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The uniqueness expectations in the job (GX's {@code expect_column_values_to_be_unique} and {@code
 * expect_compound_columns_to_be_unique}, map expectations in GX): a record fails one when its value
 * (or compound key) occurs more than once among the records considered. Over the records to publish
 * (after dedupe), one grouping per expectation marks every record of a repeated value; then, as for
 * the row expectations ({@link ExpectRows#route}), the marked records are counted, and each is
 * rejected (the expectation failed beyond its {@code mostly}) or kept with a warning.
 *
 * <p>{@code byKey} (the runner's dedupe grouping): one group per value, read once, so a runner that
 * sorts to group (Flink batch) holds one record at a time; else {@value #BUCKETS} hash buckets, each
 * counted then read again (the Direct runner pays per group and keeps every group in memory anyway).
 */
public final class ExpectUnique {
  static final int BUCKETS = 64;

  private ExpectUnique() {}

  /** The uniqueness expectations of the spec, compiled. */
  public static RowChecks checks(PipelineSpec spec) {
    return ExpectRows.checks(spec, true);
  }

  public static ExpectRows.Out apply(PCollection<CauceRecord> records, PipelineSpec spec, String runId, boolean byKey) {
    Coder<KV<CauceRecord, List<Integer>>> markedCoder = ExpectRows.heldCoder(records.getCoder());
    PCollection<KV<CauceRecord, List<Integer>>> marked = records
        .apply("Expectations: unique, start", ParDo.of(new DoFn<CauceRecord, KV<CauceRecord, List<Integer>>>() {
          @ProcessElement
          public void process(@Element CauceRecord r, OutputReceiver<KV<CauceRecord, List<Integer>>> out) {
            out.output(KV.of(r, new ArrayList<>()));
          }
        }))
        .setCoder(markedCoder);
    int n = checks(spec).size();
    for (int i = 0; i < n; i++) {
      String name = "Expectations: unique " + i;
      TupleTag<KV<byte[], KV<CauceRecord, List<Integer>>>> keyed = new TupleTag<>("keyed") {};
      TupleTag<KV<CauceRecord, List<Integer>>> other = new TupleTag<>("not considered") {};
      PCollectionTuple split = marked.apply(name + ", key",
          ParDo.of(new KeyFn(spec, i, byKey, keyed, other)).withOutputTags(keyed, TupleTagList.of(other)));
      PCollection<KV<CauceRecord, List<Integer>>> judged = split.get(keyed)
          .setCoder(KvCoder.of(ByteArrayCoder.of(), markedCoder))
          .apply(name + ", group", GroupByKey.create())
          .apply(name + ", mark repeats", ParDo.of(new MarkFn(spec, i, byKey)))
          .setCoder(markedCoder);
      marked = PCollectionList.of(judged).and(split.get(other).setCoder(markedCoder))
          .apply(name + ", all", Flatten.pCollections());
    }
    TupleTag<CauceRecord> passed = new TupleTag<>("passed") {};
    TupleTag<KV<CauceRecord, List<Integer>>> held = new TupleTag<>("held") {};
    TupleTag<RowTally> tallies = new TupleTag<>("tallies") {};
    PCollectionTuple counted = marked.apply("Expectations: unique, count",
        ParDo.of(new CountFn(spec, passed, held, tallies)).withOutputTags(passed, TupleTagList.of(held).and(tallies)));
    return ExpectRows.route("Expectations: unique", spec, runId, true, false, records.getCoder(), counted.get(passed), counted.get(held),
        counted.get(tallies));
  }

  /** Keys each considered record by its value's bytes (or their hash bucket); the others go on unmarked. */
  static final class KeyFn extends CountingFn<KV<CauceRecord, List<Integer>>, KV<byte[], KV<CauceRecord, List<Integer>>>> {
    private final PipelineSpec spec;
    private final int check;
    private final boolean byKey;
    private final TupleTag<KV<byte[], KV<CauceRecord, List<Integer>>>> keyedTag;
    private final TupleTag<KV<CauceRecord, List<Integer>>> otherTag;
    private transient RowChecks checks;

    KeyFn(PipelineSpec spec, int check, boolean byKey, TupleTag<KV<byte[], KV<CauceRecord, List<Integer>>>> keyedTag,
        TupleTag<KV<CauceRecord, List<Integer>>> otherTag) {
      this.spec = spec;
      this.keyedTag = keyedTag;
      this.check = check;
      this.byKey = byKey;
      this.otherTag = otherTag;
    }

    @Setup
    public void setup() {
      checks = checks(spec);
    }

    @ProcessElement
    public void process(@Element KV<CauceRecord, List<Integer>> e, MultiOutputReceiver out) {
      if (!checks.considered(check, e.getKey().row())) {
        out.get(otherTag).output(e);
        return;
      }
      byte[] key = Profile.keyBytes(checks.groupKey(check, e.getKey().row()));
      byte[] group = byKey ? key : ByteBuffer.allocate(4).putInt(Math.floorMod(Arrays.hashCode(key), BUCKETS)).array();
      out.get(keyedTag).output(KV.of(group, e));
    }
  }

  /** Marks every record of a value seen more than once in its group as failing the check. */
  static final class MarkFn extends CountingFn<KV<byte[], Iterable<KV<CauceRecord, List<Integer>>>>, KV<CauceRecord, List<Integer>>> {
    private final PipelineSpec spec;
    private final int check;
    private final boolean byKey;
    private transient RowChecks checks;

    MarkFn(PipelineSpec spec, int check, boolean byKey) {
      this.spec = spec;
      this.check = check;
      this.byKey = byKey;
    }

    @Setup
    public void setup() {
      checks = checks(spec);
    }

    @ProcessElement
    public void process(@Element KV<byte[], Iterable<KV<CauceRecord, List<Integer>>>> group,
        OutputReceiver<KV<CauceRecord, List<Integer>>> out) {
      if (byKey) { // one value: read once; a second record marks every one
        Iterator<KV<CauceRecord, List<Integer>>> it = group.getValue().iterator();
        KV<CauceRecord, List<Integer>> first = it.next();
        boolean repeated = it.hasNext();
        out.output(repeated ? marked(first) : first);
        while (it.hasNext()) {
          out.output(marked(it.next()));
        }
        return;
      }
      Map<ByteBuffer, Long> counts = new HashMap<>(); // a bucket: count its values, then read it again
      for (KV<CauceRecord, List<Integer>> e : group.getValue()) {
        counts.merge(key(e), 1L, Long::sum);
      }
      for (KV<CauceRecord, List<Integer>> e : group.getValue()) {
        out.output(counts.get(key(e)) > 1 ? marked(e) : e);
      }
    }

    private ByteBuffer key(KV<CauceRecord, List<Integer>> e) {
      return ByteBuffer.wrap(Profile.keyBytes(checks.groupKey(check, e.getKey().row())));
    }

    private KV<CauceRecord, List<Integer>> marked(KV<CauceRecord, List<Integer>> e) {
      List<Integer> failed = new ArrayList<>(e.getValue());
      failed.add(check);
      return KV.of(e.getKey(), failed);
    }
  }

  /** Counts each record into its bundle's tally; holds those marked, the others go on located only. */
  static final class CountFn extends ExpectRows.TallyingFn<KV<CauceRecord, List<Integer>>> {
    CountFn(PipelineSpec spec, TupleTag<CauceRecord> passedTag, TupleTag<KV<CauceRecord, List<Integer>>> heldTag,
        TupleTag<RowTally> tallyTag) {
      super(spec, true, passedTag, heldTag, tallyTag);
    }

    @ProcessElement
    public void process(@Element KV<CauceRecord, List<Integer>> e, MultiOutputReceiver out) {
      CauceRecord r = e.getKey();
      checks.count(r.row(), e.getValue(), r.origin().source(), r.origin().line(), tally);
      if (e.getValue().isEmpty()) {
        out.get(passedTag).output(r.locatedOnly());
      } else {
        out.get(heldTag).output(e);
      }
    }
  }
}
