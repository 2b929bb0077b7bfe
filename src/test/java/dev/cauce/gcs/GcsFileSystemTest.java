package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Beam's {@link FileSystems} on {@code gs://} against {@link FakeGcsServer}: the operations cauce's
 * driver uses (match, create, open, rename, delete), one at a time, with the calls each makes.
 */
public class GcsFileSystemTest {
  private FakeGcsServer gcs;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket("bucket");
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.fromArgs(gcs.beamArgs().toArray(String[]::new)).create());
  }

  /** Keeps the call log in target/fake-gcs/ for reading after the fact. */
  @After
  public void stop() throws IOException {
    gcs.close();
    Path logs = Files.createDirectories(Path.of("target", "fake-gcs"));
    Files.writeString(logs.resolve(getClass().getSimpleName() + ".log"), gcs.log());
  }

  @Test
  public void createMatchOpenRenameDelete() throws IOException {
    gcs.putObject("bucket", "in/a.jsonl", "a\n");
    gcs.putObject("bucket", "in/b.jsonl", "bb\n");
    gcs.putObject("bucket", "in/sub/c.jsonl", "c\n");

    MatchResult glob = FileSystems.match("gs://bucket/in/*.jsonl", EmptyMatchTreatment.ALLOW);
    List<String> names = new ArrayList<>();
    for (MatchResult.Metadata m : glob.metadata()) {
      names.add(m.resourceId() + " " + m.sizeBytes());
    }
    assertThat(names, equalTo(List.of("gs://bucket/in/a.jsonl 2", "gs://bucket/in/b.jsonl 3")));

    ResourceId file = FileSystems.matchNewResource("gs://bucket/out/x.txt", false);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT))) {
      out.write("hello\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(gcs.text("bucket", "out/x.txt"), equalTo("hello\n"));
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8), equalTo("hello\n"));
    }

    ResourceId moved = FileSystems.matchNewResource("gs://bucket/done/x.txt", false);
    FileSystems.rename(List.of(file), List.of(moved));
    assertThat(gcs.list("bucket", "out/"), equalTo(List.of()));
    assertThat(gcs.text("bucket", "done/x.txt"), equalTo("hello\n"));

    MatchResult missing = FileSystems.match("gs://bucket/nothing.txt");
    assertThat(missing.status(), equalTo(MatchResult.Status.NOT_FOUND));

    FileSystems.delete(List.of(moved, FileSystems.matchNewResource("gs://bucket/gone", false)), StandardMoveOptions.IGNORE_MISSING_FILES);
    assertThat(gcs.list("bucket", "done/"), equalTo(List.of()));
    assertThat(gcs.log(), gcs.unimplementedCalls(), equalTo(List.of()));
  }
}
