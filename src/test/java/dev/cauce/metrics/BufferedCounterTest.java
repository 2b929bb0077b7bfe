package dev.cauce.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.io.Closeable;
import java.io.IOException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;

/** cauce's counters hold increments within a bundle and hand Beam exactly the committed bundles' totals. */
public class BufferedCounterTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @After
  public void noBundleLeftOpen() {
    CauceMetrics.finishBundle();
  }

  /** Counts each element under "test.odd" / "test.even" and each bundle (Beam's own counter, to see there were many). */
  static final class CountingFn extends DoFn<Integer, Integer> {
    private final Counter odd = CauceMetrics.counter("test.odd");
    private final Counter even = CauceMetrics.counter("test.even");
    private final Counter bundles = Metrics.counter("test", "bundles");

    @StartBundle
    public void start() {
      CauceMetrics.startBundle();
    }

    @ProcessElement
    public void process(@Element Integer i, OutputReceiver<Integer> out) {
      (i % 2 == 0 ? even : odd).inc();
      out.output(i);
    }

    @FinishBundle
    public void finish() {
      bundles.inc();
      CauceMetrics.finishBundle();
    }
  }

  @Test
  public void directRunnerSeesExactTotalsAcrossManyBundles() {
    var numbers = IntStream.range(0, 1001).boxed().collect(Collectors.toList());
    // grouped by key, each key's group arrives in a bundle of its own on the Direct runner
    PCollection<Integer> counted = p.apply(Create.of(numbers))
        .apply(WithKeys.of((Integer i) -> i % 17).withKeyType(TypeDescriptors.integers()))
        .apply(GroupByKey.create()).apply(Values.create()).apply(Flatten.iterables())
        .apply(ParDo.of(new CountingFn()));
    PAssert.that(counted).containsInAnyOrder(numbers);
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(committed(result, CauceMetrics.NAMESPACE, "test.odd"), equalTo(500L));
    assertThat(committed(result, CauceMetrics.NAMESPACE, "test.even"), equalTo(501L));
    assertThat(committed(result, "test", "bundles"), greaterThan(1L));
  }

  @Test
  public void aFailedBundlesPendingCountsDoNotReachTheNextBundle() throws IOException {
    Counter c = CauceMetrics.counter("test.c");
    MetricsContainerImpl first = new MetricsContainerImpl("first");
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(first)) {
      CauceMetrics.startBundle();
      c.inc(5); // the bundle throws here: no finishBundle
      CauceMetrics.abandonBundle(); // Beam tears the failed DoFn down
    }
    MetricsContainerImpl second = new MetricsContainerImpl("second");
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(second)) {
      CauceMetrics.startBundle();
      c.inc(2);
      c.inc();
      assertThat("held until the bundle ends", cumulative(second, "test.c"), equalTo(0L));
      CauceMetrics.finishBundle();
    }
    assertThat(cumulative(first, "test.c"), equalTo(0L));
    assertThat(cumulative(second, "test.c"), equalTo(3L));
  }

  @Test
  public void interleavedBundlesOnOneThreadLoseNothing() throws IOException {
    Counter kept = CauceMetrics.counter("test.kept");
    Counter written = CauceMetrics.counter("test.written");
    MetricsContainerImpl container = new MetricsContainerImpl("chained");
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(container)) {
      CauceMetrics.startBundle(); // the keep step's bundle
      kept.inc(2);
      CauceMetrics.startBundle(); // a chained writer's bundle starts inside it
      written.inc();
      kept.inc();
      CauceMetrics.finishBundle(); // the writer's bundle ends first
      kept.inc(4);
      assertThat(cumulative(container, "test.kept"), equalTo(3L));
      CauceMetrics.finishBundle();
    }
    assertThat(cumulative(container, "test.kept"), equalTo(7L));
    assertThat(cumulative(container, "test.written"), equalTo(1L));
  }

  @Test
  public void offABundleIncrementsGoStraightThrough() throws IOException {
    Counter c = CauceMetrics.counter("test.direct");
    MetricsContainerImpl container = new MetricsContainerImpl("plain");
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(container)) {
      c.inc(4);
      c.dec();
      assertThat(cumulative(container, "test.direct"), equalTo(3L));
      CauceMetrics.startBundle();
      c.inc(10);
      CauceMetrics.finishBundle();
      c.inc();
      assertThat(cumulative(container, "test.direct"), equalTo(14L));
    }
  }

  private static long cumulative(MetricsContainerImpl container, String name) {
    return container.getCounter(MetricName.named(CauceMetrics.NAMESPACE, name)).getCumulative();
  }

  private static long committed(PipelineResult result, String namespace, String name) {
    long sum = 0;
    for (MetricResult<Long> r : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build()).getCounters()) {
      sum += r.getCommitted();
    }
    return sum;
  }
}
