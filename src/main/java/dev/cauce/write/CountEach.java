package dev.cauce.write;

import dev.cauce.metrics.CountingFn;
import dev.cauce.metrics.CauceMetrics;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;

/** Passes every element through, counting it in the cauce counter {@code name}. */
final class CountEach<T> extends CountingFn<T, T> {
  private final Counter counter;

  CountEach(String name) {
    this.counter = CauceMetrics.counter(name);
  }

  @ProcessElement
  public void process(@Element T element, OutputReceiver<T> out) {
    counter.inc();
    out.output(element);
  }
}
