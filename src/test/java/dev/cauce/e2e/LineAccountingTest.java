package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every physical line of the input files is accounted for, end to end: a stray CSV quote costs
 * its record, not the rest of the file, and whitespace-only JSON Lines lines are counted as blank.
 */
public class LineAccountingTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path spec(String name, String format, String fields) throws IOException {
    Path in = tmp.getRoot().toPath().resolve("in");
    Path spec = tmp.getRoot().toPath().resolve(name + ".yaml");
    Files.writeString(spec, "name: " + name + "\nsource:\n  path: " + in + "/*." + format + "\n  format: " + format
        + "\nschema:\n" + fields);
    return spec;
  }

  /** {@code id,name} then 60,001 rows; the row on line 3 opens a quote it never closes. */
  private void strayQuoteFile() throws IOException {
    StringBuilder sb = new StringBuilder("id,name\n");
    for (int i = 2; i <= 60_002; i++) {
      sb.append(i).append(i == 3 ? ",\"stray quote" : ",name" + i).append('\n');
    }
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve("rows.csv"), sb.toString(), StandardCharsets.UTF_8);
  }

  @Test
  public void aStrayQuoteAtLine3Of60002LinesCostsOneRecordReadWholeOrInParts() throws IOException {
    strayQuoteFile();
    Path spec = spec("rows", "csv", "  - {name: id, type: long, required: true}\n  - {name: name, type: string}\n");
    for (String split : List.of("--splitBytes=0", "--splitBytes=65536")) {
      String runId = split.endsWith("=0") ? "whole" : "parts";
      CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out-" + runId), runId, "--spec=" + spec, split);

      assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
      assertThat(run.count("read"), equalTo(60_001L));
      assertThat(run.count("rejected"), equalTo(1L));
      assertThat(run.count("written", "rows"), equalTo(60_000L));
      assertThat(BadInputCorpusTest.reasons(run.report()), equalTo(new TreeMap<>(Map.of("ingest/unterminated_quote", 1L))));
      List<String> dead = CauceRun.published(run.output.resolve("rejected"));
      assertThat(dead, hasSize(1));
      JsonNode bad = BadInputCorpusTest.json(dead.get(0));
      assertThat(bad.get("line").asLong(), equalTo(3L));
      assertThat(bad.get("raw").asText(), equalTo("3,\"stray quote"));
      JsonNode lines = run.report().get("counts").get("lines");
      assertThat(lines.get("consumed").asLong(), equalTo(60_002L));
      assertThat(lines.get("in_records").asLong(), equalTo(60_001L));
      assertThat(lines.get("skipped").get("header").asLong(), equalTo(1L));
      assertThat(run.stdout, containsString("check: read 60001 = written 60000 + rejected 1 + duplicates 0  OK"));
      assertThat(run.stdout, containsString("lines: consumed 60002 = in records 60001 + skipped 1 (header 1)  OK"));
      assertThat(run.report().get("conservation").get("lines").asText(),
          equalTo("consumed 60002 = in records 60001 + skipped 1 (header 1)"));
    }
  }

  @Test
  public void whitespaceOnlyJsonLinesAreCountedAsBlank() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 310; i++) {
      sb.append(i == 155 ? " \t " : "{\"id\":" + i + "}").append('\n');
    }
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve("a.jsonl"), sb.toString(), StandardCharsets.UTF_8);
    Path spec = spec("ids", "jsonl", "  - {name: id, type: long, required: true}\n");

    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "blank-1", "--spec=" + spec);

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.count("read"), equalTo(309L));
    assertThat(run.stdout, containsString("lines: consumed 310 = in records 309 + skipped 1 (blank 1)  OK"));
  }
}
