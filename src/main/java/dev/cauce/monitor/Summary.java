package dev.cauce.monitor;

import dev.cauce.expect.ExpectationResult;
import dev.cauce.expect.ResultList;
import dev.cauce.metrics.Conservation;
import dev.cauce.metrics.RunCounts;
import dev.cauce.quality.QualityGate;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The run summary printed on the console at the end of every run that got as far as counting. */
public final class Summary {
  private Summary() {}

  /** The summary of a run that counted its records ({@code o.counted()} not null); a failed run's shows no gate. */
  public static void print(PrintStream out, RunReport r, RunOutcome o) {
    RunCounts c = o.counted().counts();
    out.println();
    out.printf("cauce run %s  pipeline %s  runner %s  status %s%n", r.runId(), r.pipeline(), r.runner(), o.status());
    counts(out, c);
    if (r.headers() != null) {
      row(out, "headers", r.headers().size(), "file(s) read with a header that differs from the schema");
      r.headers().forEach(h -> out.println("    " + h.path() + ": " + String.join("; ", h.problems())));
    }
    if (r.jdbc() != null) {
      r.jdbc().summary().forEach(l -> out.println("  jdbc: " + l));
    }
    Conservation.Check check = o.counted().conservation();
    out.printf("  check: read %d = written %d + rejected %d + duplicates %d  %s%n",
        c.read(), written(c), c.rejected(), c.duplicates(), check.holds() ? "OK" : "BROKEN: " + check.problems());
    if (check.lines() != null) {
      out.printf("  lines: %s  %s%n", check.lines(), Conservation.linesHold(c.lines()) ? "OK" : "BROKEN");
    }
    QualityGate.Verdict verdict = o instanceof RunOutcome.Failed ? null : o.counted().verdict();
    if (verdict != null && verdict.passed()) {
      out.println("  quality gate: passed" + (verdict.checked().isEmpty() ? " (no limits set)" : " (" + String.join("; ", verdict.checked()) + ")"));
    } else if (verdict != null) {
      out.println("  quality gate: REFUSED, nothing published:");
      verdict.breaches().forEach(b -> out.println("    - " + b.message()));
    }
    if (o.counted().expectations() != null) {
      expectations(out, o.counted().expectations());
    }
    if (!r.outputs().published().isEmpty()) {
      out.println("  published: " + String.join(", ", r.outputs().published()));
    }
    if (r.outputs().stagingKept() != null) {
      out.println("  staging kept for debugging: " + r.outputs().stagingKept());
    }
    if (o.report() != null) {
      out.println("  report: " + o.report());
    }
  }

  /** One line for the expectations, then one per failed expectation. */
  private static void expectations(PrintStream out, ResultList results) {
    long passed = results.results().stream().filter(e -> Boolean.TRUE.equals(e.success())).count();
    long skipped = results.results().stream().filter(e -> e.success() == null).count();
    out.printf(Locale.ROOT, "  expectations: %d passed, %d failed, %d skipped%n", passed, results.failed().size(), skipped);
    for (ExpectationResult e : results.failed()) {
      out.println("    - FAILED" + (e.refuses() ? "" : " (warn)") + " " + e.id() + ": observed " + e.observed());
    }
  }

  private static void counts(PrintStream out, RunCounts c) {
    row(out, "read", c.read(), "");
    if (!c.source().isEmpty()) {
      out.printf(Locale.ROOT, "  %-14s %8s  %s%n", "source", "http", c.source().entrySet().stream()
          .filter(e -> e.getValue() != 0 || List.of("requests", "pages", "retries", "throttled", "breaker_opened").contains(e.getKey()))
          .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    }
    row(out, "rejected", c.rejected(), c.read() == 0 ? "" : "(" + QualityGate.pct((double) c.rejected() / c.read()) + " of read)");
    c.rejectedByStage().forEach((stage, n) -> row(out, "  " + stage, n, join(c.reasons().get(stage))));
    row(out, "duplicates", c.duplicates(), "");
    if (c.replaced() > 0) {
      row(out, "replaced", c.replaced(), "live record(s) replaced by later replayed ones (not in the check: not read by this run)");
    }
    row(out, "written", written(c), join(c.writtenBySink()));
    if (!c.mapped().isEmpty()) {
      row(out, "mapped", c.mapped().values().stream().mapToLong(Long::longValue).sum(), "(values changed by map) " + join(c.mapped()));
    }
    if (!c.lookupsFilled().isEmpty() || !c.lookupsMissed().isEmpty()) {
      row(out, "looked up", sum(c.lookupsFilled()), "(lookups that found a reference row) " + join(c.lookupsFilled()));
      row(out, "lookup missed", sum(c.lookupsMissed()), "(key not in the reference) " + join(c.lookupsMissed()));
    }
    if (!c.changedByStep().isEmpty()) {
      row(out, "changed", sum(c.changedByStep()),
          "(values changed by cleaning steps) " + join(c.changedByStep()));
    }
    c.dependencies().forEach((dep, n) -> row(out, "repaired", n.getOrDefault("repaired", 0L), "(cells, dependency " + dep + ") "
        + n.getOrDefault("violations", 0L) + " violating group(s) of " + n.getOrDefault("violating_records", 0L) + " record(s), "
        + n.getOrDefault("unresolved", 0L) + " unresolved"));
    if (!c.warnings().isEmpty()) {
      row(out, "warnings", c.warnings().values().stream().mapToLong(Long::longValue).sum(), "(records kept) " + join(c.warnings()));
    }
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The first sink's count (every sink writes the same records). */
  private static long written(RunCounts c) {
    return c.writtenBySink().values().stream().findFirst().orElse(0L);
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
