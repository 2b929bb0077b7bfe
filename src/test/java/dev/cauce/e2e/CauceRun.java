package dev.cauce.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.Cauce;
import dev.cauce.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs cauce in-process the way a user does, capturing what it prints and reading what it wrote. */
final class CauceRun {
  final ExitCode code;
  final String stdout;
  final String stderr;
  final Path output;
  final String runId;

  private CauceRun(ExitCode code, String stdout, String stderr, Path output, String runId) {
    this.code = code;
    this.stdout = stdout;
    this.stderr = stderr;
    this.output = output;
    this.runId = runId;
  }

  static CauceRun run(Path output, String runId, String... args) {
    List<String> all = new ArrayList<>();
    all.add("--runner=DirectRunner"); // a test's own --runner (or --stateStore), given later, wins
    // the run state (ledger, locks) lives beside the test's output, so no state leaks between tests
    all.add("--stateStore=" + output.toAbsolutePath().getParent().resolve("cauce-state"));
    all.add("--output=" + output);
    all.add("--runId=" + runId);
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Cauce.run(all.toArray(String[]::new), o, e);
    }
    return new CauceRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), output, runId);
  }

  JsonNode report() throws IOException {
    return new ObjectMapper().readTree(output.resolve("_runs").resolve(runId).resolve("run-report.json").toFile());
  }

  long count(String... path) throws IOException {
    JsonNode n = report().get("counts");
    for (String p : path) {
      n = n.get(p);
      if (n == null) {
        return 0;
      }
    }
    return n.asLong();
  }

  /** The published lines of a JSONL/CSV dataset folder, in the manifest's file order. */
  static List<String> published(Path dir) throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("_MANIFEST.json").toFile());
    List<String> lines = new ArrayList<>();
    for (JsonNode f : manifest.get("files")) {
      lines.addAll(Files.readAllLines(dir.resolve(f.asText()), StandardCharsets.UTF_8));
    }
    return lines;
  }

  /**
   * The published dead letter, JSONL or CSV, as one map per rejection: its columns, with {@code
   * reasons} holding every violation's reason code joined by commas.
   */
  static List<Map<String, String>> deadLetter(Path dir) throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("_MANIFEST.json").toFile());
    List<Map<String, String>> rows = new ArrayList<>();
    for (JsonNode f : manifest.get("files")) {
      Path file = dir.resolve(f.asText());
      if (file.toString().endsWith(".csv")) {
        CsvMapper csv = new CsvMapper();
        try (MappingIterator<Map<String, String>> it =
            csv.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
          while (it.hasNext()) {
            Map<String, String> row = new LinkedHashMap<>(it.next());
            row.put("reasons", row.get("reasons").replace('|', ','));
            rows.add(row);
          }
        }
      } else {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          JsonNode n = new ObjectMapper().readTree(line);
          Map<String, String> row = new LinkedHashMap<>();
          n.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
          List<String> reasons = new ArrayList<>();
          n.get("errors").forEach(x -> reasons.add(x.get("reason").asText()));
          row.put("reasons", String.join(",", reasons));
          rows.add(row);
        }
      }
    }
    return rows;
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
