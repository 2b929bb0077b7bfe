package dev.cauce.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;

/**
 * A cauce counter whose increments inside a bundle add to a plain field and reach Beam's counter (and
 * the {@link CounterMirror}) once, when the bundle's DoFn calls {@link CauceMetrics#finishBundle()}:
 * Beam's own counter looks up the thread's metrics container and the cell by name at every increment.
 * A counter with a pending count is listed in its thread's {@link Bundle} (once per bundle, when it
 * leaves 0), so that no increment can wait unseen. Off a bundle (the driver, plain Java, tests) an
 * increment goes straight through. Serializable: DoFns hold counters; the pending count is not carried.
 */
final class BufferedCounter implements Counter, Serializable {
  private static final ThreadLocal<Bundle> BUNDLE = ThreadLocal.withInitial(Bundle::new);

  private final Counter beam;
  private final String name;
  private transient long pending;
  private transient boolean listed;

  BufferedCounter(Counter beam, String name) {
    this.beam = beam;
    this.name = name;
  }

  /**
   * The cauce bundles open on this thread and the counts they hold. Bundles may interleave on one
   * thread (Flink chains DoFns: a writer's bundle starts inside the keep step's): a bundle's finish
   * hands every count the thread holds to Beam, and only a start with no bundle open drops counts.
   */
  static final class Bundle {
    private int open;
    private final List<BufferedCounter> pending = new ArrayList<>();

    /** Starts a bundle; with none open, first drops what a failed bundle left pending on this thread. */
    void start() {
      if (open == 0) {
        abandon();
      }
      open++;
    }

    /** Ends a bundle: every pending count goes to Beam's counter (in the container the runner commits). */
    void finish() {
      for (BufferedCounter c : pending) {
        long n = c.pending;
        c.pending = 0;
        c.listed = false;
        c.push(n);
      }
      pending.clear();
      open = Math.max(0, open - 1);
    }

    /** Drops every pending count and forgets the open bundles (a DoFn torn down after a failure). */
    void abandon() {
      for (BufferedCounter c : pending) {
        c.pending = 0;
        c.listed = false;
      }
      pending.clear();
      open = 0;
    }
  }

  /** This thread's bundle. */
  static Bundle bundle() {
    return BUNDLE.get();
  }

  @Override
  public void inc(long n) {
    if (listed) {
      pending += n;
      return;
    }
    Bundle b = BUNDLE.get();
    if (b.open == 0) {
      push(n);
      return;
    }
    pending = n;
    listed = true;
    b.pending.add(this);
  }

  /** Adds {@code n} to Beam's counter and the mirror (0 too: {@code inc(0)} makes a counter show as 0). */
  private void push(long n) {
    beam.inc(n);
    CounterMirror m = CauceMetrics.mirror();
    if (m != null) {
      m.inc(name, n);
    }
  }

  @Override
  public void inc() {
    inc(1);
  }

  @Override
  public void dec() {
    inc(-1);
  }

  @Override
  public void dec(long n) {
    inc(-n);
  }

  @Override
  public MetricName getName() {
    return beam.getName();
  }
}
