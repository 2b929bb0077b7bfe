package dev.cauce.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.Test;
import redis.clients.jedis.JedisPooled;

/** The contract on the machine's real Redis, under a key prefix of its own (deleted afterwards). */
public class StateStoreRedisTest extends StateStoreContract {
  private String prefix;

  @Override
  protected StateStore newStore() {
    prefix = "cauce-test-" + UUID.randomUUID() + ":";
    return RedisTesting.open(prefix);
  }

  @Override
  protected void cleanUp() {
    ((RedisStateStore) store).deleteAll();
  }

  @Test
  public void keysAreReadableWithRedisCli() {
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    store.putRun(RunRecord.started("orders", "r1", t, "DirectRunner", "/out/orders").withProgress("ingest", Map.of("read", 7L), 3.5, t));
    try (JedisPooled redis = new JedisPooled(RedisTesting.HOST, RedisTesting.PORT)) {
      Map<String, String> hash = redis.hgetAll(prefix + "run:orders:r1");
      assertThat(hash, hasEntry("status", "RUNNING"));
      assertThat(hash, hasEntry("stage", "ingest"));
      assertThat(hash, hasEntry("counts", "{\"read\":7}"));
      assertThat(hash, hasEntry("started_at", "2024-05-01T10:00:00Z"));
      assertThat(redis.zrange(prefix + "runs:orders", 0, -1).get(0), equalTo("r1"));
      assertThat(redis.sismember(prefix + "pipelines", "orders"), equalTo(true));
    }
  }

  @Test
  public void aLockWhoseHolderStoppedBeatingExpiresByItsTtl() throws Exception {
    Instant now = Instant.now();
    long token = store.acquireLock(new LockInfo("orders", "r-short", "h", 1, now, now, 300)).token();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (store.lock("orders").isPresent()) {
      assertThat("the lock should expire within 10s", System.nanoTime() < deadline, equalTo(true));
      Thread.onSpinWait();
    }
    LockCheck gone = store.refreshLock("orders", "r-short", token, Instant.now());
    assertThat(gone.held(), equalTo(false));
    assertThat(gone.reason(), containsString("it expired without a heartbeat"));
    LockGrant next = store.acquireLock(new LockInfo("orders", "r2", "h", 2, Instant.now(), Instant.now(), 60_000));
    assertThat(next.tookOver(), equalTo(Optional.empty()));
    LockCheck expired = store.refreshLock("orders", "r-short", token, Instant.now());
    assertThat(expired.held(), equalTo(false));
    assertThat(expired.reason(), startsWith("the lock was taken over by run r2"));
    store.releaseLock("orders", "r2");
  }

  @Test
  public void badUrisAreClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisStateStore.open("redis://127.0.0.1:6379/x"));
    assertThat(e.getMessage(), containsString("invalid Redis database \"x\""));
    e = assertThrows(IllegalArgumentException.class, () -> RedisStateStore.open("redis://:hunter2@127.0.0.1:6379/0?colour=blue"));
    assertThat(e.getMessage(), containsString("unknown Redis URI parameter \"colour\""));
    assertThat(e.getMessage().contains("hunter2"), equalTo(false));
    IllegalStateException down = assertThrows(IllegalStateException.class, () -> RedisStateStore.open("redis://127.0.0.1:1/0"));
    assertThat(down.getMessage(), containsString("cannot reach the Redis state store redis://127.0.0.1:1/0"));
  }
}
