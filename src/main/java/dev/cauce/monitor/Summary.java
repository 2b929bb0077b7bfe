package dev.cauce.monitor;

import dev.cauce.quality.QualityGate;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The run summary printed on the console at the end of every run that got as far as counting. */
public final class Summary {
  private Summary() {}

  public static void print(
      PrintStream out, RunReport report, RunCounts c, QualityGate.Verdict verdict, String status, String reportPath) {
    Map<String, Object> r = report.asMap();
    out.println();
    out.printf("cauce run %s  pipeline %s  runner %s  status %s%n", r.get("run_id"), r.get("pipeline"), r.get("runner"), status);
    row(out, "read", c.read(), "");
    if (!c.source().isEmpty()) {
      out.printf(Locale.ROOT, "  %-14s %8s  %s%n", "source", "http", c.source().entrySet().stream()
          .filter(e -> e.getValue() != 0 || List.of("requests", "pages", "retries", "throttled", "breaker_opened").contains(e.getKey()))
          .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    }
    row(out, "rejected", c.rejected(), c.read() == 0 ? "" : "(" + QualityGate.pct((double) c.rejected() / c.read()) + " of read)");
    c.rejectedByStage().forEach((stage, n) -> row(out, "  " + stage, n, join(c.reasons().get(stage))));
    row(out, "duplicates", c.duplicates(), "");
    long written = c.writtenBySink().values().stream().findFirst().orElse(0L);
    row(out, "written", written, join(c.writtenBySink()));
    if (!c.warnings().isEmpty()) {
      row(out, "warnings", c.warnings().values().stream().mapToLong(Long::longValue).sum(), "(records kept) " + join(c.warnings()));
    }
    if (r.get("jdbc") instanceof Map<?, ?> jdbc && jdbc.get("summary") instanceof List<?> lines) {
      lines.forEach(l -> out.println("  jdbc: " + l));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> conservation = (Map<String, Object>) r.get("conservation");
    if (conservation != null) {
      boolean holds = Boolean.TRUE.equals(conservation.get("holds"));
      out.printf("  check: read %d = written %d + rejected %d + duplicates %d  %s%n",
          c.read(), written, c.rejected(), c.duplicates(), holds ? "OK" : "BROKEN: " + conservation.get("problems"));
    }
    if (verdict != null) {
      if (verdict.passed()) {
        out.println("  quality gate: passed" + (verdict.checked().isEmpty() ? " (no limits set)" : " (" + String.join("; ", verdict.checked()) + ")"));
      } else {
        out.println("  quality gate: REFUSED, nothing published:");
        verdict.breaches().forEach(b -> out.println("    - " + b.message()));
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> outputs = (Map<String, Object>) r.get("outputs");
    if (outputs != null) {
      @SuppressWarnings("unchecked")
      List<String> published = (List<String>) outputs.get("published");
      if (published != null && !published.isEmpty()) {
        out.println("  published: " + String.join(", ", published));
      }
      if (outputs.get("staging_kept") != null) {
        out.println("  staging kept for debugging: " + outputs.get("staging_kept"));
      }
    }
    if (reportPath != null) {
      out.println("  report: " + reportPath);
    }
  }

  private static void row(PrintStream out, String label, long n, String detail) {
    out.printf(Locale.ROOT, "  %-14s %8d  %s%n", label, n, detail);
  }

  private static String join(Map<String, Long> m) {
    if (m == null || m.isEmpty()) {
      return "";
    }
    return m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }
}
