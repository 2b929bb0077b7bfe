package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Staging, the quality gate and publishing, seen from outside: what a user finds on disk. */
public class PublishAndGateTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path spec;
  private Path good;
  private Path dirty;
  private Path out;

  private void setUp() throws IOException {
    Path root = tmp.getRoot().toPath();
    good = tmp.newFolder("good").toPath();
    dirty = tmp.newFolder("dirty").toPath();
    out = root.resolve("out");
    Files.writeString(good.resolve("a.jsonl"), """
        {"id":"1","amount":"10.00"}
        {"id":"2","amount":"20.50"}
        {"id":"2","amount":"20.50"}
        {"id":"3","amount":"-1"}
        """);
    Files.writeString(dirty.resolve("b.jsonl"), """
        {"id":"7","amount":"70"}
        {"id":"8","amount":"x"}
        not json
        """);
    spec = root.resolve("gate.yaml");
    Files.writeString(spec, """
        name: gate
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0, min_inclusive: false}
        dedupe: {key: [id]}
        sinks:
          - {name: gate, format: jsonl}
          - {name: gate_csv, format: csv}
        quality:
          max_rejected_ratio: 0.5
        """.formatted(good));
  }

  @Test
  public void aRefusedRunLeavesThePublishedOutputUntouchedAndARerunGivesTheSameOutput() throws IOException {
    setUp();
    CauceRun first = CauceRun.run(out, "run-1", "--spec=" + spec);
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    assertThat(first.stdout, containsString("check: read 4 = written 2 + rejected 1 + duplicates 1  OK"));
    Map<String, String> publishedAfterFirst = snapshot(out, "gate", "gate_csv", "rejected");
    assertThat(CauceRun.published(out.resolve("gate")).size(), equalTo(2));

    CauceRun refused = CauceRun.run(out, "run-2", "--spec=" + spec, "--input=" + dirty + "/*.jsonl");
    assertThat(refused.toString(), refused.code, equalTo(ExitCode.REFUSED));
    assertThat(refused.stdout, containsString("REFUSED"));
    assertThat(refused.stdout, containsString("rejected 2 of 3 records (66.67%), over max_rejected_ratio 50.00% by 16.67%"));
    JsonNode report = refused.report();
    assertThat(report.get("status").asText(), equalTo("REFUSED"));
    assertThat(report.get("exit_code").asInt(), equalTo(3));
    assertThat(report.get("quality_gate").get("breaches").get(0).get("limit").asText(), equalTo("max_rejected_ratio"));
    assertThat(snapshot(out, "gate", "gate_csv", "rejected"), equalTo(publishedAfterFirst));
    assertThat("staging is kept for debugging", Files.isDirectory(out.resolve("_staging").resolve("run-2")), equalTo(true));

    // the same inputs were ingested by run-1: without --reprocess the ledger would skip them all
    CauceRun rerun = CauceRun.run(out, "run-3", "--spec=" + spec, "--reprocess");
    assertThat(rerun.toString(), rerun.code, equalTo(ExitCode.OK));
    assertThat(sorted(CauceRun.published(out.resolve("gate"))), equalTo(sorted(List.copyOf(contentOf(publishedAfterFirst, "gate")))));
    assertThat(sorted(CauceRun.published(out.resolve("gate_csv"))), equalTo(sorted(List.copyOf(contentOf(publishedAfterFirst, "gate_csv")))));
    assertThat("only the re-run's files remain", Files.list(out.resolve("gate")).filter(f -> f.getFileName().toString().startsWith("run-1")).count(), equalTo(0L));
    assertThat(Files.exists(out.resolve("_staging").resolve("run-3")), equalTo(false));
  }

  @Test
  public void fixedDeadLetterRecordsCanBeReplayed() throws IOException {
    setUp();
    CauceRun first = CauceRun.run(out, "run-1", "--spec=" + spec);
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    List<String> dead = CauceRun.published(out.resolve("rejected"));
    assertThat(dead.size(), equalTo(1));
    Path fixed = tmp.getRoot().toPath().resolve("fixed.jsonl");
    Files.writeString(fixed, dead.get(0).replace("\\\"amount\\\":\\\"-1\\\"", "\\\"amount\\\":\\\"1\\\"") + "\n");

    Path replayOut = tmp.getRoot().toPath().resolve("replay-out");
    CauceRun replay = CauceRun.run(replayOut, "replay-1", "--spec=" + spec, "--replay=" + fixed);
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    List<String> written = CauceRun.published(replayOut.resolve("gate"));
    assertThat(written, equalTo(List.of("{\"id\":\"3\",\"amount\":1}")));
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  private static List<String> contentOf(Map<String, String> snapshot, String dataset) {
    return snapshot.entrySet().stream()
        .filter(e -> e.getKey().startsWith(dataset + "/") && !e.getKey().endsWith("_MANIFEST.json"))
        .flatMap(e -> e.getValue().lines().filter(l -> !l.isEmpty()))
        .toList();
  }

  /** Every file of the published folders, by relative path, with its content. */
  private static Map<String, String> snapshot(Path out, String... datasets) throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (String d : datasets) {
      try (Stream<Path> files = Files.list(out.resolve(d))) {
        for (Path f : files.toList()) {
          m.put(d + "/" + f.getFileName(), Files.readString(f));
        }
      }
    }
    return m;
  }
}
