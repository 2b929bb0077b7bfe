package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Publisher.PublishResult;
import dev.cauce.write.Publisher.Target;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PublisherTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Instant T1 = Instant.parse("2024-01-05T10:00:00.123456Z");
  private static final Instant T2 = Instant.parse("2024-01-06T11:30:00Z");

  private Path out;
  private String output;

  @Before
  public void setUp() throws IOException {
    out = tmp.newFolder("out").toPath();
    output = out.toString();
  }

  private static Publisher at(Instant t) {
    return new Publisher(Clock.fixed(t, ZoneOffset.UTC));
  }

  private void stage(String runId, String name, String file, String content) throws IOException {
    Path dir = out.resolve("_staging").resolve(runId).resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
  }

  /** A run as the job leaves it: two order shards, one dead-letter file, Beam's emptied temp folder. */
  private void stageRun(String runId) throws IOException {
    stage(runId, "orders", runId + "-00000-of-00002.jsonl", "{\"id\":\"" + runId + "-a\"}\n");
    stage(runId, "orders", runId + "-00001-of-00002.jsonl", "{\"id\":\"" + runId + "-b\"}\n");
    stage(runId, "rejected", runId + "-00000-of-00001.jsonl", "");
    Files.createDirectories(out.resolve("_staging").resolve(runId).resolve("_tmp").resolve(".temp-beam-x"));
  }

  /** Publishes as pipeline "orders" (the output folder's owner). */
  private PublishResult publish(Publisher publisher, String runId, List<Target> targets) throws IOException {
    return publisher.publish(Publisher.Request.of(output, runId, "orders", targets));
  }

  private static List<Target> targets(WriteMode ordersMode) {
    return List.of(new Target("orders", ordersMode), new Target("rejected", WriteMode.OVERWRITE));
  }

  private List<String> filesIn(String name) throws IOException {
    return WriteSinkTest.names(out.resolve(name));
  }

  @Test
  public void firstPublishMovesFilesWritesManifestAndRemovesStaging() throws Exception {
    stageRun("r1");
    PublishResult result = publish(at(T1), "r1", targets(WriteMode.OVERWRITE));

    assertThat(filesIn("orders"), contains("_MANIFEST.json", "r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    assertThat(filesIn("rejected"), contains("_MANIFEST.json", "r1-00000-of-00001.jsonl"));
    assertThat(
        Files.readString(out.resolve("orders").resolve("_MANIFEST.json")),
        is("{\n"
            + "  \"run_id\" : \"r1\",\n"
            + "  \"published_at\" : \"2024-01-05T10:00:00.123Z\",\n"
            + "  \"mode\" : \"overwrite\",\n"
            + "  \"files\" : [ \"r1-00000-of-00002.jsonl\", \"r1-00001-of-00002.jsonl\" ]\n"
            + "}\n"));
    assertThat(
        Publisher.publishedFiles(out.resolve("orders").toString()),
        contains(
            out.resolve("orders").resolve("r1-00000-of-00002.jsonl").toString(),
            out.resolve("orders").resolve("r1-00001-of-00002.jsonl").toString()));
    assertThat(Publisher.readPublishedLines(out.resolve("orders").toString()), contains("{\"id\":\"r1-a\"}", "{\"id\":\"r1-b\"}"));
    assertThat(Publisher.readPublishedLines(out.resolve("rejected").toString()), is(empty()));

    assertThat(Files.exists(out.resolve("_staging").resolve("r1")), is(false));
    assertThat(result.runId(), is("r1"));
    assertThat(result.publishedAt(), is(Instant.parse("2024-01-05T10:00:00.123Z")));
    assertThat(result.targets().get(0).added(), contains("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    assertThat(result.targets().get(0).removed(), is(empty()));
    assertThat(result.targets().get(1).files(), contains("r1-00000-of-00001.jsonl"));
  }

  @Test
  public void overwriteReplacesThePreviousFiles() throws Exception {
    stageRun("r1");
    publish(at(T1), "r1", targets(WriteMode.OVERWRITE));
    stage("r2", "orders", "r2-00000-of-00001.jsonl", "{\"id\":\"r2-a\"}\n");
    stage("r2", "rejected", "r2-00000-of-00001.jsonl", "{\"bad\":1}\n");

    PublishResult result = publish(at(T2), "r2", targets(WriteMode.OVERWRITE));

    assertThat(filesIn("orders"), contains("_MANIFEST.json", "r2-00000-of-00001.jsonl"));
    assertThat(filesIn("rejected"), contains("_MANIFEST.json", "r2-00000-of-00001.jsonl"));
    assertThat(Publisher.readPublishedLines(out.resolve("orders").toString()), contains("{\"id\":\"r2-a\"}"));
    assertThat(result.targets().get(0).removed(), contains("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    Manifest m = Manifest.read(Layout.dir(out.resolve("orders").toString())).orElseThrow();
    assertThat(m, is(new Manifest("r2", T2, WriteMode.OVERWRITE, List.of("r2-00000-of-00001.jsonl"))));
  }

  @Test
  public void overwriteRemovesUnlistedDataFilesButNotOtherUnderscoreFiles() throws Exception {
    Files.createDirectories(out.resolve("orders"));
    Files.writeString(out.resolve("orders").resolve("r0-00000-of-00001.jsonl"), "orphan of a crashed publish\n");
    Files.writeString(out.resolve("orders").resolve("_SUCCESS"), "");
    stageRun("r1");

    publish(at(T1), "r1", targets(WriteMode.OVERWRITE));

    assertThat(filesIn("orders"), contains("_MANIFEST.json", "_SUCCESS", "r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
  }

  @Test
  public void appendKeepsThePreviousFiles() throws Exception {
    stageRun("r1");
    publish(at(T1), "r1", targets(WriteMode.APPEND));
    stage("r2", "orders", "r2-00000-of-00001.jsonl", "{\"id\":\"r2-a\"}\n");
    stage("r2", "rejected", "r2-00000-of-00001.jsonl", "{\"bad\":1}\n");

    PublishResult result = publish(at(T2), "r2", targets(WriteMode.APPEND));

    assertThat(
        filesIn("orders"),
        contains("_MANIFEST.json", "r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl", "r2-00000-of-00001.jsonl"));
    assertThat(
        Publisher.readPublishedLines(out.resolve("orders").toString()),
        contains("{\"id\":\"r1-a\"}", "{\"id\":\"r1-b\"}", "{\"id\":\"r2-a\"}"));
    assertThat(
        Manifest.read(Layout.dir(out.resolve("orders").toString())).orElseThrow(),
        is(new Manifest("r2", T2, WriteMode.APPEND,
            List.of("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl", "r2-00000-of-00001.jsonl"))));
    assertThat(result.targets().get(0).removed(), is(empty()));
    // the dead letter is in overwrite mode: only the new run's rejections
    assertThat(filesIn("rejected"), contains("_MANIFEST.json", "r2-00000-of-00001.jsonl"));
  }

  @Test
  public void missingStagingFailsAndLeavesPublishedDataUnchanged() throws Exception {
    stageRun("r1");
    publish(at(T1), "r1", targets(WriteMode.OVERWRITE));
    String manifestBefore = Files.readString(out.resolve("orders").resolve("_MANIFEST.json"));
    // r2's job staged its orders but not its dead letter
    stage("r2", "orders", "r2-00000-of-00001.jsonl", "{\"id\":\"r2-a\"}\n");

    FileNotFoundException e =
        assertThrows(FileNotFoundException.class, () -> publish(at(T2), "r2", targets(WriteMode.OVERWRITE)));

    assertThat(e.getMessage(), containsString("cannot publish run r2: nothing is staged for rejected ("));
    assertThat(e.getMessage(), containsString("the published folders are unchanged"));
    assertThat(filesIn("orders"), contains("_MANIFEST.json", "r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    assertThat(Files.readString(out.resolve("orders").resolve("_MANIFEST.json")), is(manifestBefore));
    assertThat(filesIn("rejected"), contains("_MANIFEST.json", "r1-00000-of-00001.jsonl"));
    // the failed publish moved nothing out of staging
    assertThat(WriteSinkTest.names(out.resolve("_staging/r2/orders")), contains("r2-00000-of-00001.jsonl"));
  }

  @Test
  public void anUnreadableManifestFailsBeforeAnythingMoves() throws Exception {
    Files.createDirectories(out.resolve("rejected"));
    Files.writeString(out.resolve("rejected").resolve("_MANIFEST.json"), "{\"half\": ");
    stageRun("r1");

    java.io.IOException e =
        assertThrows(java.io.IOException.class, () -> publish(at(T1), "r1", targets(WriteMode.OVERWRITE)));

    assertThat(e.getMessage(), containsString("_MANIFEST.json: not a cauce manifest"));
    assertThat(Files.exists(out.resolve("orders")), is(false));
    assertThat(WriteSinkTest.names(out.resolve("_staging/r1/orders")), contains("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
  }

  @Test
  public void publishingARunTwiceFailsTheSecondTime() throws Exception {
    stageRun("r1");
    publish(at(T1), "r1", targets(WriteMode.APPEND));
    FileNotFoundException e =
        assertThrows(FileNotFoundException.class, () -> publish(at(T2), "r1", targets(WriteMode.APPEND)));
    assertThat(e.getMessage(), containsString("nothing is staged for orders ("));
    assertThat(e.getMessage(), containsString("rejected ("));
    assertThat(Publisher.readPublishedLines(out.resolve("orders").toString()), contains("{\"id\":\"r1-a\"}", "{\"id\":\"r1-b\"}"));
  }

  @Test
  public void csvLinesKeepOneHeader() throws Exception {
    stage("r1", "flat", "r1-00000-of-00002.csv", "id,n\na,1\n");
    stage("r1", "flat", "r1-00001-of-00002.csv", "id,n\n");
    stage("r1", "rejected", "r1-00000-of-00001.csv", "run_id\n");
    publish(at(T1), "r1", List.of(new Target("flat", WriteMode.APPEND), new Target("rejected", WriteMode.OVERWRITE)));
    stage("r2", "flat", "r2-00000-of-00001.csv", "id,n\nb,2\n");
    stage("r2", "rejected", "r2-00000-of-00001.csv", "run_id\n");
    publish(at(T2), "r2", List.of(new Target("flat", WriteMode.APPEND), new Target("rejected", WriteMode.OVERWRITE)));

    assertThat(Publisher.readPublishedLines(out.resolve("flat").toString()), contains("id,n", "a,1", "b,2"));
  }

  @Test
  public void aFolderNeverPublishedHasNoFiles() throws Exception {
    assertThat(Publisher.publishedFiles(out.resolve("nothing").toString()), is(empty()));
    assertThat(Publisher.readPublishedLines(out.resolve("nothing").toString()), is(empty()));
  }

  @Test
  public void parquetIsNotReadAsLines() throws Exception {
    stage("r1", "cols", "r1-00000-of-00001.parquet", "PAR1");
    publish(at(T1), "r1", List.of(new Target("cols", WriteMode.OVERWRITE)));
    assertThrows(IllegalArgumentException.class, () -> Publisher.readPublishedLines(out.resolve("cols").toString()));
  }

  @Test
  public void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> publish(at(T1), "../r1", targets(WriteMode.APPEND)));
    assertThrows(IllegalArgumentException.class, () -> publish(at(T1), "r1", List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> publish(at(T1), "r1", List.of(new Target("a", WriteMode.APPEND), new Target("a", WriteMode.OVERWRITE))));
    assertThrows(IllegalArgumentException.class, () -> new Target("_staging", WriteMode.APPEND));
    assertThrows(IllegalArgumentException.class, () -> new Target("a/b", WriteMode.APPEND));
  }

  @Test
  public void manifestRoundTrips() {
    Manifest m = new Manifest("r1", Instant.parse("2024-01-05T10:00:00.120Z"), WriteMode.APPEND, List.of("a.jsonl", "b.jsonl"));
    assertThat(Manifest.fromJson(m.toJson()), is(m));
    assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson("{\"run_id\":\"r1\"}"));
  }

  @Test
  public void noTemporaryManifestIsLeft() throws Exception {
    stageRun("r1");
    publish(at(T1), "r1", targets(WriteMode.OVERWRITE));
    try (Stream<Path> s = Files.list(out.resolve("orders"))) {
      assertThat(s.filter(p -> p.getFileName().toString().contains(".tmp-")).toList(), is(empty()));
    }
  }
}
