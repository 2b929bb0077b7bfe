package dev.cauce.monitor;

import dev.cauce.files.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.cauce.metrics.Conservation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.write.Layout;
import dev.cauce.write.Publisher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * {@code run-report.html}: the run report as one self-contained page for a person — inline CSS
 * (with print rules), an inline SVG bar chart, no scripts, no external references. Status, the
 * conservation equation, counts per stage, rejections by reason, up to {@value #SAMPLES} sample
 * rejected records per reason with their source file and line (read back from the run's dead
 * letter), inputs, timings and options (already masked in the report). Numbers carry {@code
 * data-count} attributes so that tests (and scrapers) can read them back.
 */
public final class HtmlReport {
  public static final int SAMPLES = 5;
  public static final int RAW_CHARS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  private HtmlReport() {}

  /** One sample rejection: where it came from, what was wrong, and its raw text (truncated). */
  public record Sample(String source, String line, String message, String raw) {}

  /**
   * Renders the page for {@code report} and writes it beside {@code jsonPath} (local or gs://).
   *
   * @return the page's path
   */
  public static String writeBeside(RunReport report, PipelineSpec spec, String runId, String jsonPath) throws IOException {
    Map<String, List<Sample>> samples = samples(report, spec, runId);
    ResourceId json = FileSystems.matchNewResource(jsonPath, false);
    ResourceId html = json.getCurrentDirectory().resolve("run-report.html", StandardResolveOptions.RESOLVE_FILE);
    AtomicFiles.write(html, render(report, samples).getBytes(StandardCharsets.UTF_8));
    return html.toString();
  }

  // ---- samples from the dead letter ----

  /** Up to {@value #SAMPLES} rejections per "stage/reason" from this run's dead letter files. */
  static Map<String, List<Sample>> samples(RunReport report, PipelineSpec spec, String runId) throws IOException {
    List<String> files = deadLetterFiles("SUCCEEDED".equals(report.status()), spec, runId);
    int wanted = reasons(report).size();
    Map<String, List<Sample>> samples = new TreeMap<>();
    for (String f : files) {
      if (wanted > 0 && full(samples, wanted)) {
        break;
      }
      ResourceId id = FileSystems.matchNewResource(f, false);
      try (Reader r = new InputStreamReader(Channels.newInputStream(FileSystems.open(id)), StandardCharsets.UTF_8)) {
        if (f.endsWith(".csv")) {
          readCsv(r, samples, wanted);
        } else {
          readJsonl(new BufferedReader(r), samples, wanted);
        }
      }
    }
    return samples;
  }

  /** This run's dead letter files: published ones for a published run, else its staging. */
  private static List<String> deadLetterFiles(boolean published, PipelineSpec spec, String runId) throws IOException {
    DeadLetterSpec dl = spec.deadLetter() == null ? DeadLetterSpec.DEFAULT : spec.deadLetter();
    List<String> files = new ArrayList<>();
    if (published) {
      for (String f : Publisher.publishedFiles(Layout.published(spec.output(), dl.name()).toString())) {
        if (FileSystems.matchNewResource(f, false).getFilename().startsWith(runId + "-")) {
          files.add(f);
        }
      }
    } else {
      MatchResult m = FileSystems.match(Layout.staging(spec.output(), runId, dl.name()) + "*", EmptyMatchTreatment.ALLOW);
      if (m.status() == MatchResult.Status.OK) {
        for (MatchResult.Metadata md : m.metadata()) {
          if (Layout.isDataFile(md.resourceId().getFilename())) {
            files.add(md.resourceId().toString());
          }
        }
      }
      files.sort(null);
    }
    return files;
  }

  private static boolean full(Map<String, List<Sample>> samples, int wanted) {
    return samples.size() >= wanted && samples.values().stream().allMatch(l -> l.size() >= SAMPLES);
  }

  private static void add(Map<String, List<Sample>> samples, String stage, String reason, Sample s) {
    List<Sample> l = samples.computeIfAbsent(stage + "/" + reason, k -> new ArrayList<>());
    if (l.size() < SAMPLES) {
      l.add(s);
    }
  }

  private static void readJsonl(BufferedReader r, Map<String, List<Sample>> samples, int wanted) throws IOException {
    String line;
    while ((line = r.readLine()) != null && !(wanted > 0 && full(samples, wanted))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      String stage = n.path("stage").asText();
      Sample s = new Sample(n.path("source").asText(null), n.path("line").asText(""), n.path("message").asText(""), truncate(n.path("raw").asText("")));
      if (n.path("errors").isArray() && n.path("errors").size() > 0) {
        for (JsonNode e : n.path("errors")) {
          add(samples, stage, e.path("reason").asText(), new Sample(s.source(), s.line(), e.path("message").asText(s.message()), s.raw()));
        }
      } else {
        add(samples, stage, n.path("reason").asText(), s);
      }
    }
  }

  private static void readCsv(Reader r, Map<String, List<Sample>> samples, int wanted) throws IOException {
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper().readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(r)) {
      while (it.hasNext() && !(wanted > 0 && full(samples, wanted))) {
        Map<String, String> row = it.next();
        Sample s = new Sample(row.get("source"), row.getOrDefault("line", ""), row.getOrDefault("message", ""), truncate(row.getOrDefault("raw", "")));
        String reasons = row.get("reasons");
        for (String reason : (reasons == null || reasons.isEmpty() ? row.get("reason") : reasons).split("\\|")) {
          add(samples, row.get("stage"), reason, s);
        }
      }
    }
  }

  private static String truncate(String raw) {
    return raw.length() <= RAW_CHARS ? raw : raw.substring(0, RAW_CHARS) + "… (" + raw.length() + " characters)";
  }

  // ---- rendering ----

  /** "stage/reason" → violations, in stage order. */
  static Map<String, Long> reasons(RunReport report) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (report.counts() != null) {
      report.counts().violationsByStageAndReason().forEach((stage, byReason) ->
          byReason.forEach((reason, n) -> m.put(stage + "/" + reason, n)));
    }
    return m;
  }

  public static String render(RunReport r, Map<String, List<Sample>> samples) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>cauce run ").append(esc(r.runId())).append(" · ").append(esc(r.pipeline())).append(" · ")
        .append(esc(r.status())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    header(h, r);
    conservation(h, r);
    if (r.counts() != null) {
      stages(h, r.counts());
    }
    if (r.qualityGate() != null) {
      quality(h, r.qualityGate());
    }
    if (r.expectations() != null) {
      expectations(h, r.expectations());
    }
    reasons(h, reasons(r), samples);
    inputs(h, r);
    outputs(h, r.outputs());
    timings(h, r.timingsMs());
    h.append("<section id=\"options\">\n<h2>Options</h2>\n<table>\n<tbody>\n");
    if (r.options() != null) {
      r.options().forEach((k, v) -> h.append("<tr><td>--").append(esc(k)).append("</td><td class=\"path\">").append(esc(v)).append("</td></tr>\n"));
    }
    h.append("</tbody>\n</table>\n<p class=\"muted\">Secret values are masked.</p>\n</section>\n");
    h.append("<footer>cauce run report · run-report.json beside this page holds the same figures.</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void header(StringBuilder h, RunReport r) {
    h.append("<header>\n<h1>Pipeline <span data-field=\"pipeline\">").append(esc(r.pipeline())).append("</span></h1>\n")
        .append("<p class=\"status ").append(esc(r.status().toLowerCase(Locale.ROOT))).append("\" data-field=\"status\">").append(esc(r.status()))
        .append("</p>\n<dl class=\"facts\">\n");
    fact(h, "run id", r.runId(), "run_id");
    fact(h, "runner", r.runner(), "runner");
    fact(h, "spec", r.spec(), "spec");
    fact(h, "started", r.startedAt(), "started_at");
    fact(h, "finished", r.finishedAt(), "finished_at");
    fact(h, "exit code", r.exitCode(), "exit_code");
    h.append("</dl>\n");
    if (r.error() != null) {
      h.append("<p class=\"error\" data-field=\"error\">").append(esc(r.error())).append("</p>\n");
    }
    h.append("</header>\n");
  }

  private static void conservation(StringBuilder h, RunReport r) {
    RunReport.Counts counts = r.counts();
    h.append("<section id=\"conservation\">\n<h2>Every record accounted for</h2>\n");
    if (counts == null) {
      h.append("<p>The job did not get as far as counting its records.</p>\n</section>\n");
      return;
    }
    h.append("<p class=\"equation\">read ").append(num("read", counts.read()))
        .append(" = written ").append(num("written", counts.written().isEmpty() ? 0 : counts.written().values().iterator().next()))
        .append(" + rejected ").append(num("rejected", counts.rejected()))
        .append(" + duplicates ").append(num("duplicates", counts.duplicates())).append("</p>\n");
    Conservation.Check cons = r.conservation();
    if (cons != null) {
      h.append("<p class=\"").append(cons.holds() ? "ok" : "bad").append("\" data-field=\"conservation\">")
          .append(cons.holds() ? "The equation holds for every sink, and the dead letter holds every rejected record." : "BROKEN")
          .append("</p>\n<ul>\n");
      cons.equations().forEach(e -> h.append("<li>").append(esc(e)).append("</li>\n"));
      if (cons.lines() != null) {
        h.append("<li data-field=\"lines\">lines: ").append(esc(cons.lines())).append("</li>\n");
      }
      cons.problems().forEach(e -> h.append("<li class=\"bad\">").append(esc(e)).append("</li>\n"));
      h.append("</ul>\n");
    }
    h.append("</section>\n");
  }

  private static void stages(StringBuilder h, RunReport.Counts counts) {
    h.append("<section id=\"stages\">\n<h2>Counts per stage</h2>\n<table>\n<thead><tr><th>stage</th><th class=\"n\">records</th><th>detail</th></tr></thead>\n<tbody>\n");
    row(h, "read", "read", counts.read(), "records taken from the inputs");
    counts.rejectedByStage().forEach((stage, n) ->
        row(h, "rejected at " + stage, "rejected." + stage, n, joined(counts.violationsByStageAndReason().get(stage))));
    row(h, "duplicates dropped", "duplicates", counts.duplicates(), "");
    counts.written().forEach((sink, n) -> row(h, "written to " + sink, "written." + sink, n, ""));
    row(h, "dead-lettered", "dead_lettered", counts.deadLettered(), "rejections written to the dead letter");
    Map<String, Long> warnings = counts.warningsByRule();
    if (warnings != null && !warnings.isEmpty()) {
      long w = warnings.values().stream().mapToLong(Long::longValue).sum();
      row(h, "warnings (records kept)", "warnings", w, joined(warnings));
    }
    // values changed on the way (kept records and rejected ones alike), per field or step
    sumRow(h, "values mapped by dictionaries", "mapped", counts.mappedByField());
    sumRow(h, "lookups that found a reference row", "lookup_filled", counts.lookupsFilledByField());
    sumRow(h, "lookups whose key is not in the reference", "lookup_missed", counts.lookupsMissedByField());
    sumRow(h, "values changed by cleaning steps", "changed", counts.changedByStep());
    if (counts.dependencies() != null) {
      counts.dependencies().forEach((dep, n) -> row(h, "cells repaired by " + dep, "repaired." + dep, n.getOrDefault("repaired", 0L),
          n.getOrDefault("violations", 0L) + " violating group(s) of " + n.getOrDefault("violating_records", 0L) + " record(s), "
              + n.getOrDefault("unresolved", 0L) + " unresolved"));
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  /** One row per expectation: status, what was expected (its kwargs), what was observed, and a small SVG. */
  @SuppressWarnings("unchecked")
  private static void expectations(StringBuilder h, Map<String, Object> suite) {
    Map<String, Object> stats = (Map<String, Object>) suite.get("statistics");
    h.append("<section id=\"expectations\">\n<h2>Expectations</h2>\n<p class=\"")
        .append(Boolean.TRUE.equals(suite.get("success")) ? "ok" : "bad").append("\" data-field=\"expectations\">")
        .append(stats.get("successful_expectations")).append(" of ").append(stats.get("evaluated_expectations"))
        .append(" evaluated expectations passed; ").append(stats.get("skipped_expectations")).append(" skipped</p>\n")
        .append("<table>\n<thead><tr><th>status</th><th>expectation</th><th>expected</th><th>observed</th><th></th></tr></thead>\n<tbody>\n");
    for (Map<String, Object> r : (List<Map<String, Object>>) suite.get("results")) {
      Map<String, Object> config = (Map<String, Object>) r.get("expectation_config");
      Map<String, Object> cauce = (Map<String, Object>) r.get("cauce");
      Map<String, Object> result = (Map<String, Object>) r.get("result");
      Map<String, Object> kwargs = (Map<String, Object>) config.get("kwargs");
      String status = String.valueOf(cauce.get("status"));
      String shown = status.equals("failed") && "warn".equals(cauce.get("severity")) ? "failed (warn)" : status;
      h.append("<tr class=\"").append(status.equals("failed") ? "bad" : status.equals("passed") ? "ok" : "muted")
          .append("\" data-expectation=\"").append(esc(cauce.get("id"))).append("\"><td>").append(esc(shown)).append("</td><td>")
          .append(esc(config.get("expectation_type"))).append("<br><span class=\"muted\">").append(esc(cauce.get("id")))
          .append("</span></td><td>").append(esc(kwargs)).append("</td><td>").append(esc(observed(result, cauce)))
          .append("</td><td>").append(svg(result, kwargs, status)).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  private static String observed(Map<String, Object> result, Map<String, Object> cauce) {
    if (result.containsKey("observed_value")) {
      return String.valueOf(result.get("observed_value"));
    }
    if (result.containsKey("unexpected_count")) {
      return result.get("unexpected_count") + " unexpected (" + result.get("unexpected_percent") + "% of non-missing), e.g. "
          + result.get("partial_unexpected_list");
    }
    return cauce.containsKey("note") ? String.valueOf(cauce.get("note")) : "";
  }

  /**
   * A 120x14 SVG: for a map expectation the share of unexpected values (red) in a bar; for a figure
   * with bounds, the allowed range (grey) and the observed value (a dot, green or red).
   */
  static String svg(Map<String, Object> result, Map<String, Object> kwargs, String status) {
    String color = status.equals("failed") ? "#b00020" : "#1b7f3b";
    if (result.get("unexpected_percent") instanceof Number pct) {
      double w = Math.max(0, Math.min(120, pct.doubleValue() * 1.2));
      return String.format(Locale.ROOT, "<svg width=\"120\" height=\"14\" role=\"img\"><title>%.2f%% unexpected</title>"
          + "<rect width=\"120\" height=\"14\" fill=\"#e8e8e8\"/><rect width=\"%.1f\" height=\"14\" fill=\"#b00020\"/></svg>", pct.doubleValue(), w);
    }
    if (!(result.get("observed_value") instanceof Number obs) || !(kwargs.get("min_value") instanceof Number || kwargs.get("max_value") instanceof Number)) {
      return "";
    }
    double o = obs.doubleValue();
    double lo = kwargs.get("min_value") instanceof Number n ? n.doubleValue() : Math.min(o, 0);
    double hi = kwargs.get("max_value") instanceof Number n ? n.doubleValue() : Math.max(o, lo) * 1.25 + 1;
    double from = Math.min(lo, o);
    double to = Math.max(hi, o);
    double span = to - from == 0 ? 1 : to - from;
    java.util.function.DoubleUnaryOperator x = v -> 5 + (v - from) / span * 110;
    return String.format(Locale.ROOT, "<svg width=\"120\" height=\"14\" role=\"img\"><title>allowed %s to %s, observed %s</title>"
        + "<rect x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"6\" fill=\"#c8c8c8\"/><circle cx=\"%.1f\" cy=\"7\" r=\"4\" fill=\"%s\"/></svg>",
        kwargs.get("min_value"), kwargs.get("max_value"), obs, x.applyAsDouble(lo), Math.max(1, x.applyAsDouble(hi) - x.applyAsDouble(lo)),
        x.applyAsDouble(o), color);
  }

  private static void quality(StringBuilder h, RunReport.Gate gate) {
    h.append("<section id=\"quality\">\n<h2>Quality gate</h2>\n<p class=\"").append(gate.passed() ? "ok" : "bad").append("\" data-field=\"quality\">")
        .append(gate.passed() ? "passed" : "REFUSED: nothing was published").append("</p>\n<ul>\n");
    gate.breaches().forEach(b -> h.append("<li class=\"bad\">").append(esc(b.message())).append("</li>\n"));
    gate.checked().forEach(c -> h.append("<li>").append(esc(c)).append("</li>\n"));
    h.append("</ul>\n</section>\n");
  }

  private static void reasons(StringBuilder h, Map<String, Long> reasons, Map<String, List<Sample>> samples) {
    h.append("<section id=\"reasons\">\n<h2>Rejections by reason</h2>\n");
    if (reasons.isEmpty()) {
      h.append("<p>No record was rejected.</p>\n");
    } else {
      chart(h, reasons);
      h.append("<h3>Sample rejected records</h3>\n");
      reasons.forEach((reason, n) -> samples(h, reason, n, samples.getOrDefault(reason, List.of())));
    }
    h.append("</section>\n");
  }

  private static void samples(StringBuilder h, String reason, long n, List<Sample> list) {
    h.append("<h4 data-reason=\"").append(esc(reason)).append("\">").append(esc(reason)).append(" <small>(")
        .append(list.size()).append(" of ").append(n).append(" shown)</small></h4>\n");
    if (list.isEmpty()) {
      h.append("<p class=\"muted\">No sample: the dead letter of this run could not be read.</p>\n");
      return;
    }
    h.append("<table class=\"samples\">\n<thead><tr><th>source</th><th>line</th><th>message</th><th>raw record</th></tr></thead>\n<tbody>\n");
    for (Sample s : list) {
      h.append("<tr><td class=\"path\">").append(esc(s.source())).append("</td><td class=\"n\">").append(esc(s.line()))
          .append("</td><td>").append(esc(s.message())).append("</td><td><pre>").append(esc(s.raw())).append("</pre></td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void inputs(StringBuilder h, RunReport r) {
    h.append("<section id=\"inputs\">\n<h2>Inputs</h2>\n");
    RunReport.Ingestion ing = r.ingestion();
    if (ing != null) {
      h.append("<p>").append(num("inputs_matched", ing.matched())).append(" file(s) matched; ")
          .append(num("inputs_read", ing.read())).append(" read; ")
          .append(num("inputs_skipped", ing.skipped())).append(" skipped as already ingested")
          .append(ing.reprocess() ? " (--reprocess)" : "").append(".</p>\n");
    }
    h.append("<table>\n<thead><tr><th>file</th><th class=\"n\">bytes</th><th>modified</th></tr></thead>\n<tbody>\n");
    for (RunReport.Input in : r.inputs()) {
      h.append("<tr><td class=\"path\">");
      if (in instanceof RunReport.FileInput f) {
        h.append(esc(f.path())).append("</td><td class=\"n\">").append(esc(f.sizeBytes())).append("</td><td>").append(esc(f.lastModified()));
      } else {
        h.append("</td><td class=\"n\"></td><td>"); // an HTTP source's page: no file, size or time
      }
      h.append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
    if (r.headers() != null) {
      h.append("<p>CSV headers that differ from the schema (read as the spec's policy allows):</p>\n<ul>\n");
      r.headers().forEach(n -> h.append("<li><span class=\"path\">").append(esc(n.path())).append("</span>: ")
          .append(esc(String.join("; ", n.problems()))).append("</li>\n"));
      h.append("</ul>\n");
    }
    h.append("</section>\n");
  }

  private static void outputs(StringBuilder h, RunReport.Outputs outs) {
    if (outs == null) {
      return;
    }
    h.append("<section id=\"outputs\">\n<h2>Outputs</h2>\n<ul>\n");
    outs.published().forEach(p -> h.append("<li>published: <span class=\"path\">").append(esc(p)).append("</span></li>\n"));
    if (outs.stagingKept() != null) {
      h.append("<li>staging kept for debugging: <span class=\"path\">").append(esc(outs.stagingKept())).append("</span></li>\n");
    }
    h.append("</ul>\n</section>\n");
  }

  private static void timings(StringBuilder h, RunReport.Timings t) {
    h.append("<section id=\"timings\">\n<h2>Timings</h2>\n<table>\n<tbody>\n");
    Map<String, Long> phases = new LinkedHashMap<>();
    if (t != null) {
      phases.put("check", t.check());
      phases.put("run", t.run());
      phases.put("publish", t.publish());
      phases.put("total", t.total());
    }
    phases.forEach((phase, ms) -> {
      if (ms != null) {
        h.append("<tr><td>").append(esc(phase)).append("</td><td class=\"n\" data-timing=\"").append(esc(phase))
            .append("\">").append(String.format(Locale.ROOT, "%.3f s", ms / 1000.0)).append("</td></tr>\n");
      }
    });
    h.append("</tbody>\n</table>\n</section>\n");
  }

  private static void chart(StringBuilder h, Map<String, Long> reasons) {
    long max = reasons.values().stream().mapToLong(Long::longValue).max().orElse(1);
    int barH = 22;
    int labelW = 260;
    int barW = 380;
    int height = reasons.size() * barH + 10;
    h.append("<svg class=\"chart\" role=\"img\" aria-label=\"Rejections by reason\" width=\"")
        .append(labelW + barW + 70).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(labelW + barW + 70)
        .append(' ').append(height).append("\">\n");
    int y = 5;
    for (Map.Entry<String, Long> e : reasons.entrySet()) {
      long w = Math.max(2, Math.round((double) e.getValue() / max * barW));
      h.append("<g><text x=\"").append(labelW - 6).append("\" y=\"").append(y + 15).append("\" text-anchor=\"end\">").append(esc(e.getKey()))
          .append("</text><rect x=\"").append(labelW).append("\" y=\"").append(y + 3).append("\" width=\"").append(w).append("\" height=\"")
          .append(barH - 6).append("\" data-reason=\"").append(esc(e.getKey())).append("\" data-count=\"").append(e.getValue())
          .append("\"><title>").append(esc(e.getKey())).append(": ").append(e.getValue()).append("</title></rect><text x=\"")
          .append(labelW + w + 6).append("\" y=\"").append(y + 15).append("\">").append(e.getValue()).append("</text></g>\n");
      y += barH;
    }
    h.append("</svg>\n");
  }

  private static void fact(StringBuilder h, String label, Object value, String field) {
    h.append("<div><dt>").append(esc(label)).append("</dt><dd data-field=\"").append(field).append("\">").append(esc(value)).append("</dd></div>\n");
  }

  private static void row(StringBuilder h, String label, String key, Object n, String detail) {
    h.append("<tr><td>").append(esc(label)).append("</td><td class=\"n\" data-count=\"").append(esc(key)).append("\">").append(esc(n))
        .append("</td><td>").append(esc(detail)).append("</td></tr>\n");
  }

  /** A row with the sum of {@code byName} and each name's count, when there is any. */
  private static void sumRow(StringBuilder h, String label, String key, Map<String, Long> byName) {
    if (byName != null && !byName.isEmpty()) {
      row(h, label, key, byName.values().stream().mapToLong(Long::longValue).sum(), joined(byName));
    }
  }

  private static String num(String key, Object n) {
    return "<b data-count=\"" + esc(key) + "\">" + esc(n) + "</b>";
  }

  private static String joined(Map<?, ?> m) {
    if (m == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + " " + v));
    return String.join(", ", parts);
  }

  /** HTML-escapes text for element content and quoted attribute values. */
  public static String esc(Object o) {
    if (o == null) {
      return "";
    }
    String s = String.valueOf(o);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append("\uFFFD");
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static final String CSS = """
      :root { --ok: #1a7f37; --bad: #c62828; --warn: #b26a00; --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --bar: #3b6fb6; }
      * { box-sizing: border-box; }
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
      h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; }
      h3 { font-size: 15px; } h4 { font-size: 14px; margin: 16px 0 6px; font-family: ui-monospace, monospace; } small, .muted { color: var(--muted); }
      .status { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 12px; color: #fff; background: var(--muted); margin: 0; }
      .status.succeeded { background: var(--ok); } .status.failed { background: var(--bad); } .status.refused { background: var(--warn); }
      .facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 12px 0; } .facts div { display: flex; gap: 6px; } dt { color: var(--muted); } dd { margin: 0; }
      .error, .bad { color: var(--bad); } .ok { color: var(--ok); }
      .equation { font-size: 18px; font-family: ui-monospace, monospace; }
      table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
      th { background: #f6f8fa; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
      .path { font-family: ui-monospace, monospace; word-break: break-all; }
      pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-size: 12px; max-width: 480px; }
      svg.chart text { font: 12px ui-monospace, monospace; fill: var(--ink); } svg.chart rect { fill: var(--bar); }
      footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
      @media print {
        body { max-width: none; padding: 0; font-size: 11px; }
        h2 { break-after: avoid; } table, svg, tr { break-inside: avoid; }
        .status { color: #000; background: none !important; border: 1px solid #000; }
        pre { max-width: none; }
      }
      """;
}
