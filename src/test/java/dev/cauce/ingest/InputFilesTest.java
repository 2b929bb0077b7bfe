package dev.cauce.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import dev.cauce.ingest.InputFiles.InputFile;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class InputFilesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private File write(File dir, String name, String content) throws IOException {
    File f = new File(dir, name);
    Files.writeString(f.toPath(), content, StandardCharsets.UTF_8);
    return f;
  }

  /** Dedupe sizes its buckets by the records' bytes: a compressed file counts as its estimated text. */
  @Test
  public void compressedFilesCountAsTheTextTheyHold() {
    assertThat(new InputFile("/d/a.jsonl", 1000, 0).recordBytes(), is(1000L));
    assertThat(new InputFile("/d/a.jsonl.gz", 1000, 0).recordBytes(), is(1000L * InputFile.COMPRESSED_RATIO));
    assertThat(new InputFile("gs://b/a.csv.bz2", 10, 0).recordBytes(), is(10L * InputFile.COMPRESSED_RATIO));
  }

  @Test
  public void matchesAGlobSortedByPathWithSizes() throws IOException {
    File dir = tmp.newFolder("in");
    write(dir, "c.jsonl", "333");
    write(dir, "a.jsonl", "1");
    write(dir, "b.jsonl.gz", "22");
    write(dir, "skip.csv", "x");
    tmp.newFolder("in", "sub.jsonl");

    List<InputFile> files = InputFiles.match(dir + "/*.jsonl*");

    assertThat(
        files.stream().map(InputFile::path).toList(),
        contains(dir + "/a.jsonl", dir + "/b.jsonl.gz", dir + "/c.jsonl"));
    assertThat(files.stream().map(InputFile::sizeBytes).toList(), contains(1L, 2L, 3L));
    assertThat(files.get(0).lastModifiedMillis(), greaterThan(0L));
  }

  @Test
  public void matchesASingleFile() throws IOException {
    File f = write(tmp.getRoot(), "one.csv", "a,b\n");
    assertThat(InputFiles.match(f.getPath()), contains(new InputFile(f.getPath(), 4, f.lastModified())));
  }

  @Test
  public void noMatchNamesThePatternAndSuggestsChecking() {
    String pattern = tmp.getRoot() + "/nothing/*.jsonl";
    NoInputException e = assertThrows(NoInputException.class, () -> InputFiles.match(pattern));
    assertThat(e.getMessage(), containsString("\"" + pattern + "\""));
    assertThat(e.getMessage(), containsString("--input"));
    assertThat(e.pattern(), is(pattern));
  }

  @Test
  public void missingSingleFileIsNoInput() {
    String pattern = tmp.getRoot() + "/orders.jsonl";
    NoInputException e = assertThrows(NoInputException.class, () -> InputFiles.match(pattern));
    assertThat(e.getMessage(), containsString("no input files match"));
  }

  @Test
  public void directoryIsAnErrorSuggestingAGlob() throws IOException {
    File dir = tmp.newFolder("data");
    write(dir, "a.jsonl", "{}");
    for (String pattern : List.of(dir.getPath(), dir.getPath() + "/")) {
      NoInputException e = assertThrows(NoInputException.class, () -> InputFiles.match(pattern));
      assertThat(e.getMessage(), containsString("is a directory"));
      assertThat(e.getMessage(), containsString(dir.getPath() + "/*.jsonl"));
    }
  }

  @Test
  public void blankPatternIsNoInput() {
    NoInputException e = assertThrows(NoInputException.class, () -> InputFiles.match(" "));
    assertThat(e.getMessage(), containsString("--input"));
  }

  // ------------------------------------------------------------------ pinned inputs

  @Test
  public void unchangedInputsHaveNoChanges() throws IOException {
    File dir = tmp.newFolder("in");
    write(dir, "a.jsonl", "1\n");
    write(dir, "b.jsonl", "22\n");
    List<InputFile> pinned = InputFiles.match(dir + "/*.jsonl");
    assertThat(InputFiles.changes(pinned), empty());
    assertThat(InputFiles.change(pinned.get(0)), is(Optional.empty()));
  }

  @Test
  public void eachChangeIsNamedWithWhatChanged() throws IOException {
    File dir = tmp.newFolder("in");
    Path grown = write(dir, "a-grown.jsonl", "1\n").toPath();
    Path touched = write(dir, "b-touched.jsonl", "22\n").toPath();
    Path gone = write(dir, "c-gone.jsonl", "333\n").toPath();
    Path same = write(dir, "d-same.jsonl", "4444\n").toPath();
    Path rewritten = write(dir, "e-rewritten.jsonl", "55555\n").toPath();
    List<InputFile> pinned = InputFiles.match(dir + "/*.jsonl");
    Map<Path, Long> modified = new HashMap<>();
    for (InputFile f : pinned) {
      modified.put(Path.of(f.path()), f.lastModifiedMillis());
    }

    Files.writeString(grown, "1\n2\n");
    Files.setLastModifiedTime(grown, FileTime.fromMillis(modified.get(grown))); // only the size tells
    Files.writeString(touched, "XY\n"); // same size, another time
    Files.setLastModifiedTime(touched, FileTime.fromMillis(modified.get(touched) + 1));
    Files.delete(gone);
    Files.writeString(rewritten, "5\n");
    Files.setLastModifiedTime(rewritten, FileTime.fromMillis(modified.get(rewritten) + 3_600_000));

    assertThat(InputFiles.changes(pinned), contains(
        "input " + grown + " changed during the run: size 2 -> 4 bytes (pinned when the run was planned)",
        "input " + touched + " changed during the run: modified " + Instant.ofEpochMilli(modified.get(touched)) + " -> "
            + Instant.ofEpochMilli(modified.get(touched) + 1) + " (pinned when the run was planned)",
        "input " + gone + " disappeared during the run (pinned when the run was planned: 4 bytes, modified "
            + Instant.ofEpochMilli(modified.get(gone)) + ")",
        "input " + rewritten + " changed during the run: size 6 -> 2 bytes, modified " + Instant.ofEpochMilli(modified.get(rewritten))
            + " -> " + Instant.ofEpochMilli(modified.get(rewritten) + 3_600_000) + " (pinned when the run was planned)"));
    assertThat(InputFiles.change(pinned.get(3)), is(Optional.empty()));
    assertThat(same.toString(), is(pinned.get(3).path()));
  }

  @Test
  public void aFileThatCannotBeCheckedIsAProblemToo() throws IOException {
    File f = write(tmp.getRoot(), "a.jsonl", "1\n");
    InputFile underAFile = new InputFile(f.getPath() + "/b.jsonl", 2, f.lastModified());
    assertThat(InputFiles.changes(List.of(underAFile)), contains(
        startsWith("input " + f.getPath() + "/b.jsonl could not be checked during the run: FileSystemException: ")));
  }

  @Test
  public void aLocalFileIsPinnedWithoutAChecksumAndItsTimeMatchesTheMatch() throws IOException {
    File f = write(tmp.getRoot(), "a[1].jsonl", "1\n");
    InputFile pinned = new InputFile(f.getPath(), 2, f.lastModified());
    assertThat(pinned.checksum(), is(nullValue()));
    assertThat("a name with glob characters is a name, not a pattern", InputFiles.change(pinned), is(Optional.empty()));
  }
}
