package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.ExitCode;
import dev.cauce.write.Layout;
import dev.cauce.write.LiveOutput;
import dev.cauce.write.Publisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A replay into a dataset whose spec has a dedupe key: the key decides between a replayed record
 * and the live record holding it (read from the live files through the commit), as dedupe does
 * within a run. Real runs; exact counts, the live rows as a multiset, the dead letter.
 */
public class ReplayDedupeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path out;

  /**
   * Publishes one run: ids 1, 2, 3 live (versions 1, 2, 1); rejected (negative amount): id 2
   * version 1, id 3 version 2, id 4 version 1.
   */
  private Path publish(String dedupe, String sinks) throws IOException {
    Path root = tmp.getRoot().toPath();
    Path in = Files.createDirectories(root.resolve("in"));
    out = root.resolve("out");
    Files.writeString(in.resolve("a.jsonl"), """
        {"id":"1","version":1,"amount":"10"}
        {"id":"2","version":2,"amount":"20"}
        {"id":"2","version":1,"amount":"-5"}
        {"id":"3","version":1,"amount":"30"}
        {"id":"3","version":2,"amount":"-7"}
        {"id":"4","version":1,"amount":"-4"}
        """);
    Path spec = root.resolve("redo.yaml");
    Files.writeString(spec, """
        name: redo
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: version, type: int}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        dedupe: %s
        sinks: [%s]
        """.formatted(in, dedupe, sinks));
    CauceRun first = CauceRun.run(out, "run-1", "--spec=" + spec);
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    assertThat(first.stdout, containsString("check: read 6 = written 3 + rejected 3 + duplicates 0  OK"));
    return spec;
  }

  private static final String TEXT_SINKS = "{name: redo, format: jsonl}, {name: redo_csv, format: csv}";

  /** The live dead letter's records whose raw id is in {@code ids}, each with its amount made positive. */
  private Path fixed(String name, Set<String> ids) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String f : LiveOutput.read(out.toString()).files("rejected")) {
      for (String line : Files.readAllLines(Path.of(f), StandardCharsets.UTF_8)) {
        ObjectNode r = (ObjectNode) JSON.readTree(line);
        ObjectNode raw = (ObjectNode) JSON.readTree(r.get("raw").asText());
        if (ids.contains(raw.get("id").asText())) {
          raw.put("amount", raw.get("amount").asText().replace("-", ""));
          r.put("raw", raw.toString());
          lines.add(r.toString());
        }
      }
    }
    assertThat(lines.size(), equalTo(ids.size()));
    Path file = tmp.getRoot().toPath().resolve(name);
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  /** A sink's live lines (CSV: one header), sorted. */
  private List<String> live(String sink) throws IOException {
    List<String> lines = new ArrayList<>(Publisher.readPublishedLines(Layout.published(out.toString(), sink).toString()));
    lines.sort(null);
    return lines;
  }

  /** The raw ids of the live dead letter (through the commit), sorted. */
  private List<String> deadLetterIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (String line : live("rejected")) {
      ids.add(JSON.readTree(JSON.readTree(line).get("raw").asText()).get("id").asText());
    }
    ids.sort(null);
    return ids;
  }

  private static final List<String> LIVE_JSONL = List.of(
      "{\"id\":\"1\",\"version\":1,\"amount\":10}",
      "{\"id\":\"2\",\"version\":2,\"amount\":20}",
      "{\"id\":\"3\",\"version\":1,\"amount\":30}");
  /** The live rows once id 3's version 2 replaced its version 1 and id 4 was added. */
  private static final List<String> REPLACED_JSONL = List.of(
      "{\"id\":\"1\",\"version\":1,\"amount\":10}",
      "{\"id\":\"2\",\"version\":2,\"amount\":20}",
      "{\"id\":\"3\",\"version\":2,\"amount\":7}",
      "{\"id\":\"4\",\"version\":1,\"amount\":4}");
  private static final List<String> LIVE_CSV = List.of("1,1,10", "2,2,20", "3,1,30", "id,version,amount");

  private static List<String> plus(List<String> a, String... more) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(more));
    all.sort(null);
    return all;
  }

  @Test
  public void keepFirstKeepsTheLiveRecordAndCountsTheReplayedOneAsADuplicate() throws IOException {
    Path spec = publish("{key: [id], keep: first}", TEXT_SINKS);
    assertThat(live("redo"), equalTo(LIVE_JSONL));
    assertThat(deadLetterIds(), equalTo(List.of("2", "3", "4")));

    CauceRun replay = CauceRun.run(out, "replay-1", "--spec=" + spec, "--replay=" + fixed("fix.jsonl", Set.of("2", "3", "4")));
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 3 = written 1 + rejected 0 + duplicates 2  OK"));
    assertThat(replay.count("written", "redo"), equalTo(1L));
    assertThat(replay.count("duplicates"), equalTo(2L));
    assertThat(live("redo"), equalTo(plus(LIVE_JSONL, "{\"id\":\"4\",\"version\":1,\"amount\":4}")));
    assertThat(live("redo_csv"), equalTo(plus(LIVE_CSV, "4,1,4")));
    assertThat("every replayed record left the dead letter", deadLetterIds(), equalTo(List.of()));
  }

  @Test
  public void keepLatestKeepsTheLiveRecordWhenTheReplayedOneIsNotLater() throws IOException {
    Path spec = publish("{key: [id], keep: latest, order_by: version}", TEXT_SINKS);

    // id 2: replayed version 1, live version 2; id 4: not live
    CauceRun replay = CauceRun.run(out, "replay-1", "--spec=" + spec, "--replay=" + fixed("fix.jsonl", Set.of("2", "4")));
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 2 = written 1 + rejected 0 + duplicates 1  OK"));
    assertThat(replay.count("duplicates"), equalTo(1L));
    assertThat(live("redo"), equalTo(plus(LIVE_JSONL, "{\"id\":\"4\",\"version\":1,\"amount\":4}")));
    assertThat(live("redo_csv"), equalTo(plus(LIVE_CSV, "4,1,4")));
    assertThat(deadLetterIds(), equalTo(List.of("3")));
  }

  @Test
  public void aReplayedRecordDroppedAgainstTheLiveOneIsListedInDedupeDroppedWithTheLiveRecordAsWinner() throws IOException {
    Path spec = publish("{key: [id], keep: latest, order_by: version, dropped: dupes}", TEXT_SINKS);
    assertThat("the first run dropped nothing", live("dupes"), equalTo(List.of()));

    // id 2: replayed version 1, live version 2: dropped, the live record won; id 4: not live, kept
    CauceRun replay = CauceRun.run(out, "replay-1", "--spec=" + spec, "--replay=" + fixed("fix.jsonl", Set.of("2", "4")));
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 2 = written 1 + rejected 0 + duplicates 1  OK"));
    List<String> dropped = live("dupes");
    assertThat("one line per duplicate", (long) dropped.size(), equalTo(replay.count("duplicates")));
    ObjectNode d = (ObjectNode) JSON.readTree(dropped.get(0));
    assertThat(d.get("run_id").asText() + " " + d.get("key").asText() + " " + d.get("order_by").asText() + " " + d.get("kept")
        + " " + d.get("record"), equalTo("replay-1 id=2 1 {\"live\":true,\"order_by\":\"2\"} {\"id\":\"2\",\"version\":1,\"amount\":5}"));
    assertThat(LiveOutput.read(out.toString()).commit().get().sink("dupes").get().records(), equalTo(1L));
  }

  @Test
  public void keepLatestReplacesTheLiveRecordWithALaterReplayedOneInEveryFileSink() throws IOException {
    Path spec = publish("{key: [id], keep: latest, order_by: version}", TEXT_SINKS + ", {name: redo_parquet, format: parquet}");

    // id 3: replayed version 2, live version 1: it replaces the live record; id 4: not live
    Path fix = fixed("fix.jsonl", Set.of("3", "4"));
    CauceRun replay = CauceRun.run(out, "replay-1", "--spec=" + spec, "--replay=" + fix);
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 2 = written 2 + rejected 0 + duplicates 0  OK"));
    assertThat(replay.stdout, containsString("       1  live record(s) replaced by later replayed ones"));
    assertThat(replay.count("replaced"), equalTo(1L));
    assertThat(replay.count("duplicates"), equalTo(0L));
    assertThat(live("redo"), equalTo(REPLACED_JSONL));
    assertThat(live("redo_csv"), equalTo(List.of("1,1,10", "2,2,20", "3,2,7", "4,1,4", "id,version,amount")));
    assertThat(parquetRows("redo_parquet"), equalTo(List.of("1/1/10", "2/2/20", "3/2/7", "4/1/4")));
    assertThat(deadLetterIds(), equalTo(List.of("2")));
    LiveOutput committed = LiveOutput.read(out.toString());
    for (String sink : List.of("redo", "redo_csv", "redo_parquet")) {
      assertThat(sink, committed.commit().get().sink(sink).get().records(), equalTo(4L));
      assertThat("the replaced live file left " + sink, Files.list(out.resolve(sink))
          .filter(f -> Layout.isDataFile(f.getFileName().toString())).count(), equalTo((long) committed.files(sink).size()));
    }
    assertThat(committed.ledger().stream().anyMatch(i -> i.path().endsWith("fix.jsonl")), equalTo(true));
    assertThat(Files.exists(out.resolve("_staging")) ? Files.list(out.resolve("_staging")).count() : 0L, equalTo(0L));

    // the same file again: already replayed; a later record again replaces the replayed one
    CauceRun again = CauceRun.run(out, "replay-2", "--spec=" + spec, "--replay=" + fix);
    assertThat(again.toString(), again.code, equalTo(ExitCode.OK));
    assertThat(again.stdout, containsString("already replayed"));
    assertThat(live("redo_csv"), equalTo(List.of("1,1,10", "2,2,20", "3,2,7", "4,1,4", "id,version,amount")));
  }

  /** Every sink's live rows (Parquet as id/version/amount) and the dead letter's raw ids. */
  private Map<String, List<String>> snapshot() throws IOException {
    return Map.of("redo", live("redo"), "redo_csv", live("redo_csv"), "redo_parquet", parquetRows("redo_parquet"),
        "rejected", deadLetterIds());
  }

  private static final Map<String, List<String>> REPLACED = Map.of("redo", REPLACED_JSONL,
      "redo_csv", List.of("1,1,10", "2,2,20", "3,2,7", "4,1,4", "id,version,amount"),
      "redo_parquet", List.of("1/1/10", "2/2/20", "3/2/7", "4/1/4"), "rejected", List.of("2"));

  /**
   * A replay that replaces id 3's live record, SIGKILLed at {@code step}: the live data is exactly
   * the previous (before the commit) or the replaced dataset (from it on), and a second replay of
   * the same file gives exactly the replaced dataset with nothing unlisted left.
   */
  private void killedReplayThatReplaces(String step, boolean committed) throws Exception {
    Path spec = publish("{key: [id], keep: latest, order_by: version}", TEXT_SINKS + ", {name: redo_parquet, format: parquet}");
    Map<String, List<String>> previous = snapshot();
    Path fix = fixed("fix.jsonl", Set.of("3", "4"));
    Path work = tmp.getRoot().toPath();
    try (CauceProcess killed = FaultSuite.start(work, spec, out, "replay-1", step, "--replay=" + fix)) {
      killed.awaitPause(step);
      killed.kill();
      assertThat(killed.exitCode(), equalTo(137));
    }
    assertThat("live after a kill at " + step, snapshot(), equalTo(committed ? REPLACED : previous));

    try (CauceProcess rerun = FaultSuite.run(work, spec, out, "replay-2", "--replay=" + fix)) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
      assertThat(rerun.stdout(), committed ? containsString("already replayed") : containsString("check: read 2 = written 2"));
    }
    assertThat(snapshot(), equalTo(REPLACED));
    for (String sink : List.of("redo", "redo_csv", "redo_parquet")) {
      assertThat(sink, FaultSuite.commit(out).sink(sink).get().records(), equalTo(4L));
    }
    FaultSuite.assertOnlyCommittedFiles(out);
  }

  @Test
  public void aReplayThatReplacesKilledAfterMovingEverythingLeavesThePreviousDataAndItsRerunReplacesOnce() throws Exception {
    killedReplayThatReplaces("publish:moved-all", false);
  }

  @Test
  public void aReplayThatReplacesKilledAfterItsCommitLeavesTheNewDataAndIsNotReplayedTwice() throws Exception {
    killedReplayThatReplaces("publish:committed", true);
  }

  @Test
  public void theLiveKeysAreReadFromAParquetSinkWhenItIsTheOnlyFileSink() throws IOException {
    Path spec = publish("{key: [id], keep: latest, order_by: version}", "{name: redo_parquet, format: parquet}");

    CauceRun replay = CauceRun.run(out, "replay-1", "--spec=" + spec, "--replay=" + fixed("fix.jsonl", Set.of("2", "4")));
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 2 = written 1 + rejected 0 + duplicates 1  OK"));
    assertThat(parquetRows("redo_parquet"), equalTo(List.of("1/1/10", "2/2/20", "3/1/30", "4/1/4")));
    assertThat(deadLetterIds(), equalTo(List.of("3")));

    CauceRun newer = CauceRun.run(out, "replay-2", "--spec=" + spec, "--replay=" + fixed("fix3.jsonl", Set.of("3")));
    assertThat(newer.toString(), newer.code, equalTo(ExitCode.OK));
    assertThat(newer.stdout, containsString("check: read 1 = written 1 + rejected 0 + duplicates 0  OK"));
    assertThat(parquetRows("redo_parquet"), equalTo(List.of("1/1/10", "2/2/20", "3/2/7", "4/1/4")));
  }

  @Test
  public void onEmbeddedFlinkTheKeyGroupedJoinDecidesTheSame() throws IOException {
    String[] flink = {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"};
    Path spec = publish("{key: [id], keep: latest, order_by: version}", TEXT_SINKS);

    CauceRun replay = CauceRun.run(out, "replay-1", args(spec, fixed("fix.jsonl", Set.of("2", "4")), flink));
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 2 = written 1 + rejected 0 + duplicates 1  OK"));
    assertThat(live("redo"), equalTo(plus(LIVE_JSONL, "{\"id\":\"4\",\"version\":1,\"amount\":4}")));
    assertThat(deadLetterIds(), equalTo(List.of("3")));

    CauceRun newer = CauceRun.run(out, "replay-2", args(spec, fixed("fix3.jsonl", Set.of("3")), flink));
    assertThat(newer.toString(), newer.code, equalTo(ExitCode.OK));
    assertThat(newer.stdout, containsString("       1  live record(s) replaced by later replayed ones"));
    assertThat(live("redo"), equalTo(REPLACED_JSONL));
    assertThat(deadLetterIds(), equalTo(List.of()));
  }

  private static String[] args(Path spec, Path replay, String... more) {
    List<String> all = new ArrayList<>(List.of("--spec=" + spec, "--replay=" + replay));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** A Parquet sink's live rows as id/version/amount, sorted. */
  private List<String> parquetRows(String sink) throws IOException {
    List<String> rows = new ArrayList<>();
    for (String f : LiveOutput.read(out.toString()).files(sink)) {
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(Path.of(f).toUri()), new Configuration())).build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          rows.add(r.get("id") + "/" + r.get("version") + "/" + r.get("amount"));
        }
      }
    }
    rows.sort(null);
    return rows;
  }
}
