package dev.cauce.ingest;

import static dev.cauce.ingest.TestSpecs.csvSource;
import static dev.cauce.ingest.TestSpecs.spec;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.cauce.spec.PipelineSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Every input's header read before the job, as the job reads it: plain, compressed, unusable, missing. */
public class InputHeadersTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final PipelineSpec SPEC = spec(csvSource("in/*.csv"), "id", "name");

  private InputFiles.InputFile file(String name, byte[] bytes) throws IOException {
    Path p = tmp.getRoot().toPath().resolve(name);
    Files.write(p, bytes);
    return new InputFiles.InputFile(p.toString(), bytes.length, 0);
  }

  private static List<String> describe(List<InputHeaders.Finding> findings) {
    List<String> d = new ArrayList<>();
    findings.forEach(f -> d.add(Path.of(f.path()).getFileName() + " " + f.check().refused() + " " + f.check().problems()));
    return d;
  }

  @Test
  public void everyFilesHeaderInOrderOnlyThoseThatDiffer() throws IOException {
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (OutputStream out = new BZip2CompressorOutputStream(bz)) {
      out.write("name,ID\n1,a\n".getBytes(UTF_8));
    }
    List<InputFiles.InputFile> files = List.of(
        file("a.csv", "id,name\n1,a\n".getBytes(UTF_8)),
        file("b.csv.bz2", bz.toByteArray()),
        file("c.csv", "".getBytes(UTF_8)),
        file("d.csv", "\"id,name\n1,a\n".getBytes(UTF_8)),
        file("e.csv", "name,id,x\n".getBytes(UTF_8)),
        new InputFiles.InputFile(tmp.getRoot().toPath().resolve("gone.csv").toString(), 1, 0));

    List<InputHeaders.Finding> findings = InputHeaders.check(SPEC, files, 1 << 20);

    List<String> d = describe(findings);
    assertThat(d.subList(0, 3), contains(
        "b.csv.bz2 true [lacks column `id` (missing_columns: refuse), has extra column `ID`: ignored (extra_columns: ignore),"
            + " header has `ID` where the schema expects `id`: rename the column in the file or the field in the schema]",
        "d.csv false [the header line cannot be used: CSV header: a quoted field opened on line 1 is not closed within 1000 lines"
            + " and 1048576 bytes (csv max_quoted_lines, max_quoted_bytes) nor before the end of the input; line 1 was rejected"
            + " and reading resumed at line 2; the file's records will be rejected]",
        "e.csv false [has extra column `x`: ignored (extra_columns: ignore)]"));
    assertThat(d.size(), is(4));
    assertThat(d.get(3), equalTo("gone.csv false [the header line could not be read (FileNotFoundException: "
        + tmp.getRoot().toPath().resolve("gone.csv") + " (No such file or directory))]"));
  }

  @Test
  public void onlyCsvFilesWithAHeaderHaveOne() {
    assertThat(InputHeaders.apply(SPEC), equalTo(true));
    assertThat(InputHeaders.apply(spec(csvSource("x", ',', '"', false), "id")), equalTo(false));
    assertThat(InputHeaders.apply(spec(TestSpecs.jsonlSource("x"), "id")), equalTo(false));
  }
}
