package dev.cauce.quality;

import dev.cauce.expect.ExpectationResult;
import dev.cauce.expect.ResultList;
import dev.cauce.metrics.RunCounts;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quality gate: decides from a run's counts whether its output may be published. A limit on a
 * reason code counts that code's violations (rejections) plus its warnings, so limits work for warn
 * rules too. Ratios are of records read; with nothing read every ratio is 0.
 */
public final class QualityGate {
  private QualityGate() {}

  /** One limit exceeded: which, what was allowed, what was seen, in words. */
  public record Breach(String limit, String allowed, String actual, String message) {}

  public record Verdict(boolean passed, List<Breach> breaches, List<String> checked) {}

  public static Verdict evaluate(QualitySpec q, RunCounts c) {
    return evaluate(q, c, false);
  }

  /**
   * The spec's limits; and, when it sets none (and not {@code allow_empty}), the default guard: a run
   * that rejects every record it read, or writes none while the live dataset holds records, is refused.
   */
  public static Verdict evaluate(QualitySpec q, RunCounts c, boolean liveHasRecords) {
    List<Breach> breaches = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    long read = c.read();
    if (q.setsNoLimit() && !q.allowEmpty()) {
      emptyGuard(c, liveHasRecords, breaches, checked);
    }
    if (q.maxRejectedRatio() != null) {
      double ratio = ratio(c.rejected(), read);
      checked.add("rejected " + pct(ratio) + " <= " + pct(q.maxRejectedRatio()));
      if (ratio > q.maxRejectedRatio()) {
        breaches.add(new Breach("max_rejected_ratio", pct(q.maxRejectedRatio()), pct(ratio),
            "rejected " + c.rejected() + " of " + read + " records (" + pct(ratio) + "), over max_rejected_ratio "
                + pct(q.maxRejectedRatio()) + " by " + pct(ratio - q.maxRejectedRatio())));
      }
    }
    if (q.minRecords() != null) {
      checked.add("read " + read + " >= " + q.minRecords());
      if (read < q.minRecords()) {
        breaches.add(new Breach("min_records", String.valueOf(q.minRecords()), String.valueOf(read),
            "read " + read + " records, fewer than min_records " + q.minRecords() + " by " + (q.minRecords() - read)));
      }
    }
    for (Map.Entry<String, RuleLimit> e : q.limits().entrySet()) {
      String code = e.getKey();
      RuleLimit limit = e.getValue();
      long n = c.violations(code) + c.warnings().getOrDefault(code, 0L);
      if (limit.maxCount() != null) {
        checked.add(code + " " + n + " <= " + limit.maxCount());
        if (n > limit.maxCount()) {
          breaches.add(new Breach("limits." + code + ".max_count", String.valueOf(limit.maxCount()), String.valueOf(n),
              code + ": " + n + " records, over max_count " + limit.maxCount() + " by " + (n - limit.maxCount())));
        }
      }
      if (limit.maxRatio() != null) {
        double ratio = ratio(n, read);
        checked.add(code + " " + pct(ratio) + " <= " + pct(limit.maxRatio()));
        if (ratio > limit.maxRatio()) {
          breaches.add(new Breach("limits." + code + ".max_ratio", pct(limit.maxRatio()), pct(ratio),
              code + ": " + n + " of " + read + " records (" + pct(ratio) + "), over max_ratio " + pct(limit.maxRatio())
                  + " by " + pct(ratio - limit.maxRatio())));
        }
      }
    }
    return new Verdict(breaches.isEmpty(), breaches, checked);
  }

  /**
   * {@code v} with the expectations: each failed one that is not {@code severity: warn} is a breach
   * ({@code expectations.<id>}); the others are listed as checked.
   */
  public static Verdict withExpectations(Verdict v, ResultList results) {
    if (results == null || results.results().isEmpty()) {
      return v;
    }
    List<Breach> breaches = new ArrayList<>(v.breaches());
    List<String> checked = new ArrayList<>(v.checked());
    long passed = results.results().stream().filter(r -> Boolean.TRUE.equals(r.success())).count();
    long warned = results.failed().stream().filter(r -> !r.refuses()).count();
    long skipped = results.results().stream().filter(r -> r.success() == null).count();
    checked.add("expectations: " + passed + " passed, " + (results.failed().size() - warned) + " failed, " + warned
        + " failed as warn, " + skipped + " skipped");
    for (ExpectationResult r : results.failed()) {
      if (r.refuses()) {
        breaches.add(new Breach("expectations." + r.id(), "success", String.valueOf(r.observed()),
            "expectation " + r.id() + " failed: observed " + r.observed()));
      }
    }
    return new Verdict(breaches.isEmpty(), breaches, checked);
  }

  private static void emptyGuard(RunCounts c, boolean liveHasRecords, List<Breach> breaches, List<String> checked) {
    long read = c.read();
    long written = c.writtenBySink().values().stream().mapToLong(Long::longValue).max().orElse(0);
    checked.add("not every record rejected (default; quality.allow_empty: true turns it off)");
    if (read > 0 && c.rejected() == read) {
      breaches.add(new Breach("allow_empty", "false", "rejected " + read + " of " + read,
          "every record read was rejected (" + read + " of " + read + "); the spec sets no quality limits, so such a run"
              + " is refused by default: fix the cause (see the dead letter in staging), or set quality.allow_empty: true"));
      return;
    }
    if (liveHasRecords) {
      checked.add("records written > 0 over a live dataset (default)");
      if (written == 0) {
        breaches.add(new Breach("allow_empty", "false", "written 0",
            "the run wrote no record (read " + read + ") while the live dataset holds records; the spec sets no quality"
                + " limits, so replacing it with nothing is refused by default: set quality.allow_empty: true to allow it"));
      }
    }
  }

  static double ratio(long n, long of) {
    return of == 0 ? 0.0 : (double) n / of;
  }

  public static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }
}
