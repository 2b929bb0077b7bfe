package dev.cauce.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The behaviour every state store must have; each backend's test class runs it on its store. */
public abstract class StateStoreContract {
  protected StateStore store;

  /** A fresh, empty store. */
  protected abstract StateStore newStore() throws Exception;

  /** Removes whatever the store holds (after each test). */
  protected void cleanUp() throws Exception {}

  @Before
  public void open() throws Exception {
    store = newStore();
  }

  @After
  public void close() throws Exception {
    try {
      cleanUp();
    } finally {
      store.close();
    }
  }

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private static RunRecord run(String pipeline, String runId, Instant started) {
    return RunRecord.started(pipeline, runId, started, "DirectRunner", "/data/out/" + pipeline);
  }

  @Test
  public void aRunRecordRoundTripsAndIsReplacedByItsUpdates() {
    RunRecord r = run("orders", "r1", T0);
    store.putRun(r);
    assertThat(store.run("orders", "r1"), equalTo(Optional.of(r)));

    RunRecord progressed = r.withProgress("validate", Map.of("read", 120L, "rejected.parse", 3L), 42.5, T0.plusSeconds(5));
    store.putRun(progressed);
    RunRecord back = store.run("orders", "r1").orElseThrow();
    assertThat(back, equalTo(progressed));
    assertThat(back.counts().get("read"), equalTo(120L));
    assertThat(back.stage(), equalTo("validate"));

    RunRecord ended = progressed.withReport("/data/out/orders/_runs/r1/run-report.json")
        .ended(RunStatus.FAILED, "the job failed: boom", T0.plusSeconds(9));
    store.putRun(ended);
    back = store.run("orders", "r1").orElseThrow();
    assertThat(back, equalTo(ended));
    assertThat(back.endedAt(), equalTo(T0.plusSeconds(9)));
    assertThat(back.error(), equalTo("the job failed: boom"));
    assertThat(store.run("orders", "nope"), equalTo(Optional.empty()));
  }

  @Test
  public void latestRunsAreNewestFirstPerPipelineAndPipelinesAreListed() {
    for (int i = 0; i < 5; i++) {
      store.putRun(run("orders", "o" + i, T0.plusSeconds(i * 60L)));
    }
    store.putRun(run("trips", "t0", T0));
    List<String> ids = store.latestRuns("orders", 3).stream().map(RunRecord::runId).toList();
    assertThat(ids, contains("o4", "o3", "o2"));
    assertThat(store.latestRuns("trips", 10).size(), equalTo(1));
    assertThat(store.latestRuns("none", 10).size(), equalTo(0));
    assertThat(store.pipelines(), hasItems("orders", "trips"));
    assertThat(store.pipelines().size(), equalTo(2));
  }

  private static LockInfo lock(String runId, Instant heartbeat) {
    return new LockInfo("orders", runId, "host-a", 4242, heartbeat, heartbeat, 60_000);
  }

  @Test
  public void oneRunHoldsThePipelineLockAndASecondIsToldWho() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    LockGrant first = store.acquireLock(lock("r1", now));
    assertThat(first.tookOver(), equalTo(Optional.empty()));
    assertThat(first.takeOverWarning(), equalTo(Optional.empty()));
    assertThat(store.lock("orders").orElseThrow().runId(), equalTo("r1"));
    long t1 = first.token();
    assertThat(store.lock("orders").orElseThrow().token(), equalTo(t1));

    LockHeldException e = assertThrows(LockHeldException.class, () -> store.acquireLock(lock("r2", now)));
    assertThat(e.holder().runId(), equalTo("r1"));
    assertThat(e.getMessage(), containsString("pipeline orders is already running: run r1 (pid 4242 on host-a"));

    assertThat("another run cannot renew it", store.refreshLock("orders", "r2", t1, now.plusSeconds(1)).held(), is(false));
    assertThat(store.refreshLock("orders", "r1", t1, now.plusSeconds(2)).held(), is(true));
    assertThat(store.lock("orders").orElseThrow().heartbeatAt(), equalTo(now.plusSeconds(2)));
    assertThat(store.stillHolds("orders", "r1", t1), is(true));

    store.releaseLock("orders", "r2");
    assertThat("another run cannot release it", store.lock("orders").isPresent(), is(true));
    store.releaseLock("orders", "r1");
    assertThat(store.lock("orders"), equalTo(Optional.empty()));
    LockCheck gone = store.refreshLock("orders", "r1", t1, now);
    assertThat(gone.held(), is(false));
    assertThat(gone.reason(), containsString("the lock is gone from the " + store.describe()));
    assertThat(store.stillHolds("orders", "r1", t1), is(false));
    LockGrant second = store.acquireLock(lock("r2", now));
    assertThat(second.tookOver(), equalTo(Optional.empty()));
    assertThat(second.token(), greaterThan(t1));
    store.releaseLock("orders", "r2");
  }

  @Test
  public void aStaleLockIsTakenOverAndTheOldHolderIsReturned() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    LockInfo dead = lock("r-dead", now.minus(Duration.ofMinutes(10)));
    long deadToken = store.acquireLock(dead).token();
    LockGrant grant = store.acquireLock(lock("r-new", now));
    assertThat(grant.tookOver().orElseThrow().runId(), equalTo("r-dead"));
    assertThat(grant.takeOverWarning().orElseThrow(), allOf(
        startsWith("took over the stale lock of pipeline orders from run r-dead (pid 4242 on host-a"),
        endsWith(": no heartbeat within 60s, its run is presumed dead")));
    assertThat(store.lock("orders").orElseThrow().runId(), equalTo("r-new"));
    LockCheck lost = store.refreshLock("orders", "r-dead", deadToken, now);
    assertThat("the dead run cannot renew it any more", lost.held(), is(false));
    assertThat(lost.reason(), startsWith("the lock was taken over by run r-new (pid 4242 on host-a"));
    assertThat(lost.reason(), endsWith("with fencing token " + grant.token()));
    store.releaseLock("orders", "r-new");
  }

  @Test
  public void fencingTokensGrowWithEveryAcquisitionAndStayAboveTheFloor() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long t1 = store.acquireLock(lock("r1", now)).token();
    assertThat("a fresh store starts at 1", t1, equalTo(1L));
    store.releaseLock("orders", "r1");
    assertThat(store.acquireLock(lock("r2", now)).token(), equalTo(2L));
    store.releaseLock("orders", "r2");
    assertThat("a floor above the last token wins", store.acquireLock(lock("r3", now), 100).token(), equalTo(101L));
    store.releaseLock("orders", "r3");
    assertThat("a floor below it changes nothing", store.acquireLock(lock("r4", now), 7).token(), equalTo(102L));
    assertThat("each pipeline counts its own", store.acquireLock(new LockInfo("trips", "t1", "host-a", 1, now, now, 60_000))
        .token(), equalTo(1L));

    LockGrant again = store.acquireLock(lock("r4", now));
    assertThat("the same run taking its lock again gets a new token", again.token(), equalTo(103L));
    assertThat(again.tookOver(), equalTo(Optional.empty()));
    LockCheck old = store.refreshLock("orders", "r4", 102, now);
    assertThat(old.held(), is(false));
    assertThat(old.reason(), equalTo("the lock of run r4 was taken again with fencing token 103 (this run holds 102)"));
    assertThat(store.stillHolds("orders", "r4", 103), is(true));
    store.releaseLock("orders", "r4");
    store.releaseLock("trips", "t1");
  }

  /** A child process that runs until its input is closed. */
  private static Process child() throws IOException {
    return new ProcessBuilder("cat").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void end(Process p) throws Exception {
    p.getOutputStream().close();
    assertThat(p.waitFor(20, TimeUnit.SECONDS), is(true));
  }

  @Test
  public void theSameRunIdFromAnotherLiveProcessWaitsAndTakesTheLockOnceThatProcessIsGone() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Process holder = child();
    long pid = holder.pid();
    long token = store.acquireLock(new LockInfo("orders", "r1", Hosts.name(), pid, now, now, 600_000)).token();
    LockHeldException held = assertThrows(LockHeldException.class,
        () -> store.acquireLock(new LockInfo("orders", "r1", Hosts.name(), ProcessHandle.current().pid(), now, now, 60_000)));
    assertThat(held.holder().pid(), equalTo(pid));
    assertThat(store.stillHolds("orders", "r1", token), is(true));
    end(holder);

    LockGrant grant = store.acquireLock(new LockInfo("orders", "r1", Hosts.name(), ProcessHandle.current().pid(), now, now, 60_000));
    assertThat(grant.tookOver().orElseThrow().pid(), equalTo(pid));
    assertThat(grant.token(), greaterThan(token));
    store.releaseLock("orders", "r1");
  }

  @Test
  public void aLockOfADeadProcessOnThisHostIsTakenOverAtOnceAndOneOnAnotherHostIsNot() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Process holder = child();
    long pid = holder.pid();
    long token = store.acquireLock(new LockInfo("orders", "r-crashed", Hosts.name(), pid, now, now, 600_000)).token();
    LockHeldException alive = assertThrows(LockHeldException.class,
        () -> store.acquireLock(new LockInfo("orders", "r2", Hosts.name(), 1, now, now, 60_000)));
    assertThat("a live process keeps its lock", alive.holder().runId(), equalTo("r-crashed"));
    end(holder);

    LockGrant grant = store.acquireLock(new LockInfo("orders", "r2", Hosts.name(), ProcessHandle.current().pid(), now, now, 60_000));
    assertThat("taken over at once, long before the 600 s TTL", grant.tookOver().orElseThrow().runId(), equalTo("r-crashed"));
    assertThat(grant.takeOverWarning().orElseThrow(), allOf(
        startsWith("took over the stale lock of pipeline orders from run r-crashed (pid " + pid + " on " + Hosts.name()),
        endsWith(": its process " + pid + " is no longer running on this host (" + Hosts.name()
            + "), so run r-crashed ended without releasing it")));
    assertThat(grant.token(), greaterThan(token));
    store.releaseLock("orders", "r2");

    store.acquireLock(new LockInfo("trips", "t-elsewhere", "another-host", pid, now, now, 600_000));
    LockHeldException elsewhere = assertThrows(LockHeldException.class,
        () -> store.acquireLock(new LockInfo("trips", "t2", Hosts.name(), 1, now, now, 60_000)));
    assertThat("a pid on another host says nothing here: wait for the TTL", elsewhere.holder().runId(), equalTo("t-elsewhere"));
    store.releaseLock("trips", "t-elsewhere");
  }

  @Test
  public void aLiveProcessThatStartedAfterTheLockWasTakenIsNotItsHolder() throws Exception {
    Process reused = child();
    try {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      Instant longAgo = now.minus(Duration.ofHours(1));
      store.acquireLock(new LockInfo("orders", "r-old", Hosts.name(), reused.pid(), longAgo, now, 600_000));
      LockGrant grant = store.acquireLock(new LockInfo("orders", "r2", Hosts.name(), 1, now, now, 60_000));
      assertThat("the pid was reused", grant.tookOver().orElseThrow().runId(), equalTo("r-old"));
      assertThat(grant.takeOverWarning().orElseThrow(), containsString("its process " + reused.pid() + " is no longer running"));
      store.releaseLock("orders", "r2");
    } finally {
      end(reused);
    }
  }

  @Test
  public void ofRunsRacingForTheLockExactlyOneWins() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String runId = "race-" + i;
        Callable<Boolean> c = () -> {
          try {
            store.acquireLock(lock(runId, now));
            return true;
          } catch (LockHeldException e) {
            return false;
          }
        };
        results.add(pool.submit(c));
      }
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners, equalTo(1));
      store.releaseLock("orders", store.lock("orders").orElseThrow().runId());
    } finally {
      pool.shutdownNow();
    }
  }
}
