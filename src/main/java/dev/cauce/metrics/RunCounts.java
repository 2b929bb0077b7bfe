package dev.cauce.metrics;

import dev.cauce.model.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.metrics.MetricNameFilter;

/**
 * A run's counts, read from its Beam counters after it ended (see {@link #finalValue}).
 *
 * @param read records taken from the inputs, good or bad
 * @param rejectedByStage rejected records per stage id, in stage order
 * @param reasons violations per stage id, then per reason code
 * @param warnings warn-rule violations per rule name (records kept)
 * @param duplicates records dropped by dedupe
 * @param writtenBySink records written per sink name
 * @param deadLettered rejections written to the dead letter
 * @param source an HTTP source's counters ({@link CauceMetrics#HTTP_COUNTERS}, without the {@code
 *     http.} prefix); empty for file sources
 * @param replaced live records a replay replaced with later replayed ones (not records of the run)
 * @param lines a file source's physical lines (zeros for an HTTP source)
 * @param mapped values changed by each field's dictionary ({@code map}), per field
 * @param lookupsFilled lookups that found their reference row, per looked-up field
 * @param lookupsMissed lookups whose key is not in their reference, per looked-up field
 * @param changedByStep values changed by each cleaning step, per {@code <step>.<field>} (e.g. {@code trim.name})
 * @param dependencies per functional dependency, its counts ({@link CauceMetrics#DEPENDENCY_COUNTS})
 */
public record RunCounts(
    long read,
    Map<String, Long> rejectedByStage,
    Map<String, Map<String, Long>> reasons,
    Map<String, Long> warnings,
    long duplicates,
    Map<String, Long> writtenBySink,
    long deadLettered,
    Map<String, Long> source,
    long replaced,
    Lines lines,
    Map<String, Long> mapped,
    Map<String, Long> lookupsFilled,
    Map<String, Long> lookupsMissed,
    Map<String, Long> changedByStep,
    Map<String, Map<String, Long>> dependencies) {

  public RunCounts(long read, Map<String, Long> rejectedByStage, Map<String, Map<String, Long>> reasons,
      Map<String, Long> warnings, long duplicates, Map<String, Long> writtenBySink, long deadLettered,
      Map<String, Long> source, long replaced, Lines lines, Map<String, Long> mapped) {
    this(read, rejectedByStage, reasons, warnings, duplicates, writtenBySink, deadLettered, source, replaced, lines, mapped, Map.of(),
        Map.of(), Map.of(), Map.of());
  }

  public RunCounts(long read, Map<String, Long> rejectedByStage, Map<String, Map<String, Long>> reasons,
      Map<String, Long> warnings, long duplicates, Map<String, Long> writtenBySink, long deadLettered,
      Map<String, Long> source, long replaced, Lines lines) {
    this(read, rejectedByStage, reasons, warnings, duplicates, writtenBySink, deadLettered, source, replaced, lines, Map.of());
  }

  /**
   * Physical lines of the input files: {@code consumed} (from the bytes read), {@code inRecords}
   * (spanned by the records read) and {@code skipped} per reason (blank, header).
   */
  public record Lines(long consumed, long inRecords, Map<String, Long> skipped) {
    public long skippedTotal() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public long rejected() {
    return rejectedByStage.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Violations of one reason code, summed over stages (a code belongs to one stage in practice). */
  public long violations(String reason) {
    return reasons.values().stream().mapToLong(m -> m.getOrDefault(reason, 0L)).sum();
  }

  /** The counts as the state store's flat counter names: read, rejected.<stage>, duplicates, written.<sink>, dead_lettered. */
  public Map<String, Long> asCounters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(CauceMetrics.READ, read);
    rejectedByStage.forEach((stage, n) -> m.put(CauceMetrics.rejected(stage), n));
    m.put(CauceMetrics.DUPLICATES, duplicates);
    writtenBySink.forEach((sink, n) -> m.put(CauceMetrics.written(sink), n));
    m.put(CauceMetrics.DEAD_LETTERED, deadLettered);
    if (replaced > 0) {
      m.put(CauceMetrics.REPLACED, replaced);
    }
    return m;
  }

  public static RunCounts from(MetricResults metrics) {
    MetricQueryResults q =
        metrics.queryMetrics(
            MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(CauceMetrics.NAMESPACE)).build());
    Map<String, Long> byName = new TreeMap<>();
    for (MetricResult<Long> c : q.getCounters()) {
      Long v = finalValue(c);
      byName.merge(c.getName().getName(), v == null ? 0L : v, Long::sum);
    }
    return fromCounters(byName);
  }

  /**
   * A counter's value once the job has ended: the committed value where the runner has one, else
   * the attempted value. The Direct runner commits attempted values on a background thread, so
   * reading them right after the job ends can miss a bundle (seen: one record short in a
   * conservation check); its committed values are final when the job is done. Flink has only
   * attempted values, and they are final once its job has finished.
   */
  public static Long finalValue(MetricResult<Long> c) {
    try {
      return c.getCommitted();
    } catch (UnsupportedOperationException e) {
      return c.getAttempted();
    }
  }

  /** Builds the counts from counter names and values (see {@link CauceMetrics} for the names). */
  public static RunCounts fromCounters(Map<String, Long> byName) {
    Map<String, Long> rejected = new LinkedHashMap<>();
    Map<String, Map<String, Long>> reasons = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      long n = byName.getOrDefault(CauceMetrics.rejected(s.id()), 0L);
      if (n > 0) {
        rejected.put(s.id(), n);
      }
    }
    Map<String, Long> warnings = new TreeMap<>();
    Map<String, Long> written = new TreeMap<>();
    Map<String, Long> skipped = new TreeMap<>();
    Map<String, Long> mapped = new TreeMap<>();
    Map<String, Map<String, Long>> dependencies = new TreeMap<>();
    Map<String, Long> filled = new TreeMap<>();
    Map<String, Long> missed = new TreeMap<>();
    Map<String, Long> changed = new TreeMap<>();
    byName.forEach(
        (name, value) -> {
          if (name.startsWith(CauceMetrics.REASON_PREFIX)) {
            String rest = name.substring(CauceMetrics.REASON_PREFIX.length());
            int dot = rest.indexOf('.');
            reasons.computeIfAbsent(rest.substring(0, dot), k -> new TreeMap<>()).merge(rest.substring(dot + 1), value, Long::sum);
          } else if (name.startsWith(CauceMetrics.WARNED_PREFIX)) {
            warnings.put(name.substring(CauceMetrics.WARNED_PREFIX.length()), value);
          } else if (name.startsWith(CauceMetrics.WRITTEN_PREFIX)) {
            written.put(name.substring(CauceMetrics.WRITTEN_PREFIX.length()), value);
          } else if (name.startsWith(CauceMetrics.CHANGED_PREFIX) && value != 0) {
            changed.put(name.substring(CauceMetrics.CHANGED_PREFIX.length()), value);
          } else if (name.startsWith(CauceMetrics.MAPPED_PREFIX)) {
            mapped.put(name.substring(CauceMetrics.MAPPED_PREFIX.length()), value);
          } else if (name.startsWith(CauceMetrics.DEPENDENCY_PREFIX)) {
            String rest = name.substring(CauceMetrics.DEPENDENCY_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            dependencies.computeIfAbsent(rest.substring(0, dot), k -> zeros()).put(rest.substring(dot + 1), value);
          } else if (name.startsWith(CauceMetrics.LOOKUP_FILLED_PREFIX)) {
            filled.put(name.substring(CauceMetrics.LOOKUP_FILLED_PREFIX.length()), value);
          } else if (name.startsWith(CauceMetrics.LOOKUP_MISSED_PREFIX)) {
            missed.put(name.substring(CauceMetrics.LOOKUP_MISSED_PREFIX.length()), value);
          } else if (name.startsWith(CauceMetrics.LINES_SKIPPED_PREFIX) && value != 0) {
            skipped.put(name.substring(CauceMetrics.LINES_SKIPPED_PREFIX.length()), value);
          }
        });
    Map<String, Map<String, Long>> orderedReasons = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      if (reasons.containsKey(s.id())) {
        orderedReasons.put(s.id(), reasons.get(s.id()));
      }
    }
    return new RunCounts(
        byName.getOrDefault(CauceMetrics.READ, 0L),
        rejected,
        orderedReasons,
        warnings,
        byName.getOrDefault(CauceMetrics.DUPLICATES, 0L),
        written,
        byName.getOrDefault(CauceMetrics.DEAD_LETTERED, 0L),
        sourceCounters(byName),
        byName.getOrDefault(CauceMetrics.REPLACED, 0L),
        new Lines(byName.getOrDefault(CauceMetrics.LINES_CONSUMED, 0L), byName.getOrDefault(CauceMetrics.LINES_IN_RECORDS, 0L), skipped),
        mapped,
        filled,
        missed,
        changed,
        dependencies);
  }


  /** Cells repaired by every functional dependency. */
  public long repaired() {
    return dependencies.values().stream().mapToLong(m -> m.getOrDefault("repaired", 0L)).sum();
  }

  private static Map<String, Long> zeros() {
    Map<String, Long> m = new LinkedHashMap<>();
    CauceMetrics.DEPENDENCY_COUNTS.forEach(k -> m.put(k, 0L));
    return m;
  }

  private static Map<String, Long> sourceCounters(Map<String, Long> byName) {
    Map<String, Long> source = new LinkedHashMap<>();
    if (byName.keySet().stream().anyMatch(n -> n.startsWith(CauceMetrics.HTTP_PREFIX))) {
      for (String name : CauceMetrics.HTTP_COUNTERS) {
        source.put(name.substring(CauceMetrics.HTTP_PREFIX.length()), byName.getOrDefault(name, 0L));
      }
    }
    return source;
  }
}
