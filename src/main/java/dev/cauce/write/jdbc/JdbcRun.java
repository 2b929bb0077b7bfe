package dev.cauce.write.jdbc;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.metrics.RunCounts;
import dev.cauce.monitor.RunReport;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * A run's PostgreSQL side, as prepared by {@link JdbcPreflight} before the job: the connection
 * settings and every table the run writes (its jdbc sinks', then the dead letter's), with their
 * staging tables already created, at {@code stagedAt} by the server's clock (null when none were
 * created), so that a publish can tell whether the server restarted since. Empty when the spec
 * writes no table.
 */
public record JdbcRun(String runId, JdbcSettings settings, List<JdbcTarget> targets, List<String> notes, Instant stagedAt)
    implements Serializable {

  public JdbcRun {
    targets = List.copyOf(targets);
    notes = List.copyOf(notes);
  }

  public static JdbcRun none(String runId) {
    return new JdbcRun(runId, null, List.of(), List.of(), null);
  }

  public boolean isEmpty() {
    return targets.isEmpty();
  }

  /** The target of a jdbc sink. */
  public JdbcTarget sink(String sinkName) {
    return targets.stream()
        .filter(t -> t.kind() == JdbcTarget.Kind.SINK && t.name().equals(sinkName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("jdbc sink " + sinkName + " was not prepared: run JdbcPreflight first"));
  }

  public Optional<JdbcTarget> deadLetter() {
    return targets.stream().filter(t -> t.kind() == JdbcTarget.Kind.DEAD_LETTER).findFirst();
  }

  /**
   * The staging tables a failed or refused run of {@code spec} keeps, for messages: {@code
   * schema.table__stg_<run>} (the schema left out when the spec names none, as the connection's
   * current schema is not known here).
   */
  public static List<String> stagingTables(PipelineSpec spec, String runId) {
    List<String> names = new ArrayList<>();
    for (SinkSpec s : spec.sinks()) {
      if (s.isJdbc()) {
        names.add(prefix(s.jdbc().schema()) + Sql.stagingTable(s.jdbc().table(), runId));
      }
    }
    if (spec.deadLetter() != null && spec.deadLetter().table() != null) {
      names.add(prefix(spec.deadLetter().table().schema()) + Sql.stagingTable(spec.deadLetter().table().table(), runId));
    }
    return names;
  }

  private static String prefix(String schema) {
    return schema == null ? "" : schema + ".";
  }

  /** Every {@code jdbc.<target>.<event>} counter of the run, by target then event (for the report). */
  public Map<String, Map<String, Long>> counters(MetricResults metrics) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    if (isEmpty()) {
      return out;
    }
    MetricQueryResults q = metrics.queryMetrics(
        MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(CauceMetrics.NAMESPACE)).build());
    for (JdbcTarget t : targets) {
      Map<String, Long> m = new LinkedHashMap<>();
      for (String event : JdbcCounters.EVENTS) {
        m.put(event, 0L);
      }
      out.put(t.name(), m);
    }
    for (MetricResult<Long> c : q.getCounters()) {
      String name = c.getName().getName();
      if (!name.startsWith(CauceMetrics.JDBC_PREFIX)) {
        continue;
      }
      String rest = name.substring(CauceMetrics.JDBC_PREFIX.length());
      int dot = rest.lastIndexOf('.');
      if (dot > 0 && out.containsKey(rest.substring(0, dot))) {
        Long v = RunCounts.finalValue(c); // the Direct runner's attempted values can lag right after the job
        out.get(rest.substring(0, dot)).merge(rest.substring(dot + 1), v == null ? 0L : v, Long::sum);
      }
    }
    return out;
  }

  /**
   * The report's {@code jdbc} section: per table, its target, staging table and counters; and
   * {@code summary}, the lines the console summary prints.
   */
  public RunReport.Jdbc report(MetricResults metrics) {
    Map<String, RunReport.JdbcTable> tables = new LinkedHashMap<>();
    List<String> summary = new ArrayList<>();
    Map<String, Map<String, Long>> counters = counters(metrics);
    for (JdbcTarget t : targets) {
      Map<String, Long> c = counters.get(t.name());
      tables.put(t.name(), new RunReport.JdbcTable(t.kind() == JdbcTarget.Kind.SINK ? "sink" : "dead_letter", t.targetName(),
          t.stagingName(), c));
      summary.add(t.name() + " -> " + t.targetName() + ": " + c.get(JdbcCounters.ROWS) + " rows staged, retries "
          + c.get(JdbcCounters.RETRIES) + ", breaker opened " + c.get(JdbcCounters.BREAKER_OPENED));
    }
    return new RunReport.Jdbc(settings.maskedUrl(), tables, summary, null);
  }

  /** A {@link #report} section with the publish's outcome added. */
  public static RunReport.Jdbc withPublish(RunReport.Jdbc section, JdbcPublisher.Result result) {
    List<String> summary = new ArrayList<>(section.summary());
    summary.add("published in one transaction: retries " + result.counters().get("retries")
        + ", breaker opened " + result.counters().get("breaker_opened"));
    return new RunReport.Jdbc(section.url(), section.tables(), summary, result.counters());
  }
}
