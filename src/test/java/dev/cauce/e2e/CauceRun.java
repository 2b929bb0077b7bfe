package dev.cauce.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;

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
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--output=" + output);
    all.add("--runId=" + runId);
    all.add("--runner=DirectRunner");
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

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
