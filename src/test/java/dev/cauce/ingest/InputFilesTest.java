package dev.cauce.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.cauce.ingest.InputFiles.InputFile;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
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
}
