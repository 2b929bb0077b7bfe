package dev.cauce;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.clean.CleanStage;
import dev.cauce.ingest.InputFiles;
import dev.cauce.model.CauceRecord;
import dev.cauce.coders.Coders;
import dev.cauce.model.Rejection;
import dev.cauce.beam.FusedStages;
import dev.cauce.coders.Schemas;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.beam.Staged;
import dev.cauce.metrics.RunCounts;
import dev.cauce.parse.ParseStage;
import dev.cauce.runner.RunnerProfile;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The job's record stages (one fused step) and the whole job before writing, with {@code
 * TestPipeline} + {@code PAssert}: what passes, what is rejected (stage, reasons, origin), and the counters.
 */
public class StagesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final PipelineSpec SPEC = SpecLoader.parse("""
      name: stages
      source: {path: in/*.jsonl, format: jsonl}
      schema:
        - {name: id, type: string, required: true}
        - {name: amount, type: decimal}
        - {name: qty, type: int}
      clean:
        fields:
          amount: [{strip: "[$]"}]
      validate:
        - {name: amount_positive, rule: range, field: amount, min: 0, min_inclusive: false}
        - {name: qty_small, rule: range, field: qty, max: 10, severity: warn}
        - {name: id_shape, rule: regex, field: id, pattern: "[a-z][0-9]"}
      dedupe: {key: [id]}
      """, "stages.yaml");

  private static SourceRecord src(long line, String text) {
    return SourceRecord.of("in/a.jsonl", line, text);
  }

  private static String describe(Rejection r) {
    return r.stage() + ":" + r.line() + ":" + String.join(",", r.errors().stream().map(v -> v.reason()).toList());
  }

  private static final List<SourceRecord> INPUT = List.of(
      src(1, "{\"id\":\"a1\",\"amount\":\"$5.50\",\"qty\":2}"),
      src(2, "{\"id\":\"a2\",\"amount\":"),
      src(3, "{\"id\":\"a3\",\"amount\":\"x\",\"qty\":\"1.5\"}"),
      src(4, "{\"id\":\"BAD\",\"amount\":\"-1\",\"qty\":20}"),
      src(5, "{\"amount\":\"1\"}"),
      src(6, "{\"id\":\"a6\",\"amount\":\"7\",\"qty\":11}"),
      src(7, "{\"id\":\"a1\",\"amount\":\"9\"}"));

  @Test
  public void parseCleanAndValidateRouteFailuresToRejections() {
    PCollection<SourceRecord> in = p.apply(Create.of(INPUT).withCoder(Coders.sourceRecord()));
    // the stages as the job runs them on records from an HTTP API or a replay
    Staged<CauceRecord> validated = in.apply(CauceJob.stages("Parse, clean, validate", SPEC, "r1", FusedStages.records()));

    PAssert.that(validated.rejections().apply("d", MapElements.into(TypeDescriptors.strings()).via(StagesTest::describe)))
        .containsInAnyOrder("parse:2:malformed_json", "clean:3:invalid_number,invalid_number",
            "validate:4:amount_positive,id_shape", "validate:5:id_required");
    PAssert.that(validated.output().apply("ids", MapElements.into(TypeDescriptors.strings())
            .via(r -> r.row().getString("id") + "@" + r.origin().line())))
        .containsInAnyOrder("a1@1", "a6@6", "a1@7");
    PAssert.that(validated.rejections()).satisfies(rs -> {
      List<Rejection> parsed = new ArrayList<>();
      rs.forEach(r -> {
        if (r.stage().equals("parse")) {
          parsed.add(r);
        }
      });
      assertThat(parsed.size(), equalTo(1));
      Rejection r = parsed.get(0);
      assertThat(r.runId(), equalTo("r1"));
      assertThat(r.pipeline(), equalTo("stages"));
      assertThat(r.source(), equalTo("in/a.jsonl"));
      assertThat(r.raw(), equalTo("{\"id\":\"a2\",\"amount\":"));
      return null;
    });

    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunCounts c = RunCounts.from(result.metrics());
    assertThat(c.rejectedByStage(), equalTo(Map.of("parse", 1L, "clean", 1L, "validate", 2L)));
    assertThat(c.violations("invalid_number"), equalTo(2L));
    // BAD (qty 20) is rejected, so only a6 (qty 11) counts: warnings are of records kept
    assertThat(c.warnings(), equalTo(Map.of("qty_small", 1L)));
  }

  @Test
  public void cleanTurnsEveryParsedRowIntoATypedRow() {
    // the job's fused step stopped after clean, to see the rows validation receives
    Staged<CauceRecord> cleaned =
        p.apply(Create.of(INPUT).withCoder(Coders.sourceRecord()))
            .apply(new FusedStages<>("Parse, clean", SPEC, "r1", FusedStages.records(), Stage.PARSE, ParseStage::logic,
                List.of(new FusedStages.Next(Stage.CLEAN, CleanStage::logic)), Coders.cauceRecord(Schemas.typed(SPEC))));

    PAssert.that(cleaned.output().apply("amounts", MapElements.into(TypeDescriptors.strings())
            .via(r -> r.row().getString("id") + "=" + r.row().getDecimal("amount").toPlainString())))
        .containsInAnyOrder("a1=5.50", "BAD=-1", "null=1", "a6=7", "a1=9");
    p.run().waitUntilFinish();
  }

  @Test
  public void theWholeJobKeepsOneRecordPerKeyAndFlattensEveryRejection() throws Exception {
    Path in = tmp.newFolder("in").toPath();
    Files.write(in.resolve("a.jsonl"), INPUT.stream().map(SourceRecord::text).toList());
    PipelineSpec spec = SPEC.withOverrides(in + "/*.jsonl", tmp.getRoot() + "/out");

    CauceOptions options = p.getOptions().as(CauceOptions.class);
    CauceJob.Outputs out = CauceJob.build(p, spec, "r2", CauceJob.Input.of(options, RunnerProfile.of(options)));

    PAssert.that(out.records()).containsInAnyOrder(
        Row.withSchema(Schemas.typed(spec)).addValues("a1", new BigDecimal("5.50"), 2).build(),
        Row.withSchema(Schemas.typed(spec)).addValues("a6", new BigDecimal("7"), 11).build());
    PAssert.that(out.rejections().apply(MapElements.into(TypeDescriptors.strings()).via(StagesTest::describe)))
        .containsInAnyOrder("parse:2:malformed_json", "clean:3:invalid_number,invalid_number",
            "validate:4:amount_positive,id_shape", "validate:5:id_required");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunCounts c = RunCounts.from(result.metrics());
    assertThat(c.read(), equalTo(7L));
    assertThat(c.duplicates(), equalTo(1L));
    assertThat(c.rejected(), equalTo(4L));
  }

  @Test
  public void listedFilesAreTheRecordsSourceTableThroughEveryStepAndSourcesStayTheirPaths() throws Exception {
    Path in = tmp.newFolder("in").toPath();
    Files.write(in.resolve("a.jsonl"), INPUT.stream().map(SourceRecord::text).toList());
    Files.write(in.resolve("b.jsonl"), List.of("{\"id\":\"a1\",\"amount\":\"3\"}", "{\"id\":\"b2\",\"amount\":\"-2\"}",
        "{\"id\":\"b3\",\"amount\":\"4\"}"));
    PipelineSpec spec = SPEC.withOverrides(in + "/*.jsonl", tmp.getRoot() + "/out");
    List<InputFiles.InputFile> files = InputFiles.match(spec.source().path());
    String a = in.resolve("a.jsonl").toString();
    String b = in.resolve("b.jsonl").toString();
    assertThat(files.stream().map(InputFiles.InputFile::path).toList(), equalTo(List.of(a, b)));

    CauceOptions options = p.getOptions().as(CauceOptions.class);
    CauceJob.Input input = CauceJob.Input.of(options, RunnerProfile.of(options)).withFiles(files);
    CauceJob.Outputs out = CauceJob.build(p, spec, "r3", input);

    // the stage step's coder carries the table, and dedupe hands the same coder on
    assertThat(out.kept().getCoder(), equalTo(Coders.cauceRecord(Schemas.typed(spec), List.of(a, b))));
    // a1 is in both files on line 1: the source order (a before b) keeps a's
    PAssert.that(out.kept().apply("origins", MapElements.into(TypeDescriptors.strings())
            .via(r -> r.row().getString("id") + "@" + r.origin().source() + ":" + r.origin().line())))
        .containsInAnyOrder("a1@" + a + ":1", "a6@" + a + ":6", "b3@" + b + ":3");
    PAssert.that(out.rejections().apply("rejected at", MapElements.into(TypeDescriptors.strings())
            .via(r -> r.source() + ":" + r.line())))
        .containsInAnyOrder(a + ":2", a + ":3", a + ":4", a + ":5", b + ":2");
    p.run().waitUntilFinish();
  }
}
