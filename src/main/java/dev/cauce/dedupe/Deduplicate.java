package dev.cauce.dedupe;

import dev.cauce.core.CauceRecord;
import dev.cauce.core.Coders;
import dev.cauce.core.Schemas;
import dev.cauce.monitor.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Deduplicate: keeps one record per key ({@link Deduper}) and counts the others as {@code
 * duplicates}. Records are grouped by a hash bucket of their key, not by the key itself: a few
 * large groups instead of one group per key, which keeps the Direct runner usable (it pays a fixed
 * cost per group) while Flink still spreads buckets over its workers. Within a bucket only the
 * current winner per key is held in memory; the group's records are streamed.
 */
public final class Deduplicate extends PTransform<PCollection<CauceRecord>, PCollection<CauceRecord>> {
  private final PipelineSpec spec;

  public Deduplicate(PipelineSpec spec) {
    super("Deduplicate");
    this.spec = spec;
  }

  @Override
  public PCollection<CauceRecord> expand(PCollection<CauceRecord> input) {
    var recordCoder = Coders.cauceRecord(Schemas.typed(spec));
    return input
        .apply("Bucket by key", ParDo.of(new BucketFn(spec)))
        .setCoder(KvCoder.of(VarIntCoder.of(), recordCoder))
        .apply("Group buckets", GroupByKey.create())
        .apply("Keep one per key", ParDo.of(new KeepFn(spec)))
        .setCoder(recordCoder);
  }

  static final class BucketFn extends DoFn<CauceRecord, KV<Integer, CauceRecord>> {
    private final PipelineSpec spec;
    private transient Deduper deduper;

    BucketFn(PipelineSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
    }

    @ProcessElement
    public void process(@Element CauceRecord r, OutputReceiver<KV<Integer, CauceRecord>> out) {
      out.output(KV.of(deduper.bucketOf(deduper.keyOf(r.row())), r));
    }
  }

  static final class KeepFn extends DoFn<KV<Integer, Iterable<CauceRecord>>, CauceRecord> {
    private final PipelineSpec spec;
    private final Counter duplicates = CauceMetrics.counter(CauceMetrics.DUPLICATES);
    private transient Deduper deduper;

    KeepFn(PipelineSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<CauceRecord>> bucket, OutputReceiver<CauceRecord> out) {
      Map<String, CauceRecord> winners = new HashMap<>();
      long seen = 0;
      for (CauceRecord r : bucket.getValue()) {
        seen++;
        winners.merge(deduper.keyOf(r.row()), r, deduper::keep);
      }
      duplicates.inc(seen - winners.size());
      winners.values().forEach(out::output);
    }
  }
}
