package dev.cauce.orchestrate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import dev.cauce.state.LocalStateStore;
import dev.cauce.state.LockInfo;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class StatusTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Status as make runs it, with no $CAUCE_STATE_DIR (surefire sets one for the runs of other tests). */
  private String status(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      assertThat(Status.run(args, name -> null, o, o), equalTo(0));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  public void showsTheLatestRunsOfEveryPipelineNewestFirstAndWhoHoldsALock() {
    Path dir = tmp.getRoot().toPath();
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    try (LocalStateStore s = new LocalStateStore(dir)) {
      s.putRun(RunRecord.started("orders", "o1", t, "DirectRunner", "out/orders")
          .withProgress("done", Map.of("read", 157L, "rejected.parse", 13L, "rejected.validate", 20L, "written.orders", 116L), 10, t)
          .ended(RunStatus.SUCCEEDED, null, t.plusSeconds(16)));
      s.putRun(RunRecord.started("orders", "o2", t.plusSeconds(60), "DirectRunner", "out/orders").withDetail("skipped 3 already ingested input file(s)")
          .ended(RunStatus.SKIPPED, null, t.plusSeconds(61)));
      s.putRun(RunRecord.started("trips", "t1", t, "FlinkRunner", "out/trips").withStage("job", t));
      Instant now = Instant.now();
      s.acquireLock(new LockInfo("trips", "t1", "host-a", 77, now, now, 60_000));
    }
    String text = status("--stateStore=" + dir);
    assertThat(text, containsString("cauce status from the local state store " + dir));
    assertThat(text, containsString("orders       o1                         SUCCEEDED done       2024-05-01 10:00:00Z      16s      157      116       33"));
    assertThat(text, containsString("orders       o2                         SKIPPED   done"));
    assertThat(text, containsString("skipped 3 already ingested input file(s)"));
    assertThat("newest first", text.indexOf(" o2 "), lessThan(text.indexOf(" o1 ")));
    assertThat(text, containsString("trips        t1                         RUNNING   job"));
    assertThat(text, containsString("lock held by run t1 (pid 77 on host-a"));
    assertThat(status("--stateStore=" + dir, "--pipeline=trips").contains("orders"), equalTo(false));
  }

  /** The default store is the project's .cauce/state (as a run of its specs writes it), not the working directory's. */
  @Test
  public void theDefaultStoreIsTheProjects() throws java.io.IOException {
    Path project = tmp.newFolder("project").toPath();
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    try (LocalStateStore s = new LocalStateStore(project.resolve(".cauce/state"))) {
      s.putRun(RunRecord.started("orders", "p1", t, "DirectRunner", "out/orders").ended(RunStatus.SUCCEEDED, null, t.plusSeconds(2)));
    }
    String byBaseDir = status("--baseDir=" + project);
    assertThat(byBaseDir, containsString("cauce status from the local state store " + project.resolve(".cauce/state")));
    assertThat(byBaseDir, containsString("orders       p1                         SUCCEEDED"));
    assertThat(status("--spec=" + project.resolve("pipelines/orders.yaml")), containsString(" p1 "));
  }

  @Test
  public void anEmptyStoreSaysHowToFillIt() {
    assertThat(status("--stateStore=" + tmp.getRoot().toPath()), containsString("no runs recorded yet"));
  }
}
