package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.e2e.FaultSuite.Live;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * A clean stop: cauce in a JVM of its own, paused at a fault point, gets SIGTERM ({@link
 * Process#destroy}). It cancels the job, publishes nothing, keeps its staging, writes its report and
 * run record as CANCELLED, releases its lock and exits 143 with one line; a signal during the commit
 * lets the commit end.
 */
public class CleanStopTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300); // a safety net: the tests wait on pause lines and exits

  /** The run's report, its record in the local state store, and whether its lock file is still there. */
  private static JsonNode report(Path out, String runId) throws Exception {
    return JSON.readTree(out.resolve("_runs").resolve(runId).resolve("run-report.json").toFile());
  }

  private static JsonNode record(Path out, String runId) throws Exception {
    return JSON.readTree(state(out).resolve("runs").resolve(FaultSuite.PIPELINE).resolve(runId + ".json").toFile());
  }

  private static Path state(Path out) {
    return out.resolveSibling(out.getFileName() + "-state");
  }

  private static void assertCancelled(Path out, String runId, Live previous, String signal, int exit) throws Exception {
    JsonNode report = report(out, runId);
    assertThat(report.toString(), report.get("status").asText(), equalTo("CANCELLED"));
    assertThat(report.get("exit_code").asInt(), equalTo(exit));
    assertThat(report.at("/outputs/staging_kept").asText(), equalTo(out + "/_staging/" + runId + "/"));
    JsonNode record = record(out, runId);
    assertThat(record.toString(), record.get("status").asText(), equalTo("CANCELLED"));
    assertThat(record.get("error").asText(), equalTo("cancelled by " + signal));
    assertThat("lock released", Files.exists(state(out).resolve("locks").resolve(FaultSuite.PIPELINE + ".json")), equalTo(false));
    assertThat(FaultSuite.live(out), equalTo(previous));
  }

  /** The next run starts at once (no lock to wait for or take over) and publishes the reference. */
  private static long rerun(Path work, Path spec, Path out, Live reference) throws Exception {
    long t0 = System.nanoTime();
    try (CauceProcess next = FaultSuite.run(work, spec, out, "run-3")) {
      assertThat(FaultSuite.describe(next), next.exitCode(), equalTo(0));
      assertThat(next.stderr(), not(containsString("took over")));
      assertThat(next.stderr(), not(containsString("already running")));
    }
    assertThat(FaultSuite.live(out), equalTo(reference));
    return FaultSuite.millisSince(t0);
  }

  /**
   * Starts run-2 over the previous output paused at {@code step}, sends SIGTERM and checks the clean
   * stop: exit 143, the one line, report and record CANCELLED, the lock released, live data unchanged
   * and a next run that starts at once. Returns the milliseconds from the signal to the exit, and the next run's.
   */
  private long[] stoppedAt(String step, String... more) throws Exception {
    FaultSuite.Prepared o = FaultSuite.overwriteOutput(tmp.getRoot().toPath());
    Path out = o.out();
    long stopMillis;
    try (CauceProcess p = FaultSuite.start(o.work(), o.spec(), out, "run-2", step, more)) {
      p.awaitPause(step);
      long t0 = System.nanoTime();
      p.terminate();
      assertThat(FaultSuite.describe(p), p.exitCode(), equalTo(143));
      stopMillis = FaultSuite.millisSince(t0);
      assertCancelled(out, "run-2", o.previous(), "SIGTERM", 143);
      assertThat(p.stderr(), containsString("\ncauce: run run-2 cancelled by SIGTERM: nothing published; staging kept in "
          + out + "/_staging/run-2/\n"));
      assertThat(p.stderr(), not(containsString("FAILED")));
      if (more.length > 0) {
        assertThat(p.stderr(), containsString("cauce: run run-2 did not stop within 2 s of SIGTERM: ended it from the shutdown hook"));
      }
    }
    return new long[] {stopMillis, rerun(o.work(), o.spec(), out, o.reference())};
  }

  @Test
  public void sigtermMidJobCancelsTheRunKeepsStagingAndReleasesTheLock() throws Exception {
    long[] millis = stoppedAt("read:opened"); // a reader thread of the job waits: the job cannot end by itself
    assertThat("stopped within 20 s", millis[0], lessThan(20_000L));
    FaultSuite.shared().figure("SIGTERM mid-job (reader paused at read:opened): exit 143 in %d ms, report and record CANCELLED,"
        + " lock released, live 90/10 unchanged; the next run exit 0 in %d ms with no lock take-over: 180/20 = reference", millis[0],
        millis[1]);
  }

  @Test
  public void ctrlCMidJobCancelsTheRunWithExit130() throws Exception {
    FaultSuite.Prepared o = FaultSuite.overwriteOutput(tmp.getRoot().toPath());
    Path out = o.out();
    String step = "read:opened";
    try (CauceProcess p = FaultSuite.start(o.work(), o.spec(), out, "run-2", step)) {
      p.awaitPause(step);
      p.interrupt();
      assertThat(FaultSuite.describe(p), p.exitCode(), equalTo(130));
      assertCancelled(out, "run-2", o.previous(), "SIGINT", 130);
      assertThat(p.stderr(), containsString("\ncauce: run run-2 cancelled by SIGINT: nothing published; staging kept in "
          + out + "/_staging/run-2/\n"));
    }
    assertThat(FaultSuite.live(out), equalTo(o.previous()));
  }

  @Test
  public void sigtermWhileTheDriverIsStuckEndsTheRunAfterTheStopTimeout() throws Exception {
    // the driver's own thread waits at job:running: it never comes back to end the run
    long[] millis = stoppedAt("job:running", "--stopTimeoutSeconds=2");
    assertThat("halted after the 2 s stop timeout", millis[0], lessThan(15_000L));
    assertThat("waited the 2 s stop timeout", millis[0] >= 2_000L, equalTo(true));
    FaultSuite.shared().figure("SIGTERM with the driver stuck (paused at job:running), --stopTimeoutSeconds=2: exit 143 in %d ms,"
        + " report and record CANCELLED, lock released, live unchanged; the next run exit 0 in %d ms", millis[0], millis[1]);
  }

  @Test
  public void sigtermDuringTheCommitLetsTheCommitEnd() throws Exception {
    FaultSuite.Prepared o = FaultSuite.overwriteOutput(tmp.getRoot().toPath());
    Path out = o.out();
    String step = "publish:moved-all"; // every file moved into place, the commit not yet replaced
    try (CauceProcess p = FaultSuite.start(o.work(), o.spec(), out, "run-2", step)) {
      p.awaitPause(step);
      p.terminate();
      p.awaitLine("cauce: SIGTERM during the commit of run run-2: the commit ends first");
      p.resume(); // the hook waits for the commit: it is not interrupted
      assertThat(FaultSuite.describe(p), p.exitCode(), equalTo(143));
      assertThat(p.stderr(), not(containsString("cancelled by")));
    }
    assertThat(report(out, "run-2").get("status").asText(), equalTo("SUCCEEDED"));
    assertThat(record(out, "run-2").get("status").asText(), equalTo("SUCCEEDED"));
    assertThat("lock released", Files.exists(state(out).resolve("locks").resolve(FaultSuite.PIPELINE + ".json")), equalTo(false));
    assertThat(FaultSuite.live(out), equalTo(o.reference()));
    FaultSuite.assertOnlyCommittedFiles(out);
    o.ws().figure("SIGTERM during the commit (paused at %s, then resumed): the commit ended, report and record SUCCEEDED,"
        + " live 180/20 = reference, exit 143", step);
  }
}
