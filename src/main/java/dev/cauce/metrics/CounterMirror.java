package dev.cauce.metrics;

/**
 * Where a runner can show cauce's counters in its own terms as well as Beam's (Flink: accumulators
 * named {@code cauce.<counter>} per operator). Found with {@link java.util.ServiceLoader} in each
 * JVM that runs the job, so that the runner profile provides it without this package naming a runner.
 */
public interface CounterMirror {
  /** Adds {@code n} to the counter {@code name} (without the namespace) of the work this thread does. */
  void inc(String name, long n);
}
