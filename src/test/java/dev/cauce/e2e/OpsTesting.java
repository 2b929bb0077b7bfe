package dev.cauce.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small specs and inputs for the tests of operating cauce (state, ledger, progress, alerts). */
final class OpsTesting {
  private OpsTesting() {}

  /** A jsonl spec reading {@code in/*.jsonl}: id (required), amount (decimal, >= 0); dedupe by id. */
  static Path spec(Path dir, String name, String mode, String quality) throws IOException {
    Path spec = dir.resolve(name + ".yaml");
    Files.writeString(spec, """
        name: %s
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        dedupe: {key: [id]}
        sinks:
          - {name: %s, format: jsonl, mode: %s}
        %s
        """.formatted(name, dir.resolve("in"), name, mode, quality == null ? "" : "quality: " + quality));
    Files.createDirectories(dir.resolve("in"));
    return spec;
  }

  /** Writes {@code in/<file>} with {@code n} records with ids {@code <file>-<i>}; every tenth has a negative amount. */
  static Path input(Path dir, String file, int n) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"id\":\"").append(file).append('-').append(i).append("\",\"amount\":\"").append(i % 10 == 9 ? "-1" : i + ".50")
          .append("\"}\n");
    }
    Path f = dir.resolve("in").resolve(file + ".jsonl");
    Files.writeString(f, b, StandardCharsets.UTF_8);
    return f;
  }
}
