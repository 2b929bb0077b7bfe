package dev.cauce.resilience;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a circuit breaker opens: once at least {@code minimumCalls} of the last {@code window} calls
 * were made and {@code failureRate} (a fraction) of them failed. While open every call fails at once;
 * after {@code waitOpen} one trial call is let through.
 */
public record BreakerSettings(int window, int minimumCalls, double failureRate, Duration waitOpen) implements Serializable {

  /** A breaker that opens after {@code failures} consecutive failures. */
  public static BreakerSettings consecutive(int failures, Duration waitOpen) {
    return new BreakerSettings(failures, failures, 1.0, waitOpen);
  }
}
