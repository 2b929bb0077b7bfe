package dev.cauce.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import dev.cauce.e2e.PrivateRedis;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The lock against a Redis of the test's own that is killed (SIGKILL) and restarted empty (no
 * persistence), as in issue 12: a run must then be unable to prove it holds its lock, and a
 * restarted Redis must hand out tokens above the committed one when given it as the floor.
 */
public class RedisLockFaultTest {
  private PrivateRedis server;
  private RedisStateStore a;
  private RedisStateStore b;

  @Before
  public void startRedis() throws Exception {
    server = PrivateRedis.start();
    a = RedisStateStore.open(server.uri("fence:"));
    b = RedisStateStore.open(server.uri("fence:"));
  }

  @After
  public void stopRedis() throws Exception {
    a.close();
    b.close();
    server.close();
  }

  private static LockInfo lock(String runId) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new LockInfo("orders", runId, "host-" + runId, 4242, now, now, 60_000);
  }

  /** Takes and releases the lock a few times, so that the last token is well above 1. */
  private long someEarlierRuns(int n) {
    long token = 0;
    for (int i = 0; i < n; i++) {
      token = a.acquireLock(lock("earlier-" + i)).token();
      a.releaseLock("orders", "earlier-" + i);
    }
    return token;
  }

  @Test
  public void aRunCannotProveItsLockWhileRedisIsDownNorAfterItCameBackEmpty() throws Exception {
    long before = someEarlierRuns(3);
    long token = a.acquireLock(lock("run-a")).token();
    assertThat(token, equalTo(before + 1));
    assertThat(a.stillHolds("orders", "run-a", token), is(true));

    server.kill();
    LockCheck down = a.refreshLock("orders", "run-a", token, Instant.now());
    assertThat(down.held(), is(false));
    assertThat(down.reason(), startsWith("cannot reach the Redis state store redis://127.0.0.1:" + server.port()
        + "/0 (keys fence:*) to prove the lock is still held: "));
    assertThat(a.stillHolds("orders", "run-a", token), is(false));

    server.startAgain();
    LockCheck empty = a.refreshLock("orders", "run-a", token, Instant.now());
    assertThat(empty.held(), is(false));
    assertThat(empty.reason(), containsString("the lock is gone from the Redis state store"));
    assertThat(empty.reason(), containsString("or Redis restarted and lost it"));
  }

  @Test
  public void afterARestartWithoutPersistenceTheNextRunGetsATokenAboveTheCommittedOne() throws Exception {
    someEarlierRuns(4);
    long committed = a.acquireLock(lock("run-a")).token();
    server.kill();
    server.startAgain();

    LockGrant withFloor = b.acquireLock(lock("run-b"), committed);
    assertThat("the restarted Redis has no trace of run-a's lock", withFloor.tookOver().isPresent(), is(false));
    assertThat(withFloor.token(), equalTo(committed + 1));
    LockCheck a2 = a.refreshLock("orders", "run-a", committed, Instant.now());
    assertThat(a2.held(), is(false));
    assertThat(a2.reason(), startsWith("the lock was taken over by run run-b (pid 4242 on host-run-b"));
    assertThat(a.stillHolds("orders", "run-a", committed), is(false));
    assertThat(b.stillHolds("orders", "run-b", withFloor.token()), is(true));

    server.kill();
    server.startAgain();
    long noFloor = b.acquireLock(lock("run-c")).token();
    assertThat("without the floor a Redis that lost its data counts from 1 again", noFloor, equalTo(1L));
    b.releaseLock("orders", "run-c");
    assertThat(b.acquireLock(lock("run-d"), committed).token(), greaterThan(committed));
  }
}
