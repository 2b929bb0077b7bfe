package dev.cauce.metrics;

import org.apache.beam.sdk.transforms.DoFn;

/**
 * A DoFn that counts: its bundles start and finish cauce's counts ({@link CauceMetrics#startBundle()},
 * {@link CauceMetrics#finishBundle()}) and its teardown drops what a failed bundle held. A DoFn with bundle methods of its own calls the two itself.
 */
public abstract class CountingFn<I, O> extends DoFn<I, O> {
  @StartBundle
  public void startCounts() {
    CauceMetrics.startBundle();
  }

  @FinishBundle
  public void finishCounts() {
    CauceMetrics.finishBundle();
  }

  @Teardown
  public void abandonCounts() {
    CauceMetrics.abandonBundle();
  }
}
