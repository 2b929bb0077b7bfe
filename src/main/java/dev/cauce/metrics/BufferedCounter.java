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
   * The cauce bundle this thread runs, if any, and the counters it has pending. A thread runs one
   * bundle at a time: true of the Direct runner and of Flink's batch tasks (one per thread).
   */
  static final class Bundle {
    private boolean open;
    private final List<BufferedCounter> pending = new ArrayList<>();

    /** Starts a bundle: forgets what a bundle that failed before on this thread left pending. */
    void start() {
      for (BufferedCounter c : pending) {
        c.pending = 0;
        c.listed = false;
      }
      pending.clear();
      open = true;
    }

    /** Ends the bundle: every pending count goes to Beam's counter (in the container the runner commits). */
    void finish() {
      for (BufferedCounter c : pending) {
        long n = c.pending;
        c.pending = 0;
        c.listed = false;
        c.push(n);
      }
      pending.clear();
      open = false;
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
    if (!b.open) {
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
