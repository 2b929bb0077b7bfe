package dev.cauce.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;

import dev.cauce.metrics.CauceMetrics;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.DelegatingCounter;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.Test;

/**
 * The Flink accumulators' mirror off a Flink task (FlinkClusterIT reads them on a real cluster): found
 * as the JVM's counter mirror, inert on any other thread, and cauce's counters stay serializable
 * Beam counters with their name (DoFns hold them as fields).
 */
public class RunnerProfileFlinkAccumulatorsTest {
  @Test
  public void cauceCountersAreMirroredSerializableBeamCounters() {
    Counter c = CauceMetrics.counter(CauceMetrics.READ);
    assertThat(c, not(instanceOf(DelegatingCounter.class))); // the mirror service was found
    Counter copy = SerializableUtils.clone(c);
    assertThat(copy.getName().getNamespace() + "." + copy.getName().getName(), equalTo("cauce.read"));
    copy.inc();
    copy.inc(5);
    copy.dec();
  }

  @Test
  public void offAFlinkTaskNothingIsRegistered() throws InterruptedException {
    RunnerProfileFlinkAccumulators mirror = new RunnerProfileFlinkAccumulators();
    mirror.inc("read", 3); // this thread and a plain one: no task, no accumulator, no error
    Thread other = new Thread(() -> mirror.inc("written.orders", 1));
    other.start();
    other.join();
    assertThat(RunnerProfileFlinkAccumulators.PREFIX, equalTo("cauce."));
  }
}
