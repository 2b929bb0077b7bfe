package dev.cauce.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.Cauce;
import dev.cauce.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs cauce in-process (as {@code dev.cauce.e2e.CauceRun} does) with the options that point Beam's
 * GCS filesystem at a {@link FakeGcsServer}, and reads what it wrote from the server's memory.
 */
final class GcsRun {
  final ExitCode code;
  final String stdout;
  final String stderr;

  private GcsRun(ExitCode code, String stdout, String stderr) {
    this.code = code;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  private static final java.util.Map<FakeGcsServer, java.nio.file.Path> STATE_DIRS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /** A fresh state-store folder per fake server, so that no ledger leaks between tests or test runs. */
  private static java.nio.file.Path stateDir(FakeGcsServer gcs) {
    return STATE_DIRS.computeIfAbsent(gcs, g -> {
      try {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cauce-gcs-state");
        dir.toFile().deleteOnExit();
        return dir;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static GcsRun run(FakeGcsServer gcs, String... args) {
    List<String> all = new ArrayList<>();
    all.add("--runner=DirectRunner");
    all.add("--stateStore=" + stateDir(gcs)); // the run state (ledger) of this test's server only
    all.addAll(gcs.beamArgs());
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Cauce.run(all.toArray(String[]::new), o, e);
    }
    return new GcsRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The lines of a published JSONL/CSV folder in the bucket ({@code prefix} ends with '/'), in manifest order. */
  static List<String> published(FakeGcsServer gcs, String bucket, String prefix) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String f : manifestFiles(gcs, bucket, prefix)) {
      String text = gcs.text(bucket, prefix + f);
      text.lines().forEach(lines::add);
    }
    return lines;
  }

  static List<String> manifestFiles(FakeGcsServer gcs, String bucket, String prefix) throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(gcs.text(bucket, prefix + "_MANIFEST.json"));
    List<String> files = new ArrayList<>();
    manifest.get("files").forEach(f -> files.add(f.asText()));
    return files;
  }

  static JsonNode json(FakeGcsServer gcs, String bucket, String name) throws IOException {
    return new ObjectMapper().readTree(gcs.text(bucket, name));
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
