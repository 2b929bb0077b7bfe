package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;

import dev.cauce.ExitCode;
import dev.cauce.state.Hosts;
import dev.cauce.state.LocalStateStore;
import dev.cauce.state.LockInfo;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The pipeline lock seen from the command line, and each run's own log. */
public class OpsLockAndLogTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private Path state;
  private Path spec;

  @Before
  public void setUp() throws IOException {
    root = tmp.getRoot().toPath();
    state = root.resolve("state");
    spec = OpsTesting.spec(root, "events", "append", null);
    OpsTesting.input(root, "a", 20);
  }

  private CauceRun run(String runId, String... more) {
    String[] args = new String[more.length + 2];
    args[0] = "--spec=" + spec;
    args[1] = "--stateStore=" + state;
    System.arraycopy(more, 0, args, 2, more.length);
    return CauceRun.run(root.resolve("out"), runId, args);
  }

  @Test
  public void aSecondRunWhileOneIsAliveFailsBeforeTheJobNamingTheHolder() {
    Instant now = Instant.now();
    try (LocalStateStore store = new LocalStateStore(state)) {
      store.acquireLock(new LockInfo("events", "other-run", Hosts.name(), ProcessHandle.current().pid(), now, now, 60_000));
      CauceRun second = run("run-2");
      assertThat(second.toString(), second.code, equalTo(ExitCode.USAGE));
      assertThat(second.stderr, containsString("pipeline events is already running: run other-run (pid " + ProcessHandle.current().pid()));
      assertThat(Files.exists(root.resolve("out/_staging/run-2")), equalTo(false));
      assertThat("the holder keeps its lock", store.lock("events").orElseThrow().runId(), equalTo("other-run"));
      store.releaseLock("events", "other-run");
    }
    assertThat(run("run-3").code, equalTo(ExitCode.OK));
    try (LocalStateStore store = new LocalStateStore(state)) {
      assertThat("released at the end", store.lock("events").isPresent(), equalTo(false));
    }
  }

  @Test
  public void aStaleLockIsTakenOverWithAWarningAndItsRunMarkedFailed() {
    Instant long_ago = Instant.now().minus(Duration.ofMinutes(30));
    try (LocalStateStore store = new LocalStateStore(state)) {
      store.putRun(RunRecord.started("events", "dead-run", long_ago, "DirectRunner", "out"));
      store.acquireLock(new LockInfo("events", "dead-run", "elsewhere", 1, long_ago, long_ago, 60_000));
    }
    CauceRun next = run("run-2");
    assertThat(next.toString(), next.code, equalTo(ExitCode.OK));
    assertThat(next.stderr, containsString("warning: took over the stale lock of pipeline events from run dead-run (pid 1 on elsewhere"));
    assertThat(next.stderr, containsString("s ago): no heartbeat within 60s, its run is presumed dead"));
    try (LocalStateStore store = new LocalStateStore(state)) {
      RunRecord dead = store.run("events", "dead-run").orElseThrow();
      assertThat(dead.status(), equalTo(RunStatus.FAILED));
      assertThat(dead.error(), containsString("abandoned"));
    }
  }

  @Test
  public void theLockOfACrashedProcessOnThisHostIsTakenOverAtOnceNamingThePid() throws Exception {
    Instant now = Instant.now();
    Process crashed = new ProcessBuilder("true").start();
    long pid = crashed.pid();
    try (LocalStateStore store = new LocalStateStore(state)) {
      store.putRun(RunRecord.started("events", "crashed-run", now, "DirectRunner", "out"));
      store.acquireLock(new LockInfo("events", "crashed-run", Hosts.name(), pid, now, now, 3_600_000));
    }
    assertThat(crashed.waitFor(), equalTo(0));
    CauceRun next = run("run-2");
    assertThat(next.toString(), next.code, equalTo(ExitCode.OK));
    assertThat(next.stderr, containsString("warning: took over the stale lock of pipeline events from run crashed-run (pid " + pid
        + " on " + Hosts.name()));
    assertThat(next.stderr, containsString("s ago): its process " + pid + " is no longer running on this host (" + Hosts.name()
        + "), so run crashed-run ended without releasing it"));
    try (LocalStateStore store = new LocalStateStore(state)) {
      RunRecord dead = store.run("events", "crashed-run").orElseThrow();
      assertThat(dead.status(), equalTo(RunStatus.FAILED));
      assertThat(dead.error(), containsString("abandoned"));
    }
  }

  @Test
  public void everyLineOfTheRunLogCarriesTheRunAndPipelineAndLogLevelApplies() throws IOException {
    CauceRun info = run("run-1");
    assertThat(info.toString(), info.code, equalTo(ExitCode.OK));
    Path log = root.resolve("out/_runs/run-1/run.log");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines.size(), greaterThan(2));
    for (String l : lines) {
      assertThat(l, containsString("[run=run-1 pipeline=events]"));
    }
    assertThat(String.join("\n", lines), containsString("INFO "));
    assertThat(String.join("\n", lines), containsString("published 1 file(s) of run run-1"));

    OpsTesting.input(root, "b", 5);
    CauceRun quiet = run("run-2", "--logLevel=ERROR");
    assertThat(quiet.toString(), quiet.code, equalTo(ExitCode.OK));
    String quietLog = Files.readString(root.resolve("out/_runs/run-2/run.log"));
    assertThat(quietLog, not(containsString("INFO ")));
    assertThat("the previous run's log is its own", Files.readString(log), not(containsString("run-2")));

    CauceRun bad = run("run-3", "--logLevel=LOUD");
    assertThat(bad.code, equalTo(ExitCode.USAGE));
    assertThat(bad.stderr, containsString("--logLevel: unknown level \"LOUD\"; allowed: ERROR, WARN, INFO, DEBUG"));
  }

  @Test
  public void badOperatingOptionsFailBeforeTheJobSayingWhatIsAllowed() {
    CauceRun store = run("run-1", "--stateStore=ftp://x/y");
    assertThat(store.code, equalTo(ExitCode.USAGE));
    assertThat(store.stderr, containsString("unsupported state store \"ftp://x/y\"; allowed: local"));
    CauceRun ratio = run("run-2", "--alertRejectedRatio=2");
    assertThat(ratio.code, equalTo(ExitCode.USAGE));
    assertThat(ratio.stderr, containsString("--alertRejectedRatio must be a ratio between 0 and 1"));
    CauceRun hook = run("run-3", "--alertWebhook=mailto:ops@example.com");
    assertThat(hook.code, equalTo(ExitCode.USAGE));
    assertThat(hook.stderr, containsString("--alertWebhook must be an http:// or https:// URL"));
  }
}
