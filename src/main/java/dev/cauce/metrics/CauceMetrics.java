package dev.cauce.metrics;

import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The names of cauce's Beam counters: the one place they are spelled. All live in namespace
 * {@value #NAMESPACE}. Record counts: {@code read} (every record taken from an input, good or bad),
 * {@code rejected.<stage>} (records), {@code duplicates}, {@code written.<sink>}, {@code
 * dead_lettered}. Violation counts (a record may have several): {@code reason.<stage>.<code>},
 * {@code warned.<rule>} (records kept only). Values changed: {@code mapped.<field>}, {@code changed.<step>.<field>}; lookups: {@code lookup_filled.<field>}, {@code lookup_missed.<field>}; dependencies: {@code dependency.<name>.*}. File sources add line counts ({@code lines.*}); an HTTP
 * source adds {@code http.*} (see {@link #HTTP_COUNTERS}).
 */
public final class CauceMetrics {
  private CauceMetrics() {}

  public static final String NAMESPACE = "cauce";
  public static final String READ = "read";
  public static final String DUPLICATES = "duplicates";
  /** Live records a replay replaced with a later replayed one (not records of the run: outside conservation). */
  public static final String REPLACED = "replaced";
  public static final String DEAD_LETTERED = "dead_lettered";
  public static final String REJECTED_PREFIX = "rejected.";
  public static final String REASON_PREFIX = "reason.";
  public static final String WARNED_PREFIX = "warned.";
  public static final String WRITTEN_PREFIX = "written.";
  /** {@code aside.<name>}: lines of a side output ({@code dedupe.dropped}), outside conservation. */
  public static final String ASIDE_PREFIX = "aside.";
  /** {@code mapped.<field>}: values a field's dictionary changed. */
  public static final String MAPPED_PREFIX = "mapped.";
  /**
   * {@code dependency.<name>.<what>}: a functional dependency's violating groups ({@code violations}),
   * the records in them ({@code violating_records}), cells repaired ({@code repaired}) and disagreeing
   * fields of a group left as they were for want of a winner ({@code unresolved}).
   */
  public static final String DEPENDENCY_PREFIX = "dependency.";
  public static final List<String> DEPENDENCY_COUNTS = List.of("violations", "violating_records", "repaired", "unresolved");
  /** {@code lookup_filled.<field>}: lookups that found their reference row; {@code lookup_missed.<field>}: that found none. */
  public static final String LOOKUP_FILLED_PREFIX = "lookup_filled.";
  public static final String LOOKUP_MISSED_PREFIX = "lookup_missed.";
  /** {@code changed.<step>.<field>}: values a cleaning step changed, e.g. {@code changed.trim.name}. */
  public static final String CHANGED_PREFIX = "changed.";
  /** File sources: physical lines in the inputs, counted from their bytes apart from the records. */
  public static final String LINES_CONSUMED = "lines.consumed";
  /** File sources: physical lines spanned by the records read (good or rejected). */
  public static final String LINES_IN_RECORDS = "lines.in_records";
  /** File sources: {@code lines.skipped.<reason>}, lines holding no record (blank, header). */
  public static final String LINES_SKIPPED_PREFIX = "lines.skipped.";
  /** {@code jdbc.<sink>.<event>}: retries and circuit-breaker transitions of a table's writes (see write.jdbc). */
  public static final String JDBC_PREFIX = "jdbc.";

  /** HTTP sources: every counter of the source section starts with this. */
  public static final String HTTP_PREFIX = "http.";
  /** HTTP requests sent (every attempt, retries included). */
  public static final String HTTP_REQUESTS = "http.requests";
  /** Pages received and used (malformed ones included). */
  public static final String HTTP_PAGES = "http.pages";
  /** Requests tried again after a failure. */
  public static final String HTTP_RETRIES = "http.retries";
  /** 429 Too Many Requests answers. */
  public static final String HTTP_THROTTLED = "http.throttled";
  /** Requests that timed out. */
  public static final String HTTP_TIMEOUTS = "http.timeouts";
  /** 5xx answers. */
  public static final String HTTP_SERVER_ERRORS = "http.server_errors";
  /** Connections refused, reset or closed early. */
  public static final String HTTP_CONNECTION_ERRORS = "http.connection_errors";
  /** Circuit-breaker transitions to open (the run then fails). */
  public static final String HTTP_BREAKER_OPENED = "http.breaker_opened";
  /** 1 when paging stopped at max_pages while the API had more pages. */
  public static final String HTTP_MAX_PAGES_REACHED = "http.max_pages_reached";
  /** Every HTTP source counter, in the order reports show them. */
  public static final List<String> HTTP_COUNTERS = List.of(
      HTTP_REQUESTS, HTTP_PAGES, HTTP_RETRIES, HTTP_THROTTLED, HTTP_TIMEOUTS, HTTP_SERVER_ERRORS,
      HTTP_CONNECTION_ERRORS, HTTP_BREAKER_OPENED, HTTP_MAX_PAGES_REACHED);

  /**
   * The counter {@code name} of namespace {@value #NAMESPACE}, also counted by the runner's {@link
   * CounterMirror} when there is one. Inside a DoFn its increments are held until the bundle ends:
   * every DoFn that counts calls {@link #startBundle()} and {@link #finishBundle()}.
   */
  public static Counter counter(String name) {
    return new BufferedCounter(Metrics.counter(NAMESPACE, name), name);
  }

  /**
   * Call first in a counting DoFn's {@code @StartBundle}: from here this thread's cauce counters hold
   * their increments; with no other bundle open on the thread, counts a failed bundle left pending
   * are dropped (the runner commits only the metrics of bundles that finished).
   */
  public static void startBundle() {
    BufferedCounter.bundle().start();
  }

  /**
   * Call last in a counting DoFn's {@code @FinishBundle}: adds every count this thread holds to Beam's
   * counters (and the mirror), which the runner then commits with the bundle; later increments go
   * straight through until the next {@link #startBundle()}.
   */
  public static void finishBundle() {
    BufferedCounter.bundle().finish();
  }

  /**
   * Call in a counting DoFn's {@code @Teardown}, which Beam runs after a failed bundle: drops the
   * counts this thread holds, so they never reach a later bundle's commit.
   */
  public static void abandonBundle() {
    BufferedCounter.bundle().abandon();
  }

  /** This JVM's mirror (the first {@link CounterMirror} service found), or null. */
  static CounterMirror mirror() {
    return MirrorHolder.MIRROR;
  }

  private static final class MirrorHolder {
    static final CounterMirror MIRROR =
        ServiceLoader.load(CounterMirror.class, CounterMirror.class.getClassLoader()).findFirst().orElse(null);
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

  /** {@code changed.<step>.<field>}: values a cleaning step changed (see clean.Cleaner.Changed). */
  public static String changed(String step) {
    return CHANGED_PREFIX + step;
  }

  public static String mapped(String field) {
    return MAPPED_PREFIX + field;
  }

  /** {@code dependency.<name>.<what>} (see {@link #DEPENDENCY_PREFIX}). */
  public static String dependency(String name, String what) {
    return DEPENDENCY_PREFIX + name + "." + what;
  }

  public static String lookupFilled(String field) {
    return LOOKUP_FILLED_PREFIX + field;
  }

  public static String lookupMissed(String field) {
    return LOOKUP_MISSED_PREFIX + field;
  }

  /** {@code aside.<name>}: lines written to a side output that is not data (the duplicates dropped). */
  public static String aside(String name) {
    return ASIDE_PREFIX + name;
  }

  public static String written(String sink) {
    return WRITTEN_PREFIX + sink;
  }

  public static String linesSkipped(String reason) {
    return LINES_SKIPPED_PREFIX + reason;
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
