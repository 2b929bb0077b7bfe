package dev.cauce.monitor;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.Stage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress of a running job: every few seconds, a line on stderr (stage, read / written /
 * rejected so far, records per second) and a {@link Snapshot} handed to a listener (the run's
 * start puts it in the state store and renews the run's lock).
 *
 * <p>What each runner shows while it runs: the Direct runner (started without blocking) reports
 * its counters as bundles complete, so the figures grow while the job runs. Flink's batch {@code
 * run()} blocks until the job ends and hands back its counters only then: while it runs, progress
 * shows the elapsed time and stage {@code job}; the counts arrive when the job ends.
 */
public final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  /** One look at a run: the stage, the counters so far (empty when unknown), rate and elapsed time. */
  public record Snapshot(String stage, Map<String, Long> counts, double recordsPerSecond, long elapsedMillis, boolean countsKnown) {
    public long read() {
      return counts.getOrDefault(CauceMetrics.READ, 0L);
    }

    public long rejected() {
      return counts.entrySet().stream().filter(e -> e.getKey().startsWith(CauceMetrics.REJECTED_PREFIX)).mapToLong(Map.Entry::getValue).sum();
    }

    /** The first sink's count (every sink writes the same records). */
    public long written() {
      return counts.entrySet().stream().filter(e -> e.getKey().startsWith(CauceMetrics.WRITTEN_PREFIX)).mapToLong(Map.Entry::getValue)
          .findFirst().orElse(0L);
    }
  }

  private final Duration every;
  private final PrintStream err;
  private final String label;
  private final Consumer<Snapshot> listener;
  private final ScheduledExecutorService timer;
  private volatile PipelineResult result;
  private volatile long jobStartNanos;
  private volatile boolean jobActive;
  private volatile Snapshot last;

  /**
   * @param every how often to look
   * @param err where progress lines go
   * @param label what a line starts with, e.g. "orders 20240501T…"
   * @param listener gets every snapshot (called on the monitor thread; its exceptions are logged)
   */
  public Progress(Duration every, PrintStream err, String label, Consumer<Snapshot> listener) {
    this.every = every;
    this.err = err;
    this.label = label;
    this.listener = listener;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cauce-progress");
      t.setDaemon(true);
      return t;
    });
    this.last = new Snapshot("starting", Map.of(), 0, 0, false);
    String[] runContext = {org.slf4j.MDC.get(RunLogging.RUN_ID), org.slf4j.MDC.get(RunLogging.PIPELINE)};
    timer.scheduleWithFixedDelay(() -> {
      if (runContext[0] != null) {
        org.slf4j.MDC.put(RunLogging.RUN_ID, runContext[0]);
        org.slf4j.MDC.put(RunLogging.PIPELINE, runContext[1]);
      }
      tick();
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The job is about to be started (a blocking runner returns from run() only when it ends). */
  public void jobStarting() {
    jobStartNanos = System.nanoTime();
    jobActive = true;
  }

  /** The job's handle: from now on its counters are read. */
  public void watch(PipelineResult r) {
    if (jobStartNanos == 0) {
      jobStartNanos = System.nanoTime();
    }
    result = r;
  }

  public Snapshot last() {
    return last;
  }

  /** Takes one look now (the timer calls this). */
  synchronized Snapshot tick() {
    try {
      Snapshot s = look();
      last = s;
      if (jobActive) {
        err.println(line(s));
      }
      listener.accept(s);
      return s;
    } catch (RuntimeException e) {
      LOG.warn("progress: {}", e.toString());
      return last;
    }
  }

  private Snapshot look() {
    long elapsed = jobStartNanos == 0 ? 0 : (System.nanoTime() - jobStartNanos) / 1_000_000;
    PipelineResult r = result;
    if (r == null) {
      return new Snapshot(jobActive ? "job" : "starting", Map.of(), 0, elapsed, false);
    }
    Map<String, Long> counts;
    try {
      counts = counters(r.metrics());
    } catch (RuntimeException e) {
      return new Snapshot("job", Map.of(), 0, elapsed, false);
    }
    boolean ended;
    try {
      ended = r.getState() != null && r.getState().isTerminal();
    } catch (RuntimeException e) {
      ended = false;
    }
    if (ended) {
      jobActive = false;
    }
    long read = counts.getOrDefault(CauceMetrics.READ, 0L);
    double rate = elapsed <= 0 ? 0 : read * 1000.0 / elapsed;
    return new Snapshot(ended ? "checking" : stageOf(counts), counts, rate, elapsed, true);
  }

  /** The record counters so far (read, rejected.*, duplicates, written.*, dead_lettered), by name. */
  public static Map<String, Long> counters(MetricResults metrics) {
    MetricQueryResults q =
        metrics.queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(CauceMetrics.NAMESPACE)).build());
    Map<String, Long> byName = new TreeMap<>();
    for (MetricResult<Long> c : q.getCounters()) {
      String name = c.getName().getName();
      if (name.startsWith(CauceMetrics.REASON_PREFIX) || name.startsWith(CauceMetrics.WARNED_PREFIX)) {
        continue;
      }
      Long v = c.getAttempted();
      byName.merge(name, v == null ? 0L : v, Long::sum);
    }
    return ordered(byName);
  }

  /** read first, then rejected by stage order, duplicates, written, dead_lettered, others. */
  public static Map<String, Long> ordered(Map<String, Long> byName) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (byName.containsKey(CauceMetrics.READ)) {
      m.put(CauceMetrics.READ, byName.get(CauceMetrics.READ));
    }
    for (Stage s : Stage.values()) {
      String k = CauceMetrics.rejected(s.id());
      if (byName.containsKey(k)) {
        m.put(k, byName.get(k));
      }
    }
    if (byName.containsKey(CauceMetrics.DUPLICATES)) {
      m.put(CauceMetrics.DUPLICATES, byName.get(CauceMetrics.DUPLICATES));
    }
    byName.forEach((k, v) -> {
      if (k.startsWith(CauceMetrics.WRITTEN_PREFIX)) {
        m.put(k, v);
      }
    });
    byName.forEach(m::putIfAbsent);
    return m;
  }

  /**
   * The furthest stage that has reported a count: ingest (read), parse, clean, validate (their
   * rejections), dedupe (duplicates), write (records written to a sink); "job" before any.
   * Stages overlap in a streaming runner, so this is where the front of the data is.
   */
  public static String stageOf(Map<String, Long> counts) {
    if (counts.entrySet().stream().anyMatch(e -> e.getKey().startsWith(CauceMetrics.WRITTEN_PREFIX) && e.getValue() > 0)) {
      return Stage.WRITE.id();
    }
    if (counts.getOrDefault(CauceMetrics.DUPLICATES, 0L) > 0) {
      return Stage.DEDUPE.id();
    }
    for (Stage s : new Stage[] {Stage.VALIDATE, Stage.CLEAN, Stage.PARSE}) {
      if (counts.getOrDefault(CauceMetrics.rejected(s.id()), 0L) > 0) {
        return s.id();
      }
    }
    return counts.getOrDefault(CauceMetrics.READ, 0L) > 0 ? Stage.INGEST.id() : "job";
  }

  /** The progress line. */
  public String line(Snapshot s) {
    String time = (s.elapsedMillis() / 1000) + "s";
    if (!s.countsKnown()) {
      return String.format(Locale.ROOT, "cauce %s: %s running, %s (no counts from the runner yet; Flink reports them when the job ends)", label, s.stage(), time);
    }
    return String.format(Locale.ROOT, "cauce %s: %-8s read %,d  written %,d  rejected %,d  duplicates %,d  (%,.0f records/s, %s)",
        label, s.stage(), s.read(), s.written(), s.rejected(), s.counts().getOrDefault(CauceMetrics.DUPLICATES, 0L), s.recordsPerSecond(), time);
  }

  public Duration every() {
    return every;
  }

  @Override
  public void close() {
    jobActive = false;
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
