package dev.cauce.replay;

import dev.cauce.metrics.CountingFn;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.dedupe.Deduped;
import dev.cauce.dedupe.Deduper;
import dev.cauce.dedupe.DroppedLines;
import dev.cauce.dedupe.Deduplicate;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.write.Layout;
import dev.cauce.write.LiveOutput;
import dev.cauce.write.LiveRewrite;
import dev.cauce.write.LiveRows;
import dev.cauce.write.RowParquet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * A replay's records against the live dataset, for a spec with a dedupe key: the live records'
 * key (and {@code order_by}) fields are read from the live files of one file sink ({@link Live}),
 * joined with the replayed records by key (CoGroupByKey, grouped by key or by hash bucket as the
 * runner's {@link Deduplicate.Grouping} says), and {@link Deduper#replacesLive} decides: a replayed
 * record whose key is live is counted in {@code duplicates} and dropped, unless it replaces the
 * live record ({@code latest}, a later {@code order_by} value): then it is kept, and every file
 * sink's live files holding that key are copied into the run's staging without it ({@link
 * LiveRewrite}), so the commit swaps them: never two records with one key. A replayed record dropped
 * is also a {@code dedupe.dropped} line when the spec asks for them, its winner the live record.
 */
public final class DedupeAgainstLive extends PTransform<PCollection<CauceRecord>, Deduped> {
  private static final TupleTag<CauceRecord> REPLAYED = new TupleTag<>("replayed") {};
  private static final TupleTag<Row> LIVE = new TupleTag<>("live") {};
  private static final TupleTag<CauceRecord> KEPT = new TupleTag<>("kept") {};
  private static final TupleTag<String> REPLACED = new TupleTag<>("replaced keys") {};
  private static final TupleTag<String> DROPPED = new TupleTag<>("dropped") {};

  /**
   * The live files of the sink the live keys are read from, and its format; {@code sinks}: every
   * file sink's live files (those a replaced record is taken out of).
   */
  public record Live(String sink, SinkFormat format, List<String> files, Map<String, List<String>> sinks) {
    public Live {
      files = List.copyOf(files);
      sinks = Map.copyOf(sinks);
    }

    /** Live keys and replaced records from one sink's files. */
    public Live(String sink, SinkFormat format, List<String> files) {
      this(sink, format, files, Map.of(sink, files));
    }

    /**
     * The file sink to read live keys from: every file sink holds every field, so one that has live
     * files (a sink added to the spec later may have none), then by the format that reads back
     * exactly and fastest (JSON Lines, Parquet, then CSV); empty when the spec has no file sink.
     */
    public static Optional<Live> of(PipelineSpec spec, LiveOutput live) {
      List<SinkFormat> preference = List.of(SinkFormat.JSONL, SinkFormat.PARQUET, SinkFormat.CSV);
      Map<String, List<String>> sinks = new HashMap<>();
      spec.sinks().stream().filter(s -> !s.isJdbc()).forEach(s -> sinks.put(s.name(), live.files(s.name())));
      return spec.sinks().stream()
          .filter(s -> !s.isJdbc())
          .map(s -> new Live(s.name(), s.format(), live.files(s.name()), sinks))
          .min(Comparator.comparing((Live l) -> l.files().isEmpty()).thenComparingInt(l -> preference.indexOf(l.format())));
    }
  }

  private final PipelineSpec spec;
  private final Deduplicate.Grouping grouping;
  private final Live live;
  private final String runId;

  /** {@code runId}: the run whose staging receives the rewritten live files. */
  public DedupeAgainstLive(PipelineSpec spec, Deduplicate.Grouping grouping, Live live, String runId) {
    super("Dedupe against live");
    this.spec = spec;
    this.grouping = Objects.requireNonNull(grouping, "grouping");
    this.live = Objects.requireNonNull(live, "live");
    this.runId = Layout.checkRunId(runId);
  }

  @Override
  public Deduped expand(PCollection<CauceRecord> replayed) {
    Schema typed = Schemas.typed(spec);
    var recordCoder = replayed.getCoder();
    var rowCoder = Coders.typedRow(typed);
    PCollection<KV<String, CauceRecord>> keyedReplayed = replayed
        .apply("Key replayed", ParDo.of(new KeyRecordFn(spec, grouping)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), recordCoder));
    PCollection<FileIO.ReadableFile> files = replayed.getPipeline()
        .apply("Live files of " + live.sink(), Create.of(live.files()).withCoder(StringUtf8Coder.of()))
        .apply("Match live files", FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("Open live files", FileIO.readMatches());
    PCollection<KV<String, Row>> liveKeys = (live.format() == SinkFormat.PARQUET
        ? files.apply("Read Parquet", ParquetIO.readFiles(RowParquet.avroSchema(typed, spec.name())))
            .apply("Live keys", ParDo.of(new ParquetKeyFn(spec, grouping)))
        : files.apply("Live keys", ParDo.of(new TextKeyFn(spec, grouping, live.format()))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), rowCoder));
    PCollectionTuple decided = KeyedPCollectionTuple.of(REPLAYED, keyedReplayed).and(LIVE, liveKeys)
        .apply("Join by key", CoGroupByKey.create())
        .apply("Keep or count", ParDo.of(new DecideFn(spec, runId)).withOutputTags(KEPT, TupleTagList.of(REPLACED).and(DROPPED)));
    PCollectionView<List<String>> replacedKeys = decided.get(REPLACED).setCoder(StringUtf8Coder.of())
        .apply("Replaced keys", View.asList());
    for (PipelineSpec.SinkSpec sink : spec.sinks()) {
      List<String> sinkFiles = live.sinks().getOrDefault(sink.name(), List.of());
      if (!sink.isJdbc() && !sinkFiles.isEmpty()) {
        replayed.getPipeline()
            .apply("Live files of " + sink.name() + " to rewrite", Create.of(sinkFiles).withCoder(StringUtf8Coder.of()))
            .apply("Take replaced out of " + sink.name(),
                ParDo.of(new RewriteFn(spec, runId, sink.name(), sink.format(), replacedKeys)).withSideInputs(replacedKeys));
      }
    }
    return new Deduped(decided.get(KEPT).setCoder(recordCoder), decided.get(DROPPED).setCoder(StringUtf8Coder.of()));
  }

  /**
   * Copies a live file of a sink without the records whose key a replayed record replaces, into the
   * run's staging of the sink ({@link LiveRewrite}); a file holding none is left alone.
   */
  static final class RewriteFn extends WithDeduper<String, Void> {
    private final String runId;
    private final String sink;
    private final SinkFormat format;
    private final PCollectionView<List<String>> replacedKeys;

    RewriteFn(PipelineSpec spec, String runId, String sink, SinkFormat format, PCollectionView<List<String>> replacedKeys) {
      super(spec, Deduplicate.Grouping.KEY);
      this.runId = runId;
      this.sink = sink;
      this.format = format;
      this.replacedKeys = replacedKeys;
    }

    @ProcessElement
    public void process(@Element String file, ProcessContext c) throws IOException {
      Set<String> keys = new HashSet<>(c.sideInput(replacedKeys));
      if (keys.isEmpty()) {
        return;
      }
      LiveRewrite.Reading reading = new LiveRewrite.Reading(format, Schemas.typed(spec), spec.name(), deduper.decidingFields());
      LiveRewrite.rewrite(FileSystems.matchNewResource(file, false), reading, row -> keys.contains(deduper.keyOf(row)),
          Layout.staging(spec.output(), runId, sink), runId);
    }
  }

  /** The join key: the dedupe key itself, or its bucket. */
  private static String joinKey(Deduper deduper, Deduplicate.Grouping grouping, Row row) {
    String key = deduper.keyOf(row);
    return grouping == Deduplicate.Grouping.KEY ? key : Integer.toString(deduper.bucketOf(key));
  }

  private abstract static class WithDeduper<I, O> extends CountingFn<I, O> {
    final PipelineSpec spec;
    final Deduplicate.Grouping grouping;
    transient Deduper deduper;

    WithDeduper(PipelineSpec spec, Deduplicate.Grouping grouping) {
      this.spec = spec;
      this.grouping = grouping;
    }

    @Setup
    public void setup() {
      deduper = new Deduper(spec.dedupe(), Schemas.typed(spec));
    }
  }

  static final class KeyRecordFn extends WithDeduper<CauceRecord, KV<String, CauceRecord>> {
    KeyRecordFn(PipelineSpec spec, Deduplicate.Grouping grouping) {
      super(spec, grouping);
    }

    @ProcessElement
    public void process(@Element CauceRecord r, OutputReceiver<KV<String, CauceRecord>> out) {
      out.output(KV.of(joinKey(deduper, grouping, r.row()), r));
    }
  }

  /** Reads live rows with only their key and order fields, and keys them for the join. */
  private abstract static class LiveKeyFn<I> extends WithDeduper<I, KV<String, Row>> {
    transient LiveRows rows;

    LiveKeyFn(PipelineSpec spec, Deduplicate.Grouping grouping) {
      super(spec, grouping);
    }

    @Override
    @Setup
    public void setup() {
      super.setup();
      rows = new LiveRows(Schemas.typed(spec), deduper.decidingFields());
    }

    KV<String, Row> keyed(Row r) {
      return KV.of(joinKey(deduper, grouping, r), r);
    }
  }

  /** Each row of a live JSON Lines or CSV file. */
  static final class TextKeyFn extends LiveKeyFn<FileIO.ReadableFile> {
    private final SinkFormat format;

    TextKeyFn(PipelineSpec spec, Deduplicate.Grouping grouping, SinkFormat format) {
      super(spec, grouping);
      this.format = format;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<String, Row>> out) throws IOException {
      try (InputStream in = Channels.newInputStream(file.open())) {
        rows.readText(format, in, file.getMetadata().resourceId().toString(), r -> out.output(keyed(r)));
      }
    }
  }

  /** Each record of a live Parquet file. */
  static final class ParquetKeyFn extends LiveKeyFn<GenericRecord> {
    ParquetKeyFn(PipelineSpec spec, Deduplicate.Grouping grouping) {
      super(spec, grouping);
    }

    @ProcessElement
    public void process(@Element GenericRecord record, OutputReceiver<KV<String, Row>> out) {
      out.output(keyed(rows.fromParquet(record)));
    }
  }

  /**
   * One join group: the replayed records (few) are held by key, the live rows streamed past them;
   * a group with no replayed record is skipped without reading its live rows.
   */
  static final class DecideFn extends WithDeduper<KV<String, CoGbkResult>, CauceRecord> {
    private final Counter duplicates = CauceMetrics.counter(CauceMetrics.DUPLICATES);
    private final Counter replaced = CauceMetrics.counter(CauceMetrics.REPLACED);
    private final String runId;
    private transient DroppedLines lines;

    DecideFn(PipelineSpec spec, String runId) {
      super(spec, Deduplicate.Grouping.KEY);
      this.runId = runId;
    }

    @Override
    @Setup
    public void setup() {
      super.setup();
      lines = Deduplicate.droppedLines(spec, deduper, runId);
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> group, MultiOutputReceiver out) {
      Map<String, CauceRecord> replayed = new HashMap<>();
      for (CauceRecord r : group.getValue().getAll(REPLAYED)) {
        replayed.merge(deduper.keyOf(r.row()), r, deduper::keep); // one per key already: Deduplicate ran before
      }
      if (replayed.isEmpty()) {
        return;
      }
      Map<String, Row> live = new HashMap<>();
      for (Row l : group.getValue().getAll(LIVE)) {
        String key = deduper.keyOf(l);
        if (replayed.containsKey(key)) {
          live.merge(key, l, deduper::latestLive);
        }
      }
      for (Map.Entry<String, CauceRecord> e : replayed.entrySet()) {
        Row l = live.get(e.getKey());
        Row r = e.getValue().row();
        if (l == null) {
          out.get(KEPT).output(e.getValue());
        } else if (deduper.replacesLive(l, r)) {
          out.get(KEPT).output(e.getValue());
          out.get(REPLACED).output(e.getKey());
          replaced.inc();
        } else {
          duplicates.inc();
          if (lines != null) { // the published record won: it is known by its key and order_by only
            out.get(DROPPED).output(lines.lineAgainstLive(e.getValue(), l));
          }
        }
      }
    }
  }
}
