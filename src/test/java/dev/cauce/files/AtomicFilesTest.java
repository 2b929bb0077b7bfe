package dev.cauce.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Whole-file writes on a disk that fills up half way, and how a full disk is told and described. */
public class AtomicFilesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String GOOD = "{\"status\": \"SUCCEEDED\", \"run_id\": \"r1\"}";

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp.getRoot().toPath())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  public void aWriteThatRunsOutOfSpaceHalfWayLeavesTheOldFileWholeAndNoTemporaryFile() throws Exception {
    Path report = tmp.getRoot().toPath().resolve("run-report.json");
    AtomicFiles.write(report, GOOD.getBytes(StandardCharsets.UTF_8));

    byte[] next = "{\"status\": \"FAILED\", \"run_id\": \"r1\", \"error\": \"...\"}".getBytes(StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(report, out -> {
      out.write(next, 0, 20);
      out.flush(); // the first half reached the temporary file
      throw new IOException(NoSpace.ENOSPC);
    }));

    assertThat(e.getMessage(), equalTo("No space left on device"));
    assertThat(Files.readString(report), equalTo(GOOD));
    assertThat(names(), equalTo(List.of("run-report.json")));
  }

  @Test
  public void aWriteReplacesTheFileWhole() throws Exception {
    Path report = tmp.getRoot().toPath().resolve("run-report.json");
    AtomicFiles.write(report.toString(), "old".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(report.toString(), GOOD.getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(report), equalTo(GOOD));
    assertThat(names(), equalTo(List.of("run-report.json")));
    assertThat(AtomicFiles.isTemporary("._MANIFEST.json.tmp-0b1c", "_MANIFEST.json"), equalTo(true));
    assertThat(AtomicFiles.isTemporary("_MANIFEST.json", "_MANIFEST.json"), equalTo(false));
  }

  @Test
  public void aFullDiskIsToldApartFromOtherFailuresThroughCausesAndSuppressed() {
    IOException enospc = new IOException(NoSpace.ENOSPC);
    assertThat(NoSpace.causedBy(new RuntimeException("job failed", new UncheckedIOException(enospc))), equalTo(true));
    RuntimeException closing = new RuntimeException("close failed");
    closing.addSuppressed(enospc);
    assertThat(NoSpace.causedBy(closing), equalTo(true));
    assertThat(NoSpace.causedBy(new java.nio.file.FileSystemException("/x/a", null, NoSpace.ENOSPC)), equalTo(true));
    assertThat(NoSpace.causedBy(new IOException("Permission denied")), equalTo(false));
    assertThat(NoSpace.causedBy(null), equalTo(false));
  }

  @Test
  public void theMessageNamesThePathAndTheBytesFreeOnItsFileSystem() throws Exception {
    Path missing = tmp.getRoot().toPath().resolve("out/_staging/r1/"); // not there yet: its nearest folder's file system
    String m = NoSpace.describe(missing.toString());
    assertThat(m, matchesPattern("no space left on " + java.util.regex.Pattern.quote(missing.toString())
        + ": [0-9.]+ (bytes|KB|MB|GB|TB) free"));
    assertThat(NoSpace.describe("gs://bucket/out/_staging/r1/"), equalTo("no space left on gs://bucket/out/_staging/r1/"));
    assertThat(NoSpace.bytes(512), equalTo("512 bytes"));
    assertThat(NoSpace.bytes(12 * 1024), equalTo("12 KB"));
    assertThat(NoSpace.bytes(3_565_158), equalTo("3.4 MB"));
    assertThat(NoSpace.bytes(5L << 40), equalTo("5.0 TB"));
    assertThat(m, containsString(" free"));
  }
}
