package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import dev.cauce.state.LocalStateStore;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import dev.cauce.write.LiveOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Incremental ingestion, end to end: the ledger records a run's inputs only once it is published,
 * the next run reads only new files (or all of them when a sink overwrites), nothing new means no
 * job, and {@code --reprocess} reads everything again.
 */
public class OpsIncrementalTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private Path state;
  private Path out;

  @Before
  public void setUp() {
    root = tmp.getRoot().toPath();
    state = root.resolve("state");
    out = root.resolve("out");
  }

  private CauceRun run(Path spec, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("--spec=" + spec, "--stateStore=" + state));
    args.addAll(List.of(more));
    return CauceRun.run(out, runId, args.toArray(String[]::new));
  }

  private static List<String> inputsOf(CauceRun r) throws IOException {
    List<String> names = new ArrayList<>();
    r.report().get("inputs").forEach(i -> names.add(Path.of(i.get("path").asText()).getFileName().toString()));
    return names;
  }

  private RunRecord record(String pipeline, String runId) {
    try (LocalStateStore s = new LocalStateStore(state)) {
      return s.run(pipeline, runId).orElseThrow();
    }
  }

  @Test
  public void aSecondRunIngestsOnlyTheNewFileAThirdNothingAndReprocessEverything() throws IOException {
    Path spec = OpsTesting.spec(root, "events", "append", null);
    OpsTesting.input(root, "a", 10);
    OpsTesting.input(root, "b", 10);
    OpsTesting.input(root, "c", 10);

    CauceRun first = run(spec, "run-1");
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    assertThat(first.stdout, containsString("ingesting 3 input file(s), none ingested before"));
    assertThat(inputsOf(first), equalTo(List.of("a.jsonl", "b.jsonl", "c.jsonl")));
    assertThat(first.count("read"), equalTo(30L));

    OpsTesting.input(root, "d", 10);
    CauceRun second = run(spec, "run-2");
    assertThat(second.toString(), second.code, equalTo(ExitCode.OK));
    assertThat(second.stdout, containsString("ingesting 1 new input file(s); skipped 3 already ingested"));
    assertThat(inputsOf(second), equalTo(List.of("d.jsonl")));
    assertThat(second.count("read"), equalTo(10L));
    JsonNode ingestion = second.report().get("ingestion");
    assertThat(ingestion.get("matched").asInt(), equalTo(4));
    assertThat(ingestion.get("skipped").asInt(), equalTo(3));
    assertThat("append: the dataset holds both runs", CauceRun.published(out.resolve("events")).size(), equalTo(36));

    CauceRun third = run(spec, "run-3");
    assertThat(third.toString(), third.code, equalTo(ExitCode.OK));
    assertThat(third.stdout, containsString("nothing new to ingest: all 4 input file(s)"));
    assertThat(third.stdout, containsString("skipped 4 file(s), the job did not run"));
    assertThat("no job, no report", Files.exists(out.resolve("_runs/run-3/run-report.json")), equalTo(false));
    assertThat(record("events", "run-3").status(), equalTo(RunStatus.SKIPPED));

    CauceRun again = run(spec, "run-4", "--reprocess");
    assertThat(again.toString(), again.code, equalTo(ExitCode.OK));
    assertThat(again.stdout, containsString("--reprocess: reading all 4 input file(s), 4 of them ingested before"));
    assertThat(again.count("read"), equalTo(40L));

    Files.writeString(root.resolve("in/a.jsonl"), "{\"id\":\"a-new\",\"amount\":\"1\"}\n");
    CauceRun changed = run(spec, "run-5");
    assertThat("a file whose size or time changed is new again", inputsOf(changed), equalTo(List.of("a.jsonl")));
  }

  @Test
  public void withAnOverwriteSinkANewFileMeansReadingEveryInputAgain() throws IOException {
    Path spec = OpsTesting.spec(root, "snap", "overwrite", null);
    OpsTesting.input(root, "a", 10);
    assertThat(run(spec, "run-1").code, equalTo(ExitCode.OK));
    OpsTesting.input(root, "b", 10);
    CauceRun second = run(spec, "run-2");
    assertThat(second.toString(), second.code, equalTo(ExitCode.OK));
    assertThat(second.stdout, containsString("1 new input file(s), 1 ingested before: reading all 2 because sink snap is mode: overwrite"));
    assertThat(inputsOf(second), equalTo(List.of("a.jsonl", "b.jsonl")));
    assertThat("the published dataset still holds every input", CauceRun.published(out.resolve("snap")).size(), equalTo(18));
  }

  @Test
  public void aRunThatWroteButDidNotPublishLeavesItsInputsToTheNextRun() throws IOException {
    Path spec = OpsTesting.spec(root, "events", "append", null);
    OpsTesting.input(root, "a", 10);
    OpsTesting.input(root, "b", 10);
    // a file where the sink's published folder must go: the job writes its staging, publishing fails
    Files.createDirectories(out);
    Files.writeString(out.resolve("events"), "in the way");
    CauceRun failed = run(spec, "run-1");
    assertThat(failed.toString(), failed.code, equalTo(ExitCode.FAILED));
    assertThat(failed.stderr, containsString("publishing failed"));
    assertThat("the job did write its staging", Files.isDirectory(out.resolve("_staging/run-1/events")), equalTo(true));
    assertThat(record("events", "run-1").status(), equalTo(RunStatus.FAILED));
    assertThat("nothing recorded as ingested", LiveOutput.read(out.toString()).ledger().size(), equalTo(0));

    Files.delete(out.resolve("events"));
    CauceRun next = run(spec, "run-2");
    assertThat(next.toString(), next.code, equalTo(ExitCode.OK));
    assertThat(next.stdout, containsString("ingesting 2 input file(s), none ingested before"));
    assertThat(next.count("read"), equalTo(20L));
    assertThat(LiveOutput.read(out.toString()).ledger().size(), equalTo(2));
  }

  @Test
  public void aFreshOutputFolderHasItsOwnLedger() throws IOException {
    Path spec = OpsTesting.spec(root, "events", "append", null);
    OpsTesting.input(root, "a", 5);
    assertThat(run(spec, "run-1").code, equalTo(ExitCode.OK));
    CauceRun elsewhere = CauceRun.run(root.resolve("out2"), "run-2", "--spec=" + spec, "--stateStore=" + state);
    assertThat(elsewhere.toString(), elsewhere.code, equalTo(ExitCode.OK));
    assertThat(elsewhere.count("read"), equalTo(5L));
  }

  @Test
  public void withTheRedisStoreTheRunLivesInRedisAndTheLedgerInTheOutputsCommit() throws IOException {
    String prefix = "cauce-test-" + java.util.UUID.randomUUID() + ":";
    try (dev.cauce.state.RedisStateStore redis = dev.cauce.state.RedisTesting.open(prefix)) {
      try {
        Path spec = OpsTesting.spec(root, "events", "append", null);
        OpsTesting.input(root, "a", 10);
        String uri = dev.cauce.state.RedisTesting.uri(prefix);
        CauceRun first = CauceRun.run(out, "run-1", "--spec=" + spec, "--stateStore=" + uri);
        assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
        RunRecord r = redis.run("events", "run-1").orElseThrow();
        assertThat(r.status(), equalTo(RunStatus.SUCCEEDED));
        assertThat(r.counts().get("read"), equalTo(10L));
        assertThat(LiveOutput.read(out.toString()).ledger().stream().map(i -> i.path()).toList(),
            equalTo(java.util.List.of(root.resolve("in/a.jsonl").toString())));
        CauceRun second = CauceRun.run(out, "run-2", "--spec=" + spec, "--stateStore=" + uri);
        assertThat(second.code, equalTo(ExitCode.OK));
        assertThat(redis.run("events", "run-2").orElseThrow().status(), equalTo(RunStatus.SKIPPED));
        assertThat(redis.lock("events").isPresent(), equalTo(false));
      } finally {
        redis.deleteAll();
      }
    }
  }
}
