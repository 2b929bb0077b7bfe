package dev.cauce.replay;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.TestSpecs;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.dedupe.Deduplicate;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.write.Layout;
import dev.cauce.write.LiveRewrite;
import dev.cauce.write.RowCsv;
import dev.cauce.write.RowJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/** Replayed records against live keys read from live files, by key (Flink) and by bucket (Direct): the same decisions. */
@RunWith(Parameterized.class)
public class DedupeAgainstLiveTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  @Parameters(name = "{0}")
  public static List<Object[]> groupings() {
    return List.of(new Object[] {Deduplicate.Grouping.KEY}, new Object[] {Deduplicate.Grouping.BUCKET});
  }

  @Parameter(0)
  public Deduplicate.Grouping grouping;

  private static final PipelineSpec LATEST = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 3));
  private static final PipelineSpec FIRST = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.FIRST, null, 3));

  private static Row row(PipelineSpec spec, String id, Long updatedMillis) {
    return Row.withSchema(Schemas.typed(spec))
        .addValues(id, "n", new BigDecimal("1.50"), updatedMillis == null ? null : new Instant(updatedMillis)).build();
  }

  private static CauceRecord replayed(PipelineSpec spec, long line, String id, Long updatedMillis) {
    return new CauceRecord(SourceRecord.of("/dl/rejected.jsonl", line, "{}"), row(spec, id, updatedMillis));
  }

  /** Live files of {@code format} holding {@code rows}, two rows a file. */
  private List<String> liveFiles(PipelineSpec spec, SinkFormat format, List<Row> rows) throws IOException {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < rows.size(); i += 2) {
      List<String> lines = new ArrayList<>();
      if (format == SinkFormat.CSV) {
        lines.add(RowCsv.header(Schemas.typed(spec)));
      }
      for (Row r : rows.subList(i, Math.min(i + 2, rows.size()))) {
        lines.add(format == SinkFormat.CSV ? new RowCsv(Schemas.typed(spec)).format(r) : new RowJson(Schemas.typed(spec)).format(r));
      }
      Path f = tmp.getRoot().toPath().resolve("live-" + i + "." + format.specName());
      Files.write(f, lines);
      files.add(f.toString());
    }
    return files;
  }

  private PCollection<String> kept(PipelineSpec spec, List<CauceRecord> replay, SinkFormat format, List<String> files) {
    return p.apply(Create.of(replay).withCoder(Coders.cauceRecord(Schemas.typed(spec))))
        .apply(new DedupeAgainstLive(spec, grouping, new DedupeAgainstLive.Live("simple", format, files), "replay-1")).kept()
        .apply(MapElements.into(TypeDescriptors.strings()).via(r -> r.row().getString("id") + "@" + r.origin().line()));
  }

  /** 50 live keys k0..k49 at 1000, and the keys the tests compare against. */
  private static List<Row> live(PipelineSpec spec) {
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      rows.add(row(spec, "k" + k, 1000L));
    }
    rows.add(row(spec, "tie", 2000L));
    rows.add(row(spec, "nulls", null));
    rows.add(row(spec, "twice", 1000L)); // a key live twice: the later live record decides
    rows.add(row(spec, "twice", 3000L));
    return rows;
  }

  @Test
  public void latestCountsEveryReplayedRecordThatIsNotLaterThanTheLiveOneAsADuplicate() throws IOException {
    List<CauceRecord> replay = List.of(
        replayed(LATEST, 1, "k1", 500L), replayed(LATEST, 2, "tie", 2000L), replayed(LATEST, 3, "nulls", null),
        replayed(LATEST, 4, "twice", 2000L), replayed(LATEST, 5, "new", 9000L), replayed(LATEST, 6, "k7", null));
    PAssert.that(kept(LATEST, replay, SinkFormat.JSONL, liveFiles(LATEST, SinkFormat.JSONL, live(LATEST)))).containsInAnyOrder("new@5");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(5L));
  }

  @Test
  public void firstKeepsEveryLiveRecordWithLiveKeysReadFromCsv() throws IOException {
    List<CauceRecord> replay = List.of(
        replayed(FIRST, 1, "k1", 99_000L), replayed(FIRST, 2, "twice", null), replayed(FIRST, 3, "new", null),
        replayed(FIRST, 4, "other", 1000L));
    PAssert.that(kept(FIRST, replay, SinkFormat.CSV, liveFiles(FIRST, SinkFormat.CSV, live(FIRST)))).containsInAnyOrder("new@3", "other@4");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(2L));
  }

  @Test
  public void latestKeepsALaterReplayedRecordAndStagesEachLiveFileHoldingItsKeyWithoutIt() throws IOException {
    PipelineSpec spec = LATEST.withOverrides(null, tmp.getRoot().toPath().resolve("out").toString());
    // k1 (live-0 holds k0, k1): a copy with k0; twice (live-52 holds both records of it): nothing left, no copy
    List<CauceRecord> replay = List.of(replayed(spec, 1, "twice", 3001L), replayed(spec, 2, "new", 1L), replayed(spec, 3, "k1", 1001L));
    PAssert.that(kept(spec, replay, SinkFormat.JSONL, liveFiles(spec, SinkFormat.JSONL, live(spec))))
        .containsInAnyOrder("twice@1", "new@2", "k1@3");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(0L));
    assertThat(RunCounts.from(result.metrics()).replaced(), equalTo(2L));
    var staging = Layout.staging(spec.output(), "replay-1", "simple");
    assertThat(LiveRewrite.read(staging), equalTo(List.of(
        new LiveRewrite.Replaced("live-0.jsonl", "live-0.rreplay-1.jsonl", 1), new LiveRewrite.Replaced("live-52.jsonl", null, 2))));
    assertThat(Files.readAllLines(Path.of(staging.toString(), "live-0.rreplay-1.jsonl")),
        equalTo(List.of(new RowJson(Schemas.typed(spec)).format(row(spec, "k0", 1000L)))));
  }

  @Test
  public void noLiveFilesKeepsEveryReplayedRecord() {
    List<CauceRecord> replay = List.of(replayed(LATEST, 1, "k1", 500L), replayed(LATEST, 2, "k2", null));
    PAssert.that(kept(LATEST, replay, SinkFormat.PARQUET, List.of())).containsInAnyOrder("k1@1", "k2@2");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(0L));
  }
}
