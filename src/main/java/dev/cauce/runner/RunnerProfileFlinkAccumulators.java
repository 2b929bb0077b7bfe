package dev.cauce.runner;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.metrics.CounterMirror;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.runtime.taskmanager.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cauce's counters as plain Flink accumulators, {@code cauce.<counter>} (a {@link LongCounter}), in
 * the task that counts them: Flink's web UI lists them per operator (a vertex's "Accumulators" tab)
 * and for the job, and its REST API at {@code /jobs/<id>/vertices/<vid>/accumulators} and {@code
 * /jobs/<id>/accumulators}, also after the job ended. Beam's Flink runner reports Beam counters only
 * as one base64 {@code __metricscontainers} accumulator and gives a DoFn no Flink runtime context, so
 * the task is found from its thread: a Flink task runs in a thread of its own whose {@code Runnable}
 * is the {@link Task} (reading it needs {@code --add-opens=java.base/java.lang=ALL-UNNAMED}, in
 * Flink's default JVM options and runners/flink/cluster.sh). Anywhere else (the Direct runner, the
 * client, a JVM without that option) this does nothing and Beam's counters are unchanged.
 */
public final class RunnerProfileFlinkAccumulators implements CounterMirror {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerProfileFlinkAccumulators.class);
  /** The accumulators' names: {@code cauce.read}, {@code cauce.written.orders}, ... */
  public static final String PREFIX = CauceMetrics.NAMESPACE + ".";
  private static final Field THREAD_TARGET = threadTarget();
  /** This thread's task's accumulators by counter name; an empty map off a Flink task thread. */
  private static final ThreadLocal<Map<String, LongCounter>> TASK = ThreadLocal.withInitial(RunnerProfileFlinkAccumulators::ofThisThread);
  private static final Map<String, LongCounter> NONE = Map.of();

  @Override
  public void inc(String name, long n) {
    Map<String, LongCounter> task = TASK.get();
    if (task != NONE) {
      task.computeIfAbsent(name, RunnerProfileFlinkAccumulators::register).add(n);
    }
  }

  private static Field threadTarget() {
    try {
      Field f = Thread.class.getDeclaredField("target");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // java.lang not opened to this code: no accumulators, Beam's counters only
    }
  }

  private static Map<String, LongCounter> ofThisThread() {
    try {
      if (THREAD_TARGET != null && THREAD_TARGET.get(Thread.currentThread()) instanceof Task) {
        return new HashMap<>();
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.debug("no Flink task for cauce's accumulators", e);
    }
    return NONE;
  }

  /** The task's accumulator {@code cauce.<name>}, added to it on first use (the task's own if it has one). */
  private static LongCounter register(String name) {
    try {
      Task task = (Task) THREAD_TARGET.get(Thread.currentThread());
      Map<String, Accumulator<?, ?>> user = task.getAccumulatorRegistry().getUserMap();
      return user.computeIfAbsent(PREFIX + name, k -> new LongCounter()) instanceof LongCounter c ? c : new LongCounter();
    } catch (ReflectiveOperationException e) {
      return new LongCounter(); // not reached: ofThisThread read the same field
    }
  }
}
