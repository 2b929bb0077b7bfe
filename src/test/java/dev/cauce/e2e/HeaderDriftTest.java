package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * CSV header drift, end to end: every input file's header is read before the job (a dry run too)
 * and checked against the schema under the spec's policy; a refused header stops the run with exit
 * 2 naming the file, a filled or ignored difference is named in the summary and the report.
 */
public class HeaderDriftTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** a.csv: header, 3 records, 1 blank line (5 lines); every file fits the schema unless a test writes another. */
  private static final String GOOD = "vendor_id,fare,tip\nV1,10.00,1.00\nV2,20.00,2.00\n\nV3,30.00,3.00\n";

  private Path in() throws IOException {
    return Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
  }

  private Path spec(String csvPolicy) throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("fares.yaml");
    Files.writeString(spec, "name: fares\nsource:\n  path: " + in() + "/*.csv*\n  format: csv\n"
        + (csvPolicy.isEmpty() ? "" : "  csv: {" + csvPolicy + "}\n")
        + """
        schema:
          - {name: vendor_id, type: string, required: true}
          - {name: fare, type: decimal, required: true}
          - {name: tip, type: decimal}
        clean:
          fields:
            tip: {default: "0"}
        """);
    return spec;
  }

  private void files(String b) throws IOException {
    Files.writeString(in().resolve("a.csv"), GOOD);
    Files.writeString(in().resolve("b.csv"), b);
  }

  private CauceRun run(String csvPolicy, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("--spec=" + spec(csvPolicy)));
    args.addAll(List.of(more));
    return CauceRun.run(tmp.getRoot().toPath().resolve("out"), "hdr-1", args.toArray(String[]::new));
  }

  private String b() throws IOException {
    return in().resolve("b.csv").toString();
  }

  @Test
  public void aFileLackingASchemaColumnIsRefusedBeforeTheJobByDefault() throws IOException {
    files("vendor_id,fare\nV4,40.00\nV5,50.00\n");
    CauceRun run = run("");

    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: input " + b() + ": its CSV header does not fit the schema: lacks column `tip`"
        + " (missing_columns: refuse); fix the file's header, or change source.csv in the spec (missing_columns: fill)\n"));
    assertThat(run.stderr, not(containsString("a.csv")));
    assertThat(run.stdout, equalTo(""));
    assertThat(Files.exists(run.output.resolve("_COMMIT.json")), equalTo(false));
    assertThat(Files.exists(run.output.resolve("_runs")), equalTo(false));
  }

  @Test
  public void fillReadsTheFileWithTheDefaultAndNamesItInTheSummaryAndReport() throws IOException {
    files("vendor_id,fare\nV4,40.00\nV5,50.00\n");
    CauceRun run = run("missing_columns: fill");

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 5 = written 5 + rejected 0 + duplicates 0  OK"));
    assertThat(run.stdout, containsString("lines: consumed 8 = in records 5 + skipped 3 (blank 1, header 2)  OK"));
    assertThat(run.stdout, containsString("  headers               1  file(s) read with a header that differs from the schema\n"
        + "    " + b() + ": lacks column `tip`: filled with null or the field's default (missing_columns: fill)\n"));
    JsonNode headers = run.report().get("headers");
    assertThat(headers.size(), equalTo(1));
    assertThat(headers.get(0).get("path").asText(), equalTo(b()));
    assertThat(headers.get(0).get("problems").get(0).asText(),
        equalTo("lacks column `tip`: filled with null or the field's default (missing_columns: fill)"));
    String html = Files.readString(run.output.resolve("_runs").resolve("hdr-1").resolve("run-report.html"));
    assertThat(html, containsString("<li><span class=\"path\">" + b() + "</span>: lacks column `tip`: filled with null"
        + " or the field&#39;s default (missing_columns: fill)</li>"));
    List<String> rows = CauceRun.published(run.output.resolve("fares"));
    assertThat(rows.size(), equalTo(5));
    assertThat(rows.stream().filter(r -> r.contains("\"V4\"")).findFirst().orElseThrow(), containsString("\"tip\":0"));
  }

  @Test
  public void extraColumnsAreIgnoredAndReported() throws IOException {
    files("note,tip,fare,vendor_id\nhi,4.00,40.00,V4\n");
    CauceRun run = run("");

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 4 = written 4 + rejected 0 + duplicates 0  OK"));
    assertThat(run.stdout, containsString("lines: consumed 7 = in records 4 + skipped 3 (blank 1, header 2)  OK"));
    assertThat(run.stdout, containsString("  headers               1  file(s) read with a header that differs from the schema\n"
        + "    " + b() + ": has extra column `note`: ignored (extra_columns: ignore)\n"));
    assertThat(run.report().get("headers").get(0).get("path").asText(), equalTo(b()));

    CauceRun refused = CauceRun.run(tmp.getRoot().toPath().resolve("out2"), "hdr-2", "--spec=" + spec("extra_columns: refuse"));
    assertThat(refused.toString(), refused.code, equalTo(ExitCode.USAGE));
    assertThat(refused.stderr, containsString("cauce: input " + b() + ": its CSV header does not fit the schema: has extra column `note`"
        + " (extra_columns: refuse); fix the file's header, or change source.csv in the spec (extra_columns: ignore)\n"));
  }

  @Test
  public void aRenamedColumnIsRefusedWithTheHint() throws IOException {
    files("VendorID,fare,tip\nV4,40.00,4.00\n");
    CauceRun run = run("");

    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: input " + b() + ": its CSV header does not fit the schema: lacks column `vendor_id`"
        + " (missing_columns: refuse); has extra column `VendorID`: ignored (extra_columns: ignore);"
        + " header has `VendorID` where the schema expects `vendor_id`: rename the column in the file or the field in the schema;"
        + " fix the file's header, or change source.csv in the spec (missing_columns: fill)\n"));
  }

  @Test
  public void strictOrderRefusesAReorderedFileAndAnyOrderReadsIt() throws IOException {
    files("fare,vendor_id,tip\n40.00,V4,4.00\n");
    CauceRun strict = run("column_order: strict");
    assertThat(strict.toString(), strict.code, equalTo(ExitCode.USAGE));
    assertThat(strict.stderr, containsString("cauce: input " + b() + ": its CSV header does not fit the schema: columns are out of"
        + " the schema's order: `fare`, `vendor_id`, `tip` where the schema has `vendor_id`, `fare`, `tip` (column_order: strict);"
        + " fix the file's header, or change source.csv in the spec (column_order: any)\n"));

    CauceRun any = CauceRun.run(tmp.getRoot().toPath().resolve("out2"), "hdr-2", "--spec=" + spec(""));
    assertThat(any.toString(), any.code, equalTo(ExitCode.OK));
    assertThat(any.stdout, containsString("check: read 4 = written 4 + rejected 0 + duplicates 0  OK"));
    assertThat(any.stdout, not(containsString("headers")));
    assertThat(any.report().get("headers"), equalTo(null));
  }

  @Test
  public void aDryRunReadsEveryHeaderAndReportsTheSecondFilesCompressed() throws IOException {
    Files.writeString(in().resolve("a.csv"), GOOD);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write("\uFEFFvendor_id,fare\r\nV4,40.00\r\n".getBytes(StandardCharsets.UTF_8));
    }
    Path second = Files.write(in().resolve("b.csv.gz"), gz.toByteArray());
    Files.writeString(in().resolve("c.csv"), "vendor_id,fare,tip,note\nV5,50.00,5.00,x\n");

    CauceRun dry = run("", "--dryRun=true");
    assertThat(dry.toString(), dry.code, equalTo(ExitCode.USAGE));
    assertThat(dry.stderr, containsString("cauce: input " + second + ": its CSV header does not fit the schema: lacks column `tip`"
        + " (missing_columns: refuse); fix the file's header, or change source.csv in the spec (missing_columns: fill)\n"));
    assertThat(dry.stderr, not(containsString("a.csv")));
    assertThat(dry.stderr, not(containsString("c.csv")));

    CauceRun filled = run("missing_columns: fill", "--dryRun=true");
    assertThat(filled.toString(), filled.code, equalTo(ExitCode.OK));
    Path a = in().resolve("a.csv");
    Path c = in().resolve("c.csv");
    assertThat(filled.stdout, equalTo("cauce: spec " + tmp.getRoot().toPath().resolve("fares.yaml")
        + " is valid; 3 input file(s) match; dry run, nothing ran.\n"
        + "  " + a + " (" + Files.size(a) + " bytes)\n"
        + "  " + second + " (" + Files.size(second) + " bytes)\n"
        + "    header: lacks column `tip`: filled with null or the field's default (missing_columns: fill)\n"
        + "  " + c + " (" + Files.size(c) + " bytes)\n"
        + "    header: has extra column `note`: ignored (extra_columns: ignore)\n"));
  }

  @Test
  public void everyFileIsCheckedNotOnlyTheFirst() throws IOException {
    Files.writeString(in().resolve("a.csv"), GOOD);
    Files.writeString(in().resolve("b.csv"), GOOD);
    Files.writeString(in().resolve("c.csv"), "vendor_id,tip\nV9,9.00\n");
    CauceRun run = run("");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr.lines().filter(l -> l.startsWith("cauce: input ")).toList(), contains(
        "cauce: input " + in().resolve("c.csv") + ": its CSV header does not fit the schema: lacks column `fare`"
            + " (missing_columns: refuse); fix the file's header, or change source.csv in the spec (missing_columns: fill)"));
  }
}
