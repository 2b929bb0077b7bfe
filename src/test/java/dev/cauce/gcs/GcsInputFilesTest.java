package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import dev.cauce.ingest.InputFiles;
import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.ingest.NoInputException;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** {@link InputFiles#match} on {@code gs://} patterns, against a {@link FakeGcsServer}. */
public class GcsInputFilesTest {
  private FakeGcsServer gcs;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket("bucket");
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.fromArgs(gcs.beamArgs().toArray(String[]::new)).create());
    gcs.putObject("bucket", "in/", ""); // a "folder" placeholder, as the Cloud Console creates them
    gcs.putObject("bucket", "in/b.jsonl", "22\n");
    gcs.putObject("bucket", "in/a.jsonl", "1\n");
    gcs.putObject("bucket", "in/c.csv", "x\n");
    gcs.putObject("bucket", "in/sub/", "");
    gcs.putObject("bucket", "in/sub/d.jsonl", "4444\n");
    gcs.putObject("bucket", "plain/e.jsonl", "55555\n"); // a prefix with no placeholder object
  }

  @After
  public void stop() {
    gcs.close();
  }

  private static List<String> paths(List<InputFile> files) {
    return files.stream().map(f -> f.path() + " " + f.sizeBytes()).toList();
  }

  @Test
  public void aGlobMatchesObjectsNotFolderPlaceholders() {
    assertThat(paths(InputFiles.match("gs://bucket/in/*")),
        contains("gs://bucket/in/a.jsonl 2", "gs://bucket/in/b.jsonl 3", "gs://bucket/in/c.csv 2"));
    assertThat(paths(InputFiles.match("gs://bucket/in/*.jsonl")), contains("gs://bucket/in/a.jsonl 2", "gs://bucket/in/b.jsonl 3"));
    assertThat(paths(InputFiles.match("gs://bucket/in/**.jsonl")),
        contains("gs://bucket/in/a.jsonl 2", "gs://bucket/in/b.jsonl 3", "gs://bucket/in/sub/d.jsonl 5"));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  @Test
  public void aSingleObjectMatches() {
    List<InputFile> files = InputFiles.match("gs://bucket/in/a.jsonl");
    assertThat(paths(files), contains("gs://bucket/in/a.jsonl 2"));
    assertThat(files.get(0).lastModifiedMillis() > 0, equalTo(true));
  }

  @Test
  public void aFolderIsAnErrorSuggestingAGlobLikeALocalDirectory() {
    for (String pattern : List.of("gs://bucket/in/", "gs://bucket/in", "gs://bucket/plain/", "gs://bucket/plain")) {
      NoInputException e = assertThrows(pattern, NoInputException.class, () -> InputFiles.match(pattern));
      assertThat(e.getMessage(), containsString("is a directory"));
      assertThat(e.getMessage(), containsString(pattern.replaceAll("/$", "") + "/*.jsonl"));
    }
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  @Test
  public void aMissingObjectOrEmptyGlobIsNoInput() {
    for (String pattern : List.of("gs://bucket/in/z.jsonl", "gs://bucket/nothing/*.jsonl", "gs://bucket/in/*.parquet")) {
      NoInputException e = assertThrows(pattern, NoInputException.class, () -> InputFiles.match(pattern));
      assertThat(e.getMessage(), containsString("no input files match \"" + pattern + "\""));
    }
  }

  @Test
  public void aGlobOverMoreThanOnePageOfObjectsMatchesThemAll() {
    for (int i = 0; i < 1500; i++) {
      gcs.putObject("bucket", String.format("many/f%04d.jsonl", i), "{}\n");
    }
    gcs.putObject("bucket", "many/skip.csv", "x\n");
    gcs.clearCalls();
    List<InputFile> files = InputFiles.match("gs://bucket/many/*.jsonl");
    assertThat(files.size(), equalTo(1500));
    assertThat(files.get(0).path(), equalTo("gs://bucket/many/f0000.jsonl"));
    assertThat(files.get(1499).path(), equalTo("gs://bucket/many/f1499.jsonl"));
    List<String> calls = gcs.calls().stream().map(c -> c.method() + " " + c.path() + "?" + c.query()).toList();
    assertThat(gcs.log(), calls.size(), equalTo(2));
    assertThat(calls.get(0), equalTo("GET /storage/v1/b/bucket/o?maxResults=1024&prefix=many/"));
    assertThat(calls.get(1), startsWith("GET /storage/v1/b/bucket/o?maxResults=1024&pageToken="));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  @Test
  public void namesWithSpacesPlusSignsAndNonAsciiLettersMatch() {
    gcs.putObject("bucket", "odd/a b+c ñ.jsonl", "{}\n");
    assertThat(paths(InputFiles.match("gs://bucket/odd/*.jsonl")), contains("gs://bucket/odd/a b+c ñ.jsonl 3"));
    assertThat(paths(InputFiles.match("gs://bucket/odd/a b+c ñ.jsonl")), contains("gs://bucket/odd/a b+c ñ.jsonl 3"));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  @Test
  public void aMissingBucketIsNoInputNamingThePattern() {
    NoInputException glob = assertThrows(NoInputException.class, () -> InputFiles.match("gs://nobucket/in/*.jsonl"));
    assertThat(glob.getMessage(), containsString(
        "cannot list input files \"gs://nobucket/in/*.jsonl\": Unable to match files in bucket nobucket, prefix in/."));
    NoInputException one = assertThrows(NoInputException.class, () -> InputFiles.match("gs://nobucket/in/a.jsonl"));
    assertThat(one.getMessage(), containsString("no input files match \"gs://nobucket/in/a.jsonl\""));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  // ------------------------------------------------------------------ pinned inputs

  /** On gs:// an input is pinned by size, the object's update time and its MD5 (Beam's match gives no generation). */
  @Test
  public void anObjectIsPinnedWithItsMd5AndEveryChangeIsNamed() throws Exception {
    gcs.putObject("bucket", "pin/same.jsonl", "1\n");
    gcs.putObject("bucket", "pin/rewritten.jsonl", "22\n");
    gcs.putObject("bucket", "pin/grown.jsonl", "33\n");
    gcs.putObject("bucket", "pin/gone.jsonl", "4\n");
    gcs.putObject("bucket", "pin/odd [1]*.jsonl", "5\n");
    List<InputFile> pinned = InputFiles.match("gs://bucket/pin/*.jsonl");
    assertThat(paths(pinned), contains("gs://bucket/pin/gone.jsonl 2", "gs://bucket/pin/grown.jsonl 3",
        "gs://bucket/pin/odd [1]*.jsonl 2", "gs://bucket/pin/rewritten.jsonl 3", "gs://bucket/pin/same.jsonl 2"));
    assertThat(pinned.get(4).checksum(), equalTo(Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest("1\n".getBytes(UTF_8)))));
    assertThat("the names with glob characters are names, not patterns", InputFiles.changes(pinned), empty());

    gcs.putObject("bucket", "pin/rewritten.jsonl", "XY\n"); // the same size, other bytes
    gcs.putObject("bucket", "pin/grown.jsonl", "33\n44\n");
    gcs.deleteObject("bucket", "pin/gone.jsonl");
    gcs.putObject("bucket", "pin/odd [1]*.jsonl", "6\n");
    String rewrittenMd5 = InputFiles.match("gs://bucket/pin/rewritten.jsonl").get(0).checksum();
    List<String> changes = InputFiles.changes(pinned);

    assertThat(changes.size(), equalTo(4));
    assertThat(changes.get(0), equalTo("input gs://bucket/pin/gone.jsonl disappeared during the run (pinned when the run was planned: 2 bytes, modified "
        + Instant.ofEpochMilli(pinned.get(0).lastModifiedMillis()) + ")"));
    assertThat(changes.get(1), startsWith("input gs://bucket/pin/grown.jsonl changed during the run: size 3 -> 6 bytes, "));
    assertThat(changes.get(2), startsWith("input gs://bucket/pin/odd [1]*.jsonl changed during the run: "));
    assertThat(changes.get(3), startsWith("input gs://bucket/pin/rewritten.jsonl changed during the run: "));
    assertThat(changes.get(3), containsString("MD5 " + pinned.get(3).checksum() + " -> " + rewrittenMd5 + " (pinned when the run was planned)"));
    assertThat(changes.get(3), not(containsString("size")));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }
}
