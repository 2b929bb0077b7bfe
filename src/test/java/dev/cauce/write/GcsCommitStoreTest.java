package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

import dev.cauce.gcs.FakeGcsServer;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.CommitStore.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The commit record on {@code gs://} ({@link FakeGcsServer}): one upload with a generation-match precondition. */
public class GcsCommitStoreTest {
  private static final Instant T1 = Instant.parse("2024-01-05T10:00:00Z");

  private FakeGcsServer gcs;
  private PipelineOptions options;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket("bucket");
    options = PipelineOptionsFactory.fromArgs(gcs.beamArgs().toArray(String[]::new)).create();
    FileSystems.setDefaultPipelineOptions(options);
  }

  @After
  public void stop() {
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
    gcs.close();
  }

  private List<String> commitUploads() {
    return gcs.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().startsWith("/upload/") && c.query().contains("ifGenerationMatch")
            && !c.query().contains("name="))
        .map(c -> c.query().replaceAll("&?uploadType=resumable", "") + " -> " + c.status())
        .toList();
  }

  @Test
  public void ofTwoWritersFromTheSameCommitGcsLetsOnlyOneWin() throws Exception {
    CommitStore store = CommitStore.of("gs://bucket/out", options);
    assertThat(store, instanceOf(GcsCommitStore.class));
    CommitRefusedException e = PublisherCommitTest.onlyOneOfTwoWritersWins(store);

    assertThat(e.getMessage(), containsString("another publish committed to gs://bucket/out/_COMMIT.json first"));
    assertThat(commitUploads(), contains("ifGenerationMatch=0 -> 200", "ifGenerationMatch=0 -> 412"));

    Snapshot now = store.read();
    assertThat(now.version(), equalTo(gcs.object("bucket", "out/_COMMIT.json").orElseThrow().generation()));
    store.replace(now, new Commit(2, "r3", "orders", 0, T1, false, List.of(), List.of()));
    assertThat(commitUploads().get(2), equalTo("ifGenerationMatch=" + now.version() + " -> 200"));
  }

  @Test
  public void publishAndReadThroughTheCommitInABucket() throws Exception {
    PublishCrashMain.run("gs://bucket/out", "r1", WriteMode.APPEND, List.of("in-1"), options);
    PublishCrashMain.run("gs://bucket/out", "r2", WriteMode.APPEND, List.of("in-1", "in-2"), options);

    LiveOutput live = LiveOutput.read("gs://bucket/out");
    assertThat(live.sequence(), is(2L));
    assertThat(live.ledger().stream().map(i -> i.path() + " " + i.runId()).toList(), contains("in-1 r1", "in-2 r2"));
    assertThat(Publisher.readPublishedLines("gs://bucket/out/orders_csv/"),
        contains("id,input", "in-1-1,in-1", "in-1-2,in-1", "in-1-3,in-1", "in-2-1,in-2", "in-2-2,in-2", "in-2-3,in-2"));
    assertThat(gcs.list("bucket", "out/_staging/"), empty());
    assertThat(OutputCheck.ownerProblem("gs://bucket/out", "other").isPresent(), is(true));
  }
}
