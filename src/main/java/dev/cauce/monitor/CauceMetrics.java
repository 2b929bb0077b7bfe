package dev.cauce.monitor;

import dev.cauce.core.Rejection;
import dev.cauce.core.Violation;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The names of cauce's Beam counters: the one place they are spelled. All live in namespace
 * {@value #NAMESPACE}. Record counts: {@code read} (every record taken from an input, good or bad),
 * {@code rejected.<stage>} (records), {@code duplicates}, {@code written.<sink>}, {@code
 * dead_lettered}. Violation counts (a record may have several): {@code reason.<stage>.<code>},
 * {@code warned.<rule>}.
 */
public final class CauceMetrics {
  private CauceMetrics() {}

  public static final String NAMESPACE = "cauce";
  public static final String READ = "read";
  public static final String DUPLICATES = "duplicates";
  public static final String DEAD_LETTERED = "dead_lettered";
  public static final String REJECTED_PREFIX = "rejected.";
  public static final String REASON_PREFIX = "reason.";
  public static final String WARNED_PREFIX = "warned.";
  public static final String WRITTEN_PREFIX = "written.";
  /** {@code jdbc.<sink>.<event>}: retries and circuit-breaker transitions of a table's writes (see write.jdbc). */
  public static final String JDBC_PREFIX = "jdbc.";

  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }

  public static String rejected(String stage) {
    return REJECTED_PREFIX + stage;
  }

  public static String reason(String stage, String reason) {
    return REASON_PREFIX + stage + "." + reason;
  }

  public static String warned(String rule) {
    return WARNED_PREFIX + rule;
  }

  public static String written(String sink) {
    return WRITTEN_PREFIX + sink;
  }

  public static String jdbc(String target, String event) {
    return JDBC_PREFIX + target + "." + event;
  }

  /**
   * Counts rejections inside a DoFn: one {@code rejected.<stage>} per record and one {@code
   * reason.<stage>.<code>} per violation. Not serializable state: create one per DoFn instance
   * (in {@code @Setup}, or lazily).
   */
  public static final class RejectionCounters {
    private final Map<String, Counter> counters = new HashMap<>();

    public void count(Rejection r) {
      get(rejected(r.stage())).inc();
      for (Violation v : r.errors()) {
        get(reason(r.stage(), v.reason())).inc();
      }
    }

    public void countWarning(Violation v) {
      get(warned(v.reason())).inc();
    }

    private Counter get(String name) {
      return counters.computeIfAbsent(name, CauceMetrics::counter);
    }
  }
}
