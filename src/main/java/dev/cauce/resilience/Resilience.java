package dev.cauce.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one place cauce configures Resilience4j: the retries and circuit breakers of JDBC statements
 * ({@link Policy}), HTTP sources and alert webhooks are all built here from a {@link RetrySettings}
 * and a {@link BreakerSettings}.
 */
public final class Resilience {
  private Resilience() {}

  /**
   * A retry that retries the failures {@code retryable} accepts while {@code breaker} (null: none) is
   * not open, waiting with exponential backoff ({@link RetrySettings}) or, when {@code askedWait}
   * gives one for a failure (a {@code Retry-After}), that wait; every wait is capped by {@code
   * maxBackoff}. Callers may add to the builder (such as retrying on a result).
   */
  public static <T> RetryConfig.Builder<T> retry(
      RetrySettings s, Predicate<Throwable> retryable, CircuitBreaker breaker, Function<Throwable, Duration> askedWait) {
    IntervalFunction backoff = s.jitter() == 0
        ? IntervalFunction.ofExponentialBackoff(s.initialBackoff(), s.multiplier(), s.maxBackoff())
        : IntervalFunction.ofExponentialRandomBackoff(s.initialBackoff(), s.multiplier(), s.jitter(), s.maxBackoff());
    long max = s.maxBackoff().toMillis();
    return RetryConfig.<T>custom()
        .maxAttempts(s.maxAttempts())
        .retryOnException(t -> retryable.test(t) && (breaker == null || breaker.getState() != CircuitBreaker.State.OPEN))
        .intervalBiFunction((attempt, outcome) -> {
          Duration asked = outcome.isLeft() ? askedWait.apply(outcome.getLeft()) : null;
          long wait = asked != null ? asked.toMillis() : backoff.apply(attempt);
          return Math.max(1, Math.min(wait, max));
        })
        .writableStackTraceEnabled(false);
  }

  /** A retry without a breaker and with no wait asked by the failures. */
  public static <T> RetryConfig.Builder<T> retry(RetrySettings s, Predicate<Throwable> retryable) {
    return retry(s, retryable, null, t -> null);
  }

  /**
   * A count-based circuit breaker ({@link BreakerSettings}): the failures {@code failure} accepts
   * count against it, those {@code ignored} accepts do not count at all, any other outcome counts as
   * a success. Slow calls do not open it (a call is slow only after a day).
   */
  public static CircuitBreaker breaker(
      String name, BreakerSettings s, Predicate<Throwable> failure, Predicate<Throwable> ignored) {
    return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .slidingWindow(s.window(), s.minimumCalls(), SlidingWindowType.COUNT_BASED)
        .failureRateThreshold((float) (s.failureRate() * 100))
        .slowCallRateThreshold(100)
        .slowCallDurationThreshold(Duration.ofDays(1))
        .waitDurationInOpenState(s.waitOpen())
        .permittedNumberOfCallsInHalfOpenState(1)
        .recordException(failure)
        .ignoreException(ignored)
        .writableStackTraceEnabled(false)
        .build());
  }
}
