package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import dev.cauce.state.LocalStateStore;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Progress reaches the state store while the job runs, and the final record matches the report.
 * The Direct runner reports its counters while it runs; Flink's batch run() blocks and reports
 * them at the end, so while it runs the store shows stage "job" and a moving heartbeat.
 */
public class OpsProgressTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final long DEADLINE_MS = 240_000;
  private static final int FILES = 4;
  private static final int PER_FILE = 6_000;

  /** What the test saw in the store while the run was going. */
  private record Seen(List<RunRecord> running, RunRecord last, CauceRun run) {}

  private Seen runAndWatch(String... runnerArgs) throws Exception {
    Path root = tmp.getRoot().toPath();
    Path spec = OpsTesting.spec(root, "busy", "overwrite", null);
    for (int f = 0; f < FILES; f++) {
      OpsTesting.input(root, "part-" + f, PER_FILE);
    }
    Path state = root.resolve("state");
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.addAll(List.of("--spec=" + spec, "--stateStore=" + state, "--progressSeconds=0.2"));
    CompletableFuture<CauceRun> job = CompletableFuture.supplyAsync(() -> CauceRun.run(root.resolve("out"), "busy-1", args.toArray(String[]::new)));

    List<RunRecord> running = new ArrayList<>();
    long deadline = System.currentTimeMillis() + DEADLINE_MS;
    try (LocalStateStore store = new LocalStateStore(state)) {
      while (!job.isDone()) {
        assertThat("the run should end within " + DEADLINE_MS / 1000 + "s", System.currentTimeMillis() < deadline, is(true));
        Optional<RunRecord> r = store.run("busy", "busy-1");
        if (r.isPresent() && r.get().status() == RunStatus.RUNNING
            && (running.isEmpty() || !running.get(running.size() - 1).equals(r.get()))) {
          running.add(r.get());
        }
        try {
          job.get(100, TimeUnit.MILLISECONDS); // a bounded wait between looks
        } catch (TimeoutException stillRunning) {
          // look again
        }
      }
      CauceRun run = job.get();
      assertThat("the run finished", run, notNullValue());
      return new Seen(running, store.run("busy", "busy-1").orElseThrow(), run);
    }
  }

  private static void finalRecordMatchesTheReport(Seen seen) throws Exception {
    assertThat(seen.run().toString(), seen.run().code, equalTo(ExitCode.OK));
    JsonNode c = seen.run().report().get("counts");
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("read", c.get("read").asLong());
    c.get("rejected_by_stage").fields().forEachRemaining(e -> expected.put("rejected." + e.getKey(), e.getValue().asLong()));
    expected.put("duplicates", c.get("duplicates").asLong());
    c.get("written").fields().forEachRemaining(e -> expected.put("written." + e.getKey(), e.getValue().asLong()));
    expected.put("dead_lettered", c.get("dead_lettered").asLong());
    RunRecord last = seen.last();
    assertThat(last.status(), equalTo(RunStatus.SUCCEEDED));
    assertThat(last.stage(), equalTo("done"));
    assertThat(last.counts(), equalTo(expected));
    assertThat(last.counts().get("read"), equalTo((long) FILES * PER_FILE));
    assertThat(last.report(), equalTo(seen.run().output.resolve("_runs/busy-1/run-report.json").toString()));
    assertThat(last.endedAt(), notNullValue());
  }

  @Test
  public void onTheDirectRunnerCountsReachTheStoreWhileTheJobRuns() throws Exception {
    Seen seen = runAndWatch("--runner=DirectRunner");
    List<RunRecord> withCounts = seen.running().stream().filter(r -> r.counts().getOrDefault("read", 0L) > 0).toList();
    assertThat("a RUNNING record with counts was seen: " + seen.running(), withCounts.size(), greaterThan(0));
    RunRecord mid = withCounts.get(0);
    assertThat(List.of("ingest", "parse", "clean", "validate", "dedupe", "write", "checking"), hasItem(mid.stage()));
    assertThat(mid.recordsPerSecond(), greaterThan(0.0));
    assertThat(seen.run().stderr, org.hamcrest.Matchers.containsString("cauce busy busy-1: "));
    finalRecordMatchesTheReport(seen);
  }

  @Test
  public void onEmbeddedFlinkTheStoreShowsTheJobRunningWithAHeartbeat() throws Exception {
    Seen seen = runAndWatch("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2");
    List<RunRecord> inJob = seen.running().stream().filter(r -> r.stage().equals("job")).toList();
    assertThat("a RUNNING record at stage job was seen: " + seen.running(), inJob.size(), greaterThan(0));
    assertThat("the heartbeat moves while the job runs",
        inJob.get(inJob.size() - 1).updatedAt().isAfter(seen.running().get(0).startedAt()), is(true));
    assertThat(seen.run().stderr, org.hamcrest.Matchers.containsString("job running"));
    finalRecordMatchesTheReport(seen);
  }
}
