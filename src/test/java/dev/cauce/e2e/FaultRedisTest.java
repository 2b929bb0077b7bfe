package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import dev.cauce.e2e.FaultSuite.Live;
import java.nio.file.Path;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Fault suite, the state store: cauce (its own JVM) keeps its lock in a Redis of the test's own
 * ({@link PrivateRedis}, no persistence) that is killed, or restarted empty, while a run is paused
 * at {@code job:running}. A run that cannot prove it still holds its lock publishes nothing and
 * exits 1; a run that took the lock meanwhile publishes exactly its result; and an append sink
 * reads nothing twice after Redis lost everything, because the ledger lives in the output.
 */
public class FaultRedisTest {
  private static PrivateRedis redis;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300); // a safety net: the tests wait on pause lines and exits

  @BeforeClass
  public static void startRedis() throws Exception {
    redis = PrivateRedis.start();
  }

  @AfterClass
  public static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  /** Each test starts with its Redis running and empty. */
  private static String store() throws Exception {
    if (redis.pid() < 0) {
      redis.startAgain();
    } else {
      redis.kill();
      redis.startAgain();
    }
    return "--stateStore=redis://127.0.0.1:" + redis.port() + "/0";
  }

  @Test
  public void redisKilledDuringTheRunFailsItAndNothingIsPublished() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("overwrite");
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    Live previous = ws.previousInto("overwrite", out);
    String store = store();

    long t0 = System.nanoTime();
    try (CauceProcess a = FaultSuite.start(work, ws.spec("overwrite"), out, "run-a", "job:running", store)) {
      a.awaitPause("job:running");
      redis.kill();
      a.resume();
      assertThat(FaultSuite.describe(a), a.exitCode(), equalTo(1));
      assertThat(a.stderr(), containsString("cauce: run run-a FAILED: cannot prove this run still holds the lock of pipeline faults:"
          + " cannot reach the Redis state store redis://127.0.0.1:" + redis.port() + "/0"));
      assertThat(a.stderr(), containsString("Nothing was published."));
    }
    long failedMillis = FaultSuite.millisSince(t0);
    assertThat(FaultSuite.live(out), equalTo(previous));

    redis.startAgain();
    long t1 = System.nanoTime();
    try (CauceProcess rerun = FaultSuite.run(work, ws.spec("overwrite"), out, "run-b", store)) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
    }
    assertThat(FaultSuite.live(out), equalTo(reference));
    FaultSuite.assertOnlyCommittedFiles(out, "run-a");
    ws.figure("Redis killed while run A was paused at job:running: A exit 1 in %d ms (cannot prove its lock), live 90/10"
        + " unchanged; Redis back (empty), re-run exit 0 in %d ms: 180/20 = reference", failedMillis, FaultSuite.millisSince(t1));
  }

  @Test
  public void redisRestartedEmptyDuringRunALetsRunBTakeTheLockAndAPublishesNothing() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("overwrite");
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    ws.previousInto("overwrite", out);
    String store = store();

    try (CauceProcess a = FaultSuite.start(work, ws.spec("overwrite"), out, "run-a", "job:running", store)) {
      a.awaitPause("job:running");
      redis.kill();
      redis.startAgain(); // empty: run A's lock and the last fencing token are gone
      long t0 = System.nanoTime();
      try (CauceProcess b = FaultSuite.run(work, ws.spec("overwrite"), out, "run-b", store)) {
        assertThat(FaultSuite.describe(b), b.exitCode(), equalTo(0));
      }
      long bMillis = FaultSuite.millisSince(t0);
      assertThat(FaultSuite.live(out), equalTo(reference));
      assertThat(FaultSuite.commit(out).runId(), equalTo("run-b"));

      a.resume();
      assertThat(FaultSuite.describe(a), a.exitCode(), equalTo(1));
      assertThat(a.stderr(), containsString("cauce: run run-a FAILED: cannot prove this run still holds the lock of pipeline faults: "));
      ws.figure("Redis restarted empty while run A was paused at job:running: run B exit 0 in %d ms (180/20 = reference);"
          + " A resumed: exit 1, nothing published; live = B's commit", bMillis);
    }
    assertThat(FaultSuite.live(out), equalTo(reference));
    assertThat(FaultSuite.commit(out).runId(), equalTo("run-b"));
    FaultSuite.assertOnlyCommittedFiles(out, "run-a");
  }

  @Test
  public void anAppendSinkReadsNothingTwiceAfterRedisLostEverything() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("append");
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    ws.previousInto("append", out);
    String store = store();

    CauceRun first = CauceRun.run(out, "run-1", "--spec=" + ws.spec("append"), store);
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    assertThat(FaultSuite.live(out), equalTo(reference));

    redis.kill();
    redis.startAgain(); // without persistence: every key is gone
    CauceRun second = CauceRun.run(out, "run-2", "--spec=" + ws.spec("append"), store);
    assertThat(second.toString(), second.code, equalTo(ExitCode.OK));
    assertThat(second.stdout, containsString("nothing new to ingest: all 2 input file(s)"));
    Live after = FaultSuite.live(out);
    assertThat(after, equalTo(reference));
    FaultSuite.assertOnlyCommittedFiles(out);
    ws.figure("append sink, Redis restarted empty between two runs: the second run read nothing new (exit 0);"
        + " rows/rejected %d/%d = reference, no duplicate", after.count("rows"), after.count("rejected"));
  }

  /**
   * Redis restarted empty after run A proved its lock: run B gets the same fencing token as A (the
   * live commit's token is the only floor left) and commits first. A's commit must then be refused,
   * or with an append sink A adds input in-2 a second time.
   */
  @Test
  public void aRunWhoseFencingTokenWasHandedOutAgainCannotCommitOverTheOtherRun() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("append");
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    ws.previousInto("append", out);
    String store = store();

    try (CauceProcess a = FaultSuite.start(work, ws.spec("append"), out, "run-a", "finish:lock-proved", store)) {
      a.awaitPause("finish:lock-proved");
      redis.kill();
      redis.startAgain();
      try (CauceProcess b = FaultSuite.run(work, ws.spec("append"), out, "run-b", store)) {
        assertThat(FaultSuite.describe(b), b.exitCode(), equalTo(0));
      }
      long token = FaultSuite.commit(out).fencingToken();
      assertThat(FaultSuite.live(out), equalTo(reference));

      a.resume();
      assertThat(FaultSuite.describe(a), a.exitCode(), equalTo(1));
      assertThat(a.stderr(), containsString("cauce: run run-a FAILED: publishing failed: CommitRefusedException: run run-a holds"
          + " fencing token " + token + " but " + out + "/_COMMIT.json was committed by run run-b with token " + token));
      ws.figure("Redis restarted empty after run A proved its lock (append): run B exit 0 with A's fencing token %d;"
          + " A resumed: exit 1, its commit refused; rows/rejected %d/%d = reference, no row twice", token,
          FaultSuite.live(out).count("rows"), FaultSuite.live(out).count("rejected"));
    }
    assertThat(FaultSuite.live(out), equalTo(reference));
    assertThat(FaultSuite.commit(out).runId(), equalTo("run-b"));
    FaultSuite.assertOnlyCommittedFiles(out, "run-a");
  }

  /**
   * Redis restarted empty while run A waits between moving its files into place and its commit:
   * run B takes the lock and, recovering the output, deletes A's moved files. A must then be unable
   * to commit them (its commit would list files that are gone, and delete the previous ones).
   */
  @Test
  public void aRunWhoseUnfinishedPublishWasRolledBackCannotCommitItAfterwards() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("overwrite");
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    Live previous = ws.previousInto("overwrite", out);
    String store = store();

    try (CauceProcess a = FaultSuite.start(work, ws.spec("overwrite"), out, "run-a", "publish:moved-all", store)) {
      a.awaitPause("publish:moved-all");
      redis.kill();
      redis.startAgain();
      try (CauceProcess b = FaultSuite.start(work, ws.spec("overwrite"), out, "run-b", "job:running", store)) {
        b.awaitPause("job:running"); // B's start recovered the output: A's moved files are deleted
        assertThat(FaultSuite.live(out), equalTo(previous));

        a.resume();
        assertThat(FaultSuite.describe(a), a.exitCode(), equalTo(1));
        assertThat(a.stderr(), containsString("cauce: run run-a FAILED: publishing failed: CommitRefusedException: another publish"
            + " committed to " + out + "/_COMMIT.json first"));
        assertThat(FaultSuite.live(out), equalTo(previous));

        b.resume();
        assertThat(FaultSuite.describe(b), b.exitCode(), equalTo(0));
      }
    }
    assertThat(FaultSuite.live(out), equalTo(reference));
    assertThat(FaultSuite.commit(out).runId(), equalTo("run-b"));
    FaultSuite.assertOnlyCommittedFiles(out);
    ws.figure("Redis restarted empty while run A paused at publish:moved-all; run B's start rolled A's publish back:"
        + " A resumed, exit 1 (its commit refused), live 90/10 unchanged; B exit 0: 180/20 = reference");
  }
}
