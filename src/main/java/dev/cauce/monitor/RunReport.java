package dev.cauce.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.quality.QualityGate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * {@code run-report.json}: everything about one run in one file — who, what, inputs, counts per
 * stage, reason and rule, the conservation check, the quality gate, outputs, timings and status.
 * Option values are masked ({@link Secrets}) before they get here.
 */
public final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, Long> timingsMs = new LinkedHashMap<>();

  public RunReport(String runId, String pipeline, String specFile, String runner, Instant startedAt) {
    root.put("run_id", runId);
    root.put("pipeline", pipeline);
    root.put("spec", specFile);
    root.put("runner", runner);
    root.put("status", "RUNNING");
    root.put("exit_code", null);
    root.put("started_at", startedAt.toString());
    root.put("finished_at", null);
  }

  public RunReport options(Map<String, String> maskedOptions) {
    root.put("options", maskedOptions);
    return this;
  }

  public RunReport inputs(List<InputFile> inputs) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (InputFile f : inputs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", f.path());
      m.put("size_bytes", f.sizeBytes());
      m.put("last_modified", f.lastModifiedMillis() > 0 ? Instant.ofEpochMilli(f.lastModifiedMillis()).toString() : null);
      list.add(m);
    }
    root.put("inputs", list);
    return this;
  }

  /** An HTTP source's input: its first page's URL, secrets masked. */
  public RunReport inputUrl(String maskedUrl) {
    root.put("inputs", List.of(Map.of("url", Secrets.maskText(maskedUrl))));
    return this;
  }

  public RunReport timing(String phase, long millis) {
    timingsMs.put(phase, millis);
    return this;
  }

  public RunReport counts(RunCounts c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("read", c.read());
    m.put("written", c.writtenBySink());
    m.put("rejected", c.rejected());
    m.put("rejected_by_stage", c.rejectedByStage());
    m.put("violations_by_stage_and_reason", c.reasons());
    m.put("duplicates", c.duplicates());
    m.put("warnings_by_rule", c.warnings());
    m.put("dead_lettered", c.deadLettered());
    if (!c.source().isEmpty()) {
      m.put("source", c.source());
    }
    root.put("counts", m);
    return this;
  }

  public RunReport conservation(List<String> equations, List<String> problems) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("holds", problems.isEmpty());
    m.put("equations", equations);
    m.put("problems", problems);
    root.put("conservation", m);
    return this;
  }

  public RunReport quality(QualityGate.Verdict verdict) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("passed", verdict.passed());
    m.put("checked", verdict.checked());
    List<Map<String, Object>> breaches = new ArrayList<>();
    for (QualityGate.Breach b : verdict.breaches()) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("limit", b.limit());
      bm.put("allowed", b.allowed());
      bm.put("actual", b.actual());
      bm.put("message", b.message());
      breaches.add(bm);
    }
    m.put("breaches", breaches);
    root.put("quality_gate", m);
    return this;
  }

  public RunReport outputs(List<String> published, String staging) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("published", published);
    m.put("staging_kept", staging);
    root.put("outputs", m);
    return this;
  }

  /** Adds (or replaces) a top-level section, e.g. {@code jdbc} (tables, retries, breaker transitions) or {@code ingestion} (what the ledger skipped). */
  public RunReport section(String key, Object value) {
    root.put(key, value);
    return this;
  }

  public RunReport finish(String status, int exitCode, String error, Instant finishedAt) {
    root.put("status", status);
    root.put("exit_code", exitCode);
    root.put("finished_at", finishedAt.toString());
    if (error != null) {
      root.put("error", Secrets.maskText(error));
    }
    return this;
  }

  public Map<String, Object> asMap() {
    Map<String, Object> copy = new LinkedHashMap<>(root);
    copy.put("timings_ms", timingsMs);
    return copy;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(asMap());
    } catch (IOException e) {
      throw new IllegalStateException("cannot render the run report", e);
    }
  }

  /** Writes the report through Beam's file systems (local or gs://) and returns its path. */
  public String writeTo(String runDir) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(runDir, true);
    ResourceId file = dir.resolve("run-report.json", org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT))) {
      out.write(toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return file.toString();
  }
}
