package dev.cauce.beam;

import dev.cauce.metrics.CountingFn;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.repair.DependencyRepair;
import dev.cauce.repair.RepairJson;
import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.dedupe.Deduplicate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The spec's functional dependencies, one after the other in spec order ({@link DependencyRepair}
 * is the logic): each keys the records by its determinant, groups them (a GroupByKey by key, so
 * memory is bounded by the largest group; on the Direct runner by hash bucket, see {@link #apply(PCollection,
 * PipelineSpec, String, Deduplicate.Grouping)}), and repairs each group; records with a null
 * determinant bypass the grouping untouched. No record is added or dropped. Every repaired cell
 * becomes a JSON line ({@link RepairJson}) of {@link Out#repairs}.
 */
public final class RepairDependencies {
  private RepairDependencies() {}

  /** The records after every dependency, and the repaired cells' lines. */
  public record Out(PCollection<CauceRecord> records, PCollection<String> repairs) {}

  private static final TupleTag<CauceRecord> REPAIRED = new TupleTag<>("repaired") {};
  /** The Direct runner's hash buckets per dependency. */
  static final int BUCKETS = 16;

  /** Grouped by key, as on Flink. */
  public static Out apply(PCollection<CauceRecord> records, PipelineSpec spec, String runId) {
    return apply(records, spec, runId, Deduplicate.Grouping.KEY);
  }

  /**
   * {@code grouping}: the runner's choice, as for dedupe ({@link Deduplicate.Grouping}): by the
   * determinant's key (one group in memory at a time), or by a hash bucket of it in {@value
   * #BUCKETS} buckets (the Direct runner, which pays a fixed cost per group and holds every group in
   * memory anyway). The repaired cells do not depend on it.
   */
  public static Out apply(PCollection<CauceRecord> records, PipelineSpec spec, String runId, Deduplicate.Grouping grouping) {
    Coder<CauceRecord> coder = records.getCoder();
    List<PCollection<String>> repairs = new ArrayList<>();
    for (DependencySpec dep : spec.dependencies()) {
      TupleTag<KV<String, CauceRecord>> grouped = new TupleTag<>("grouped") {};
      TupleTag<CauceRecord> loose = new TupleTag<>("loose") {};
      PCollectionTuple keyed = records.apply("Key by " + dep.name(),
          ParDo.of(new KeyFn(dep, grouped, loose)).withOutputTags(grouped, TupleTagList.of(loose)));
      TupleTag<CauceRecord> repaired = REPAIRED;
      TupleTag<String> cells = new TupleTag<>("cells") {};
      KvCoder<String, CauceRecord> kvCoder = KvCoder.of(StringUtf8Coder.of(), coder);
      PCollection<KV<String, CauceRecord>> byKey = keyed.get(grouped).setCoder(kvCoder);
      PCollectionTuple out = grouping == Deduplicate.Grouping.KEY
          ? byKey.apply("Group by " + dep.name(), GroupByKey.create())
              .apply("Repair " + dep.name(),
                  ParDo.of(new RepairFn(dep, runId, spec.name(), cells)).withOutputTags(repaired, TupleTagList.of(cells)))
          : byKey.apply("Bucket by " + dep.name(), ParDo.of(new BucketFn(kvCoder)))
              .setCoder(KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of()))
              .apply("Group buckets of " + dep.name(), GroupByKey.create())
              .apply("Repair " + dep.name(),
                  ParDo.of(new RepairBucketFn(dep, runId, spec.name(), cells, kvCoder)).withOutputTags(repaired, TupleTagList.of(cells)));
      records = PCollectionList.of(out.get(repaired).setCoder(coder)).and(keyed.get(loose).setCoder(coder))
          .apply("Records after " + dep.name(), Flatten.pCollections()).setCoder(coder);
      repairs.add(out.get(cells).setCoder(StringUtf8Coder.of()));
    }
    PCollection<String> lines = repairs.isEmpty()
        ? records.getPipeline().apply("No repairs", Create.empty(StringUtf8Coder.of()))
        : PCollectionList.of(repairs).apply("All repairs", Flatten.pCollections()).setCoder(StringUtf8Coder.of());
    return new Out(records, lines);
  }

  /** Keys a record by its determinant values; one with a null among them goes to {@code loose}. */
  static final class KeyFn extends DoFn<CauceRecord, KV<String, CauceRecord>> {
    private final DependencySpec dep;
    private final TupleTag<KV<String, CauceRecord>> grouped;
    private final TupleTag<CauceRecord> loose;
    private transient DependencyRepair logic;

    KeyFn(DependencySpec dep, TupleTag<KV<String, CauceRecord>> grouped, TupleTag<CauceRecord> loose) {
      this.dep = dep;
      this.grouped = grouped;
      this.loose = loose;
    }

    @Setup
    public void setup() {
      logic = new DependencyRepair(dep);
    }

    @ProcessElement
    public void process(@Element CauceRecord r, MultiOutputReceiver out) {
      String key = logic.keyOf(r.row());
      if (key == null) {
        out.get(loose).output(r);
      } else {
        out.get(grouped).output(KV.of(key, r));
      }
    }
  }

  /** Repairs one group at a time: held in memory, repaired, its records and repaired cells emitted, counted. */
  abstract static class GroupsFn<I> extends CountingFn<I, CauceRecord> {
    private final DependencySpec dep;
    private final String runId;
    private final String pipeline;
    private final TupleTag<String> cells;
    private final Counter violations;
    private final Counter violatingRecords;
    private final Counter repaired;
    private final Counter unresolved;
    private transient DependencyRepair logic;
    private transient boolean reported;

    GroupsFn(DependencySpec dep, String runId, String pipeline, TupleTag<String> cells) {
      this.dep = dep;
      this.runId = runId;
      this.pipeline = pipeline;
      this.cells = cells;
      this.violations = CauceMetrics.counter(CauceMetrics.dependency(dep.name(), "violations"));
      this.violatingRecords = CauceMetrics.counter(CauceMetrics.dependency(dep.name(), "violating_records"));
      this.repaired = CauceMetrics.counter(CauceMetrics.dependency(dep.name(), "repaired"));
      this.unresolved = CauceMetrics.counter(CauceMetrics.dependency(dep.name(), "unresolved"));
    }

    @Setup
    public void setup() {
      logic = new DependencyRepair(dep);
    }

    void repairGroup(List<CauceRecord> records, MultiOutputReceiver out) {
      List<Row> rows = new ArrayList<>(records.size());
      records.forEach(r -> rows.add(r.row()));
      DependencyRepair.Outcome o = logic.repair(rows);
      if (!reported) { // so that a dependency without violations is reported with zeros
        reported = true;
        violations.inc(0);
        violatingRecords.inc(0);
        repaired.inc(0);
        unresolved.inc(0);
      }
      if (o.violation()) {
        violations.inc();
        violatingRecords.inc(records.size());
        unresolved.inc(o.unresolved());
        repaired.inc(o.cells().size());
        for (DependencyRepair.Cell c : o.cells()) {
          CauceRecord r = records.get(c.record());
          out.get(cells).output(RepairJson.line(runId, pipeline, dep.name(), c, logic.groupOf(r.row()), r.origin().source(),
              r.origin().line()));
        }
      }
      for (int i = 0; i < records.size(); i++) {
        CauceRecord r = records.get(i);
        Row row = o.rows().get(i);
        out.get(REPAIRED).output(row == r.row() ? r : new CauceRecord(r.origin(), row));
      }
    }
  }

  /** One key's records. */
  static final class RepairFn extends GroupsFn<KV<String, Iterable<CauceRecord>>> {
    RepairFn(DependencySpec dep, String runId, String pipeline, TupleTag<String> cells) {
      super(dep, runId, pipeline, cells);
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<CauceRecord>> group, MultiOutputReceiver out) {
      List<CauceRecord> records = new ArrayList<>();
      group.getValue().forEach(records::add);
      repairGroup(records, out);
    }
  }

  /**
   * Keys records by a hash bucket of their key, in batches: a bundle's pairs for one bucket are
   * encoded one after the other into one byte array, emitted at {@value #BATCH_BYTES} bytes or when
   * the bundle ends (as dedupe's buckets: the Direct runner copies a few large arrays far faster).
   */
  static final class BucketFn extends DoFn<KV<String, CauceRecord>, KV<Integer, byte[]>> {
    static final int BATCH_BYTES = 4 << 20;
    private final KvCoder<String, CauceRecord> coder;
    private transient Map<Integer, ByteArrayOutputStream> batches;

    BucketFn(KvCoder<String, CauceRecord> coder) {
      this.coder = coder;
    }

    @StartBundle
    public void start() {
      batches = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<String, CauceRecord> kv, OutputReceiver<KV<Integer, byte[]>> out) throws IOException {
      int bucket = Math.floorMod(kv.getKey().hashCode(), BUCKETS);
      ByteArrayOutputStream batch = batches.computeIfAbsent(bucket, b -> new ByteArrayOutputStream(8192));
      coder.encode(kv, batch);
      if (batch.size() >= BATCH_BYTES) {
        out.output(KV.of(bucket, batch.toByteArray()));
        batches.remove(bucket);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      batches.forEach((bucket, batch) ->
          c.output(KV.of(bucket, batch.toByteArray()), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      batches = null;
    }
  }

  /** One bucket: its records grouped by key in memory, each group repaired. */
  static final class RepairBucketFn extends GroupsFn<KV<Integer, Iterable<byte[]>>> {
    private final KvCoder<String, CauceRecord> coder;

    RepairBucketFn(DependencySpec dep, String runId, String pipeline, TupleTag<String> cells, KvCoder<String, CauceRecord> coder) {
      super(dep, runId, pipeline, cells);
      this.coder = coder;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<byte[]>> bucket, MultiOutputReceiver out) throws IOException {
      Map<String, List<CauceRecord>> groups = new HashMap<>();
      for (byte[] batch : bucket.getValue()) {
        ByteArrayInputStream in = new ByteArrayInputStream(batch);
        while (in.available() > 0) {
          KV<String, CauceRecord> kv = coder.decode(in);
          groups.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue());
        }
      }
      for (List<CauceRecord> records : groups.values()) {
        repairGroup(records, out);
      }
    }
  }
}
