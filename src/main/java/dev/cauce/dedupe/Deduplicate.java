package dev.cauce.dedupe;

import dev.cauce.metrics.CountingFn;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.spec.PipelineSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
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
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Deduplicate: keeps one record per key ({@link Deduper}) and counts the others as {@code
 * duplicates}; with {@code dedupe.dropped}, each of those is also a line naming its key and the
 * record kept ({@link DroppedLines}). How records are grouped is a parameter ({@link Grouping}, the
 * runner's choice); the kept records do not depend on it, since they are chosen by a total order.
 */
public final class Deduplicate extends PTransform<PCollection<CauceRecord>, Deduped> {
  /** How records meet their duplicates. */
  public enum Grouping {
    /**
     * By the key itself: one group per key. A runner that sorts to group (Flink batch) then hands
     * the keep step one key's records at a time, so memory stays flat however large the input. When
     * the input's size is known they meet in hash buckets instead, as many as that size needs for a
     * bucket to stay a few MB ({@link #bucketsFor}): a few thousand batches to sort, not every record.
     */
    KEY,
    /**
     * By a hash bucket of the key (the spec's {@code buckets}, fewer for a small input): a few large groups, each holding the
     * current winner per key in memory. The Direct runner pays a fixed cost per group and keeps
     * every group in memory anyway, so few groups are what keeps it usable.
     */
    BUCKET
  }

  static final TupleTag<CauceRecord> KEPT = new TupleTag<>("kept") {};
  static final TupleTag<String> DROPPED = new TupleTag<>("dropped") {};

  private final PipelineSpec spec;
  private final Grouping grouping;
  private final String runId;
  private final int buckets;

  /** {@code grouping}: the runner's choice (its runner profile); the kept records do not depend on it. Dropped lines name run "run". */
  public Deduplicate(PipelineSpec spec, Grouping grouping) {
    this(spec, grouping, "run");
  }

  /** {@code runId}: the run the dropped records' lines name; the input's size not known ({@link #bucketsFor}). */
  public Deduplicate(PipelineSpec spec, Grouping grouping, String runId) {
    this(spec, grouping, runId, bucketsFor(spec, grouping, 0));
  }

  /** {@code buckets}: {@link #bucketsFor} the grouping and the input's size. */
  public Deduplicate(PipelineSpec spec, Grouping grouping, String runId, int buckets) {
    super("Deduplicate");
    this.spec = spec;
    this.grouping = Objects.requireNonNull(grouping, "grouping");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.buckets = buckets;
  }

  @Override
  public Deduped expand(PCollection<CauceRecord> input) {
    if (!(input.getCoder() instanceof Coders.CauceRecordCoder recordCoder)) { // its table decodes the sources
      throw new IllegalArgumentException("Deduplicate needs records encoded by Coders.cauceRecord, not " + input.getCoder());
    }
    // both groupings key and encode each record once; they differ in the buckets (bucketsFor)
    return input.apply("Key", ParDo.of(new KeyFn(spec, recordCoder))).setCoder(KEYED_CODER).apply(keyed(spec, runId, recordCoder, buckets));
  }

  /** Records keyed by their key's hash, each as its encoded bytes ({@link #keying}). */
  public static final KvCoder<Long, byte[]> KEYED_CODER = KvCoder.of(BigEndianLongCoder.of(), ByteArrayCoder.of());

  /**
   * Each record keyed by its key's 64-bit hash ({@link Deduper#hashOf}: the sort compares 8 bytes, not
   * the key's text) and encoded once: up to the keep step, which decodes it, the runner only copies bytes
   * (Flink: through every hand-over, into its sort and out). A step that makes the records can hand them
   * on in this form (the stage step: {@code FusedStages#exiting}) for {@link #keyed} with the same {@code coder}.
   */
  public static java.util.function.Function<CauceRecord, KV<Long, byte[]>> keying(PipelineSpec spec, Coders.CauceRecordCoder coder) {
    Deduper deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
    return r -> KV.of(Deduper.hashOf(deduper.keyOf(r.row())), coder.toBytes(r));
  }

  /**
   * Input bytes per bucket of {@link #keyed}: a bucket's records are held, decoded, by the keep step
   * (~14,000 of the bench's orders: 15-25 MB of heap), so the buckets grow in number with the input.
   */
  static final long BUCKET_INPUT_BYTES = 4L << 20;

  /**
   * Hash buckets for {@code inputBytes} of input (0: not known, as from an API or a replay), one per
   * {@value #BUCKET_INPUT_BYTES} bytes. {@link Grouping#BUCKET} (the Direct runner): the spec's {@code
   * buckets}, fewer for a small input (each group costs a bundle of every later step: the sample's
   * 30 KB in 16 buckets took 0.4-0.9 s longer than in 2). {@link Grouping#KEY}: at least the spec's,
   * more for a large input, at most 4,096 (as {@code dedupe.buckets}); 0, one group per key, when
   * the size is not known.
   */
  public static int bucketsFor(PipelineSpec spec, Grouping grouping, long inputBytes) {
    long n = (Math.max(inputBytes, 0) + BUCKET_INPUT_BYTES - 1) / BUCKET_INPUT_BYTES;
    if (grouping == Grouping.BUCKET) {
      return inputBytes <= 0 ? spec.dedupe().buckets() : (int) Math.max(1, Math.min(spec.dedupe().buckets(), n));
    }
    return inputBytes <= 0 ? 0 : (int) Math.min(4096, Math.max(spec.dedupe().buckets(), n));
  }

  /**
   * Deduplicates records already {@link #keying keyed} by {@code coder}; the kept ones are encoded by it
   * too. With {@code buckets} above 0 they meet their duplicates in hash buckets, sent in batches
   * ({@link BatchFn}): a runner that sorts to group (Flink batch) sorts a few thousand batches instead
   * of every record, and its sort compares keys slowly (Beam's Flink key comparator has no normalized
   * keys: each comparison decodes both keys; a quarter of a 1M run's CPU). With 0, one group per key.
   */
  public static PTransform<PCollection<KV<Long, byte[]>>, Deduped> keyed(PipelineSpec spec, String runId,
      Coders.CauceRecordCoder coder, int buckets) {
    return new PTransform<>("Deduplicate") {
      @Override
      public Deduped expand(PCollection<KV<Long, byte[]>> input) {
        // the dropped lines only when the spec asks for them: on Flink an output nothing reads still gets a
        // consumer of every element, and the keep step's one output is then chained to the writers
        boolean withDropped = spec.dedupe().dropped() != null;
        TupleTagList more = withDropped ? TupleTagList.of(DROPPED) : TupleTagList.empty();
        PCollectionTuple out = buckets > 0
            ? input
                .apply("Batch by bucket", ParDo.of(new BatchFn(buckets)))
                .setCoder(KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of()))
                .apply("Group buckets", GroupByKey.create())
                .apply("Keep one per key", ParDo.of(new KeepFn(spec, runId, coder)).withOutputTags(KEPT, more))
            : input
                .apply("Group by key", GroupByKey.create())
                .apply("Keep one", ParDo.of(new KeepOneFn(spec, runId, coder)).withOutputTags(KEPT, more));
        return new Deduped(out.get(KEPT).setCoder(coder), withDropped ? out.get(DROPPED).setCoder(StringUtf8Coder.of()) : null);
      }
    };
  }

  /**
   * Keyed records into batches per hash bucket, in {@link KeepFn}'s format (each record's bytes after
   * their length): a batch leaves once it holds {@value #BATCH_BYTES} bytes, or when the bundle ends
   * (on Flink a bundle is a whole partition, so at most {@code buckets} x {@value #BATCH_BYTES} wait).
   * The Direct runner copies a group's whole state each time a bundle adds to it: a few thousand
   * batches copy far faster than every record.
   */
  static final class BatchFn extends DoFn<KV<Long, byte[]>, KV<Integer, byte[]>> {
    static final int BATCH_BYTES = 32 << 10;

    private final int buckets;
    private transient Map<Integer, ByteArrayOutputStream> batches;

    BatchFn(int buckets) {
      this.buckets = buckets;
    }

    @StartBundle
    public void start() {
      batches = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<Long, byte[]> keyed, OutputReceiver<KV<Integer, byte[]>> out) throws IOException {
      int bucket = (int) Math.floorMod(keyed.getKey(), (long) buckets);
      ByteArrayOutputStream batch = batches.computeIfAbsent(bucket, b -> new ByteArrayOutputStream(BATCH_BYTES + 1024));
      byte[] record = keyed.getValue();
      org.apache.beam.sdk.util.VarInt.encode(record.length, batch);
      batch.write(record);
      if (batch.size() >= BATCH_BYTES) {
        out.output(KV.of(bucket, batch.toByteArray()));
        batch.reset();
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      batches.forEach((bucket, batch) -> {
        if (batch.size() > 0) {
          c.output(KV.of(bucket, batch.toByteArray()), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
        }
      });
      batches = null;
    }
  }

  /** The dropped records' lines, or null when the spec does not ask for them. */
  public static DroppedLines droppedLines(PipelineSpec spec, Deduper deduper, String runId) {
    return spec.dedupe().dropped() == null ? null
        : new DroppedLines(deduper, Schemas.typed(spec), runId, spec.name(), spec.dedupe().orderBy());
  }

  /** Keys and encodes each record ({@link #keying}). */
  static final class KeyFn extends CountingFn<CauceRecord, KV<Long, byte[]>> {
    private final PipelineSpec spec;
    private final Coders.CauceRecordCoder coder;
    private transient java.util.function.Function<CauceRecord, KV<Long, byte[]>> keying;

    KeyFn(PipelineSpec spec, Coders.CauceRecordCoder coder) {
      this.spec = spec;
      this.coder = coder;
    }

    @Setup
    public void setup() {
      keying = keying(spec, coder);
    }

    @ProcessElement
    public void process(@Element CauceRecord r, OutputReceiver<KV<Long, byte[]>> out) {
      out.output(keying.apply(r));
    }
  }

  /**
   * One hash's records, nearly always one key's: keeps one per key, counts the rest. With {@code
   * dedupe.dropped} the losers are held until their key's winner is known (memory: one key's duplicates).
   */
  static final class KeepOneFn extends CountingFn<KV<Long, Iterable<byte[]>>, CauceRecord> {
    private final PipelineSpec spec;
    private final String runId;
    private final Counter duplicates = CauceMetrics.counter(CauceMetrics.DUPLICATES);
    private final Coders.CauceRecordCoder coder;
    private transient Deduper deduper;
    private transient DroppedLines lines;

    KeepOneFn(PipelineSpec spec, String runId, Coders.CauceRecordCoder coder) {
      this.spec = spec;
      this.runId = runId;
      this.coder = coder;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
      lines = droppedLines(spec, deduper, runId);
    }

    /** One key's winner so far and its losers (held only for the dropped lines). */
    private final class Key {
      CauceRecord kept;
      final List<CauceRecord> losers = lines == null ? null : new ArrayList<>();

      void add(CauceRecord r) {
        if (kept == null) {
          kept = r;
          return;
        }
        CauceRecord winner = deduper.keep(kept, r);
        if (losers != null) {
          losers.add(winner == r ? kept : r);
        }
        kept = winner;
      }
    }

    @ProcessElement
    public void process(@Element KV<Long, Iterable<byte[]>> group, MultiOutputReceiver out) throws IOException {
      String firstKey = null;
      Key first = new Key();
      Map<String, Key> others = null; // the keys whose hash collides with the first's, in order of arrival
      long seen = 0;
      for (byte[] bytes : group.getValue()) {
        CauceRecord r = coder.fromBytes(bytes);
        seen++;
        String key = deduper.keyOf(r.row());
        if (firstKey == null || firstKey.equals(key)) {
          firstKey = key;
          first.add(r);
        } else {
          others = others == null ? new java.util.LinkedHashMap<>() : others;
          others.computeIfAbsent(key, k -> new Key()).add(r);
        }
      }
      List<Key> keys = new ArrayList<>(List.of(first));
      if (others != null) {
        keys.addAll(others.values());
      }
      if (seen > keys.size()) {
        duplicates.inc(seen - keys.size());
      }
      for (Key k : keys) {
        out.get(KEPT).output(k.kept);
        if (k.losers != null) {
          for (CauceRecord l : k.losers) {
            out.get(DROPPED).output(lines.line(l, k.kept));
          }
        }
      }
    }
  }

  /** One bucket: the winner per key; with {@code dedupe.dropped}, the losers per key too, until the bucket ends. */
  static final class KeepFn extends CountingFn<KV<Integer, Iterable<byte[]>>, CauceRecord> {
    private final PipelineSpec spec;
    private final String runId;
    private final Counter duplicates = CauceMetrics.counter(CauceMetrics.DUPLICATES);
    private final Coders.CauceRecordCoder coder;
    private transient Deduper deduper;
    private transient DroppedLines lines;

    KeepFn(PipelineSpec spec, String runId, Coders.CauceRecordCoder coder) {
      this.spec = spec;
      this.runId = runId;
      this.coder = coder;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
      lines = droppedLines(spec, deduper, runId);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<byte[]>> bucket, MultiOutputReceiver out) throws IOException {
      Map<String, CauceRecord> winners = new HashMap<>();
      Map<String, List<CauceRecord>> losers = lines == null ? null : new HashMap<>();
      long seen = 0;
      for (byte[] batch : bucket.getValue()) {
        ByteArrayInputStream in = new ByteArrayInputStream(batch);
        while (in.available() > 0) {
          CauceRecord r = coder.decode(in);
          seen++;
          String key = deduper.keyOf(r.row());
          if (losers == null) {
            winners.merge(key, r, deduper::keep);
            continue;
          }
          CauceRecord prev = winners.putIfAbsent(key, r);
          if (prev != null) {
            CauceRecord won = deduper.keep(prev, r);
            winners.put(key, won);
            losers.computeIfAbsent(key, k -> new ArrayList<>()).add(won == r ? prev : r);
          }
        }
      }
      duplicates.inc(seen - winners.size());
      OutputReceiver<CauceRecord> kept = out.get(KEPT);
      winners.values().forEach(kept::output);
      if (losers != null) {
        OutputReceiver<String> dropped = out.get(DROPPED);
        losers.forEach((key, list) -> list.forEach(l -> dropped.output(lines.line(l, winners.get(key)))));
      }
    }
  }
}
