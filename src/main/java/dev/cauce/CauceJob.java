package dev.cauce;

import dev.cauce.beam.ExpectAggregates;
import dev.cauce.beam.ExpectRows;
import dev.cauce.beam.ExpectUnique;
import dev.cauce.beam.FusedStages;
import dev.cauce.beam.WriteExpectations;
import dev.cauce.beam.RepairDependencies;
import dev.cauce.beam.Staged;
import dev.cauce.clean.CleanStage;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.dedupe.Deduped;
import dev.cauce.dedupe.Deduplicate;
import dev.cauce.expect.ResultList;
import dev.cauce.ingest.HttpSource;
import dev.cauce.ingest.InputFiles;
import dev.cauce.ingest.ReadInputs;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.Violation;
import dev.cauce.parse.ParseStage;
import dev.cauce.replay.DedupeAgainstLive;
import dev.cauce.replay.ReplayDeadLetter;
import dev.cauce.runner.RunnerProfile;
import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.beam.ReferenceViews;
import dev.cauce.reference.ReferenceLoader;
import dev.cauce.reference.ReferenceTable;
import dev.cauce.validate.DeriveStage;
import dev.cauce.validate.LookupStage;
import dev.cauce.validate.Lookups;
import dev.cauce.validate.ValidateStage;
import dev.cauce.validate.rules.Derivation;
import dev.cauce.write.Layout;
import dev.cauce.write.WriteDeadLetter;
import dev.cauce.write.WriteRepairs;
import dev.cauce.write.WriteSink;
import dev.cauce.write.jdbc.JdbcRun;
import dev.cauce.write.jdbc.WriteJdbc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Assembles one job from a spec: Ingest → Parse → Clean → Validate (one fused step, {@link FusedStages})
 * → functional dependencies ({@link RepairDependencies}) → Deduplicate (a replay's also against the live keys, {@link DedupeAgainstLive}) → Write, with the
 * rejections of every stage flattened into one dead letter. {@link #build} returns the collections
 * before writing, so tests can assert on them with {@code PAssert}; {@link #write} adds the sinks.
 */
public final class CauceJob {
  private CauceJob() {}

  /**
   * The job's results: the rows to publish (typed schema), every rejection, and the kept records
   * with their origins (the rows' source; jdbc sinks key their staging rows by it).
   */
  public record Outputs(PCollection<Row> records, PCollection<Rejection> rejections, PCollection<CauceRecord> kept,
      PCollectionList<ResultList> expectations, PCollection<String> dropped, PCollection<KV<CauceRecord, List<Violation>>> warned,
      PCollection<String> repairs) {
    public Outputs(PCollection<Row> records, PCollection<Rejection> rejections) {
      this(records, rejections, null, null, null, null, null);
    }
  }

  /**
   * Where records come from: the spec's source (files or an HTTP API), or dead letters being replayed. {@code files}, when
   * not null, are the source files to read instead of matching the source pattern (incremental
   * runs read only the files not yet ingested).
   */
  public record Input(int maxRecordBytes, String replayPattern, List<InputFiles.InputFile> files, long splitBytes,
      Deduplicate.Grouping dedupeGrouping, DedupeAgainstLive.Live live, Map<String, ReferenceTable> references) {
    public Input(int maxRecordBytes, String replayPattern, List<InputFiles.InputFile> files, long splitBytes,
        Deduplicate.Grouping dedupeGrouping, DedupeAgainstLive.Live live) {
      this(maxRecordBytes, replayPattern, files, splitBytes, dedupeGrouping, live, null);
    }

    /** The paths of the listed files, the records' source table (null when the pipeline matches the source itself). */
    public List<String> sources() {
      return files == null ? null : files.stream().map(InputFiles.InputFile::path).toList();
    }

    /** What the options ask for, split and grouped as {@code runner} needs. */
    public static Input of(CauceOptions o, RunnerProfile runner) {
      return new Input(o.getMaxRecordBytes(), o.getReplay(), null, runner.splitBytes(o.getSplitBytes()), runner.dedupeGrouping(), null);
    }

    public Input withFiles(List<InputFiles.InputFile> chosen) {
      return new Input(maxRecordBytes, replayPattern, chosen, splitBytes, dedupeGrouping, live, references);
    }

    public Input withSplitBytes(long bytes) {
      return new Input(maxRecordBytes, replayPattern, files, bytes, dedupeGrouping, live, references);
    }

    /** The reference tables the plan read (null: {@link #build} reads the spec's file references itself). */
    public Input withReferences(Map<String, ReferenceTable> tables) {
      return new Input(maxRecordBytes, replayPattern, files, splitBytes, dedupeGrouping, live, tables);
    }

    /** A replay's live dataset, whose keys the replayed records are deduplicated against (null: none). */
    public Input withLive(DedupeAgainstLive.Live liveKeys) {
      return new Input(maxRecordBytes, replayPattern, files, splitBytes, dedupeGrouping, liveKeys, references);
    }
  }

  public static Outputs build(Pipeline p, PipelineSpec given, String runId, Input input) {
    // the reference tables: read once (by the plan, else here), shipped to the stages as side inputs
    Map<String, ReferenceTable> tables = input.references() != null ? input.references()
        : given.references().isEmpty() ? Map.of() : ReferenceLoader.loadAll(given, null);
    PipelineSpec spec = ReferenceLoader.withColumns(given, tables);
    Map<String, PCollectionView<Map<String, List<String>>>> refs = ReferenceViews.of(p, ReferenceLoader.rows(tables));
    List<PCollection<Rejection>> rejections = new ArrayList<>();
    // row expectations check every record entering the dataset, replayed ones too; a replay's few
    // records are no dataset: its dataset and uniqueness expectations are the first run's (reported skipped)
    boolean expectRows = !spec.expectations().isEmpty() && !ExpectRows.checks(spec).isEmpty();
    boolean expect = input.replayPattern() == null && !spec.expectations().isEmpty();
    boolean expectUnique = expect && !ExpectUnique.checks(spec).isEmpty();
    boolean keepText = expectRows || expectUnique; // their rejections carry the records' text
    // nothing between the stages and a dedupe that groups by key: the records leave the stage step
    // keyed and encoded, and stay bytes until the keep step (Flink: two hand-overs and a sort)
    boolean keyed = spec.dedupe() != null && input.dedupeGrouping() == Deduplicate.Grouping.KEY && !expectRows
        && spec.dependencies().isEmpty();
    boolean listed = input.replayPattern() == null && !spec.source().isHttp();
    // the records' coder, set here once and taken by every later step from its input: its table holds
    // the files the plan listed, so records carry their source's index, not its path
    Coders.CauceRecordCoder recordCoder = Coders.cauceRecord(Schemas.typed(spec), listed ? input.sources() : null);
    StagesOut validated;
    if (listed) {
      // Files: each part of a file is read in the same step as the stages (no hand-over between them).
      validated = StagesOut.of(
          p.apply("ReadInputs", new ReadInputs.Plan(spec, input.maxRecordBytes(), input.files(), input.splitBytes())),
          stages("Read, parse, clean, validate", spec, runId, ReadInputs.front(input.maxRecordBytes()), keepText, refs, recordCoder),
          keyed, recordCoder);
    } else {
      Staged<SourceRecord> ingested =
          input.replayPattern() == null
              ? p.apply(new HttpSource(spec, runId, input.maxRecordBytes()))
              : p.apply(new ReplayDeadLetter(spec, runId, input.replayPattern()));
      rejections.add(ingested.rejections());
      validated = StagesOut.of(ingested.output(),
          stages("Parse, clean, validate", spec, runId, FusedStages.records(), keepText, refs, recordCoder), keyed, recordCoder);
    }
    rejections.add(validated.rejections());
    List<PCollection<KV<CauceRecord, List<Violation>>>> warned = new ArrayList<>(); // with dead_letter.warned only
    if (validated.warned() != null) {
      warned.add(validated.warned());
    }
    PCollection<CauceRecord> checked = validated.records() == null ? null : validated.records().output();
    List<PCollection<ResultList>> results = new ArrayList<>();
    if (expectRows) {
      ExpectRows.Out rowsChecked = ExpectRows.apply(checked, spec, runId, expectUnique);
      checked = rowsChecked.kept();
      rejections.add(rowsChecked.rejections());
      results.add(rowsChecked.results());
      warned.add(rowsChecked.warned());
    }

    // functional dependencies after validation, before dedupe: only valid records vote, and the
    // repaired values are what dedupe keys on and what is published
    PCollection<String> repairs = null;
    if (!spec.dependencies().isEmpty()) {
      RepairDependencies.Out repaired = RepairDependencies.apply(checked, spec, runId, input.dedupeGrouping());
      checked = repaired.records();
      repairs = repaired.repairs();
    }

    PCollection<CauceRecord> kept = checked;
    List<PCollection<String>> dropped = new ArrayList<>(); // the duplicates' lines (dedupe.dropped)
    if (spec.dedupe() != null) {
      long inputBytes = listed && input.files() != null ? input.files().stream().mapToLong(InputFiles.InputFile::recordBytes).sum() : 0;
      int buckets = Deduplicate.bucketsFor(spec, input.dedupeGrouping(), inputBytes);
      Deduped d = keyed ? validated.keyed().output().apply(Deduplicate.keyed(spec, runId, recordCoder, buckets))
          : checked.apply(new Deduplicate(spec, input.dedupeGrouping(), runId, buckets));
      kept = d.kept();
      addIfAny(dropped, d.dropped());
      if (input.replayPattern() != null && input.live() != null) {
        d = kept.apply(new DedupeAgainstLive(spec, input.dedupeGrouping(), input.live(), runId));
        kept = d.kept();
        addIfAny(dropped, d.dropped());
      }
    }
    if (expectUnique) { // over the records to publish: after dedupe, before the dataset expectations
      ExpectRows.Out unique = ExpectUnique.apply(kept, spec, runId, input.dedupeGrouping() == Deduplicate.Grouping.KEY);
      kept = unique.kept();
      rejections.add(unique.rejections());
      results.add(unique.results());
      warned.add(unique.warned());
    }

    PCollection<Row> rows =
        kept.apply("To rows", MapElements.into(TypeDescriptors.rows()).via(CauceRecord::row))
            .setCoder(Coders.typedRow(Schemas.typed(spec)));
    if (expect && !ExpectAggregates.aggregates(spec).isEmpty()) {
      results.add(rows.apply(new ExpectAggregates(spec)));
    }
    PCollection<Rejection> allRejections =
        PCollectionList.of(rejections).apply("All rejections", Flatten.pCollections()).setCoder(Coders.rejection());
    PCollection<String> droppedLines = spec.dedupe() == null || spec.dedupe().dropped() == null ? null
        : PCollectionList.of(dropped).apply("All dropped", Flatten.pCollections()).setCoder(StringUtf8Coder.of());
    PCollection<KV<CauceRecord, List<Violation>>> allWarned = spec.deadLetter() == null || spec.deadLetter().warned() == null
        ? null
        : PCollectionList.of(warned).apply("All warned", Flatten.pCollections())
            .setCoder(FusedStages.warnedCoder(recordCoder));
    return new Outputs(rows, allRejections, kept, results.isEmpty() ? null : PCollectionList.of(results), droppedLines,
        allWarned, repairs);
  }

  /** The stage step's output: its records, or the same records {@link Deduplicate#keying keyed} for the dedupe. */
  private record StagesOut(Staged<CauceRecord> records, Staged<KV<Long, byte[]>> keyed) {
    static <I> StagesOut of(PCollection<I> in, FusedStages<I> stages, boolean keyed, Coders.CauceRecordCoder coder) {
      return keyed ? new StagesOut(null, in.apply(stages.exiting(s -> Deduplicate.keying(s, coder), Deduplicate.KEYED_CODER)))
          : new StagesOut(in.apply(stages), null);
    }

    PCollection<Rejection> rejections() {
      return records != null ? records.rejections() : keyed.rejections();
    }

    PCollection<KV<CauceRecord, List<Violation>>> warned() {
      return records != null ? records.warned() : keyed.warned();
    }
  }

  private static <T> void addIfAny(List<PCollection<T>> to, PCollection<T> c) {
    if (c != null) {
      to.add(c);
    }
  }

  /** Parse, clean and validate in one step, fed by {@code front}: the stages every source's records go through. */
  public static <I> FusedStages<I> stages(String name, PipelineSpec spec, String runId, FusedStages.Front<I> front) {
    return stages(name, spec, runId, front, false);
  }

  /** The same; {@code keepText}: passed records keep their text for the expectations ({@link ExpectRows}, {@link ExpectUnique}). */
  public static <I> FusedStages<I> stages(String name, PipelineSpec spec, String runId, FusedStages.Front<I> front,
      boolean keepText) {
    return stages(name, spec, runId, front, keepText, FusedStages.NO_REFERENCES, Coders.cauceRecord(Schemas.typed(spec)));
  }

  /**
   * The same, with the reference tables' side inputs: derived fields are computed after cleaning, then
   * the lookups set their fields (failures of both are clean rejections), then the rules run. The
   * passed records are encoded by {@code recordCoder} (its source table: {@link Input#sources}).
   */
  public static <I> FusedStages<I> stages(String name, PipelineSpec spec, String runId, FusedStages.Front<I> front,
      boolean keepText, Map<String, PCollectionView<Map<String, List<String>>>> references, Coders.CauceRecordCoder recordCoder) {
    List<FusedStages.Next> next = new ArrayList<>();
    next.add(new FusedStages.Next(Stage.CLEAN, CleanStage::logic));
    if (Derivation.any(spec)) {
      next.add(new FusedStages.Next(Stage.CLEAN, DeriveStage::logic));
    }
    if (Lookups.any(spec)) {
      next.add(new FusedStages.Next(Stage.CLEAN, LookupStage::logic));
    }
    next.add(new FusedStages.Next(Stage.VALIDATE, (s, r) -> ValidateStage.logic(s, r)));
    return new FusedStages<>(
        name, spec, runId, front, Stage.PARSE, ParseStage::logic, next, recordCoder, keepText, references);
  }

  /** Writes every sink and the dead letter to this run's staging folders (a spec without jdbc sinks). */
  public static void write(Outputs outputs, PipelineSpec spec, String runId) {
    write(outputs, spec, runId, JdbcRun.none(runId));
  }

  /**
   * Writes every sink and the dead letter to this run's staging folders, and jdbc sinks (and {@code
   * dead_letter.table}) to the staging tables {@code jdbc} prepared ({@link
   * dev.cauce.write.jdbc.JdbcPreflight}).
   */
  public static void write(Outputs outputs, PipelineSpec spec, String runId, JdbcRun jdbc) {
    List<SinkSpec> files = new ArrayList<>();
    for (SinkSpec sink : spec.sinks()) {
      if (sink.isJdbc()) {
        outputs.kept().apply("Write " + sink.name(), new WriteJdbc.Sink(spec, jdbc, sink.name()));
      } else {
        files.add(sink);
      }
    }
    if (!files.isEmpty()) {
      // every file sink in one step: each row is handed over once, whatever the number of sinks
      outputs.records().apply("Write files", new WriteSink("Write files", spec, files, runId));
    }
    outputs.rejections().apply("Dead letter", new WriteDeadLetter(spec, runId));
    if (outputs.warned() != null) {
      outputs.warned().apply("Warned records", WriteDeadLetter.warned(spec, runId));
    }
    if (outputs.dropped() != null) {
      outputs.dropped().apply("Dropped duplicates", WriteDeadLetter.lines(spec, spec.dedupe().dropped(), runId));
    }
    if (outputs.expectations() != null) {
      outputs.expectations().apply(new WriteExpectations(Layout.expectations(spec.output(), runId).toString()));
    }
    if (outputs.repairs() != null && DependencySpec.anyRepairs(spec.dependencies())) {
      outputs.repairs().apply(new WriteRepairs(spec.output(), runId));
    }
    if (jdbc.deadLetter().isPresent()) {
      outputs.rejections().apply("Dead letter table", new WriteJdbc.DeadLetter(jdbc));
    }
  }
}
