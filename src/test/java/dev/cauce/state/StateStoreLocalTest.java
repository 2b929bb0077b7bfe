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
        .orElseThrow().runId(), equalTo("r-crashed"));
  }
}
