package dev.cauce.dedupe;

import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.spec.PipelineSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Deduplicate: keeps one record per key ({@link Deduper}) and counts the others as {@code
 * duplicates}. How records are grouped is a parameter ({@link Grouping}, the runner's choice); the
 * kept records do not depend on it, since they are chosen by a total order.
 */
public final class Deduplicate extends PTransform<PCollection<CauceRecord>, PCollection<CauceRecord>> {
  /** How records meet their duplicates. */
  public enum Grouping {
    /**
     * By the key itself: one group per key. A runner that sorts to group (Flink batch) then hands
     * the keep step one key's records at a time, so memory stays flat however large the input.
     */
    KEY,
    /**
     * By a hash bucket of the key (the spec's {@code buckets}): a few large groups, each holding the
     * current winner per key in memory. The Direct runner pays a fixed cost per group and keeps
     * every group in memory anyway, so few groups are what keeps it usable.
     */
    BUCKET
  }

  private final PipelineSpec spec;
  private final Grouping grouping;

  /** {@code grouping}: the runner's choice (its runner profile); the kept records do not depend on it. */
  public Deduplicate(PipelineSpec spec, Grouping grouping) {
    super("Deduplicate");
    this.spec = spec;
    this.grouping = Objects.requireNonNull(grouping, "grouping");
  }

  @Override
  public PCollection<CauceRecord> expand(PCollection<CauceRecord> input) {
    var recordCoder = Coders.cauceRecord(Schemas.typed(spec));
    if (grouping == Grouping.KEY) {
      return input
          .apply("Key", ParDo.of(new KeyFn(spec)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), recordCoder))
          .apply("Group by key", GroupByKey.create())
          .apply("Keep one", ParDo.of(new KeepOneFn(spec)))
          .setCoder(recordCoder);
    }
    return input
        .apply("Bucket by key", ParDo.of(new BucketFn(spec)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of()))
        .apply("Group buckets", GroupByKey.create())
        .apply("Keep one per key", ParDo.of(new KeepFn(spec)))
        .setCoder(recordCoder);
  }

  /**
   * Keys records by bucket, in batches: the records of one bundle for one bucket are encoded, one
   * after the other, into one byte array emitted once it holds {@value #BATCH_BYTES} bytes or more,
   * or when the bundle ends. The Direct runner copies a group's whole state through its coder each
   * time a bundle adds to it: a few large byte arrays copy far faster than every record.
   */
  static final class BucketFn extends DoFn<CauceRecord, KV<Integer, byte[]>> {
    static final int BATCH_BYTES = 4 << 20;

    private final PipelineSpec spec;
    private transient Deduper deduper;
    private transient Coders.CauceRecordCoder coder;
    private transient Map<Integer, ByteArrayOutputStream> batches;

    BucketFn(PipelineSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
      coder = Coders.cauceRecord(Schemas.typed(spec));
    }

    @StartBundle
    public void start() {
      batches = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element CauceRecord r, OutputReceiver<KV<Integer, byte[]>> out) throws IOException {
      int bucket = deduper.bucketOf(deduper.keyOf(r.row()));
      ByteArrayOutputStream batch = batches.computeIfAbsent(bucket, b -> new ByteArrayOutputStream(8192));
      coder.encode(r, batch);
      if (batch.size() >= BATCH_BYTES) {
        out.output(KV.of(bucket, batch.toByteArray()));
        batches.remove(bucket);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      for (Map.Entry<Integer, ByteArrayOutputStream> e : batches.entrySet()) {
        c.output(KV.of(e.getKey(), e.getValue().toByteArray()), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
      batches = null;
    }
  }

  static final class KeyFn extends DoFn<CauceRecord, KV<String, CauceRecord>> {
    private final PipelineSpec spec;
    private transient Deduper deduper;

    KeyFn(PipelineSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
    }

    @ProcessElement
    public void process(@Element CauceRecord r, OutputReceiver<KV<String, CauceRecord>> out) {
      out.output(KV.of(deduper.keyOf(r.row()), r));
    }
  }

  /** One key's records: keeps one, counts the rest. */
  static final class KeepOneFn extends DoFn<KV<String, Iterable<CauceRecord>>, CauceRecord> {
    private final PipelineSpec spec;
    private final Counter duplicates = CauceMetrics.counter(CauceMetrics.DUPLICATES);
    private transient Deduper deduper;

    KeepOneFn(PipelineSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<CauceRecord>> group, OutputReceiver<CauceRecord> out) {
      CauceRecord kept = null;
      long seen = 0;
      for (CauceRecord r : group.getValue()) {
        seen++;
        kept = kept == null ? r : deduper.keep(kept, r);
      }
      if (seen > 1) {
        duplicates.inc(seen - 1);
      }
      out.output(kept);
    }
  }

  static final class KeepFn extends DoFn<KV<Integer, Iterable<byte[]>>, CauceRecord> {
    private final PipelineSpec spec;
    private final Counter duplicates = CauceMetrics.counter(CauceMetrics.DUPLICATES);
    private transient Deduper deduper;
    private transient Coders.CauceRecordCoder coder;

    KeepFn(PipelineSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
      coder = Coders.cauceRecord(Schemas.typed(spec));
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<byte[]>> bucket, OutputReceiver<CauceRecord> out) throws IOException {
      Map<String, CauceRecord> winners = new HashMap<>();
      long seen = 0;
      for (byte[] batch : bucket.getValue()) {
        ByteArrayInputStream in = new ByteArrayInputStream(batch);
        while (in.available() > 0) {
          CauceRecord r = coder.decode(in);
          seen++;
          winners.merge(deduper.keyOf(r.row()), r, deduper::keep);
        }
      }
      duplicates.inc(seen - winners.size());
      winners.values().forEach(out::output);
    }
  }
}
