package dev.cauce.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The contract on the local file store, plus what only files can show. */
public class StateStoreLocalTest extends StateStoreContract {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Override
  protected StateStore newStore() throws Exception {
    return new LocalStateStore(tmp.newFolder("state").toPath());
  }

  @Test
  public void filesAreReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
    Path root = ((LocalStateStore) store).root();
    for (int i = 0; i < 20; i++) {
      store.putRun(RunRecord.started("orders", "r1", Instant.now(), "DirectRunner", "/out").withDetail("update " + i));
    }
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(f -> f.getFileName().toString().contains(".tmp-")).count(), equalTo(0L));
    }
    assertThat(Files.isRegularFile(root.resolve("runs/orders/r1.json")), is(true));
    assertThat(store.run("orders", "r1").orElseThrow().detail(), equalTo("update 19"));
  }

  @Test
  public void aLockOfADeadProcessOnThisHostIsStaleAtOnce() {
    ProcessHandle gone = ProcessHandle.of(Long.MAX_VALUE - 1).orElse(null);
    assertThat("no such process", gone, equalTo(null));
    Instant now = Instant.now();
    store.acquireLock(new LockInfo("orders", "r-crashed", Hosts.name(), Long.MAX_VALUE - 1, now, now, 60_000));
    assertThat(store.acquireLock(new LockInfo("orders", "r2", Hosts.name(), ProcessHandle.current().pid(), now, now, 60_000))
        .tookOver().orElseThrow().runId(), equalTo("r-crashed"));
  }

  @Test
  public void aLockWhoseHeartbeatIsOlderThanItsTtlCannotBeProvedEvenIfNobodyTookIt() {
    Instant now = Instant.now();
    long token = store.acquireLock(new LockInfo("orders", "r-slow", "host-a", 1, now, now, 2_000)).token();
    assertThat(store.refreshLock("orders", "r-slow", token, now.plusSeconds(1)).held(), is(true));
    LockCheck expired = store.refreshLock("orders", "r-slow", token, now.plusSeconds(4));
    assertThat(expired.held(), is(false));
    assertThat(expired.reason(), equalTo("the lock expired: no heartbeat since " + now.plusSeconds(1)
        + " (TTL 2s), so another run may have started"));
  }

  @Test
  public void theLastTokenOutlivesTheLockFile() throws Exception {
    Path root = ((LocalStateStore) store).root();
    Instant now = Instant.now();
    store.acquireLock(new LockInfo("orders", "r1", "host-a", 1, now, now, 60_000));
    store.releaseLock("orders", "r1");
    assertThat(Files.exists(root.resolve("locks/orders.json")), is(false));
    assertThat(Files.readString(root.resolve("locks/orders.fence")), equalTo("1"));
    try (LocalStateStore again = new LocalStateStore(root)) {
      assertThat(again.acquireLock(new LockInfo("orders", "r2", "host-a", 1, now, now, 60_000)).token(), equalTo(2L));
    }
  }
}
