package dev.cauce.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A call retried with exponential backoff ({@link RetrySettings}) inside a circuit breaker
 * ({@link BreakerSettings}), both built by {@link Resilience}, that says why it gave up ({@link
 * Failure}). Each attempt goes through the breaker; once it opens the call fails at once, without
 * waiting for the remaining retries, and so does every other call through the same breaker until
 * {@code waitOpen} has passed. Failures that are not retryable neither count for nor against the
 * breaker and are never retried.
 *
 * <p>Breakers are shared by key within a JVM ({@link #sharedBreaker}), so all the worker threads of
 * one sink stop hammering a database that is down as soon as one of them has seen enough failures.
 */
public final class Policy {
  /** What a policy reports as it works: retries and breaker state changes. Called on the caller's thread. */
  public interface Listener {
    void retried(int attempt, Throwable error, Duration wait);

    void breakerChanged(CircuitBreaker.State from, CircuitBreaker.State to);

    void notPermitted();
  }

  /** A shared breaker and the last failure it recorded. */
  public static final class Breaker {
    final CircuitBreaker breaker;
    final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    /** Users of a shared breaker (see {@link #sharedBreaker} and {@link #release}). */
    int users;

    Breaker(CircuitBreaker breaker) {
      this.breaker = breaker;
    }

    public CircuitBreaker.State state() {
      return breaker.getState();
    }
  }

  private static final ConcurrentMap<String, Breaker> BREAKERS = new ConcurrentHashMap<>();

  /**
   * The breaker registered under {@code key} in this JVM, created (with {@code listener} notified of
   * its transitions) by the first caller. Each caller {@link #release}s it when done; the last one
   * to do so removes it.
   */
  public static Breaker sharedBreaker(String key, BreakerSettings settings, Predicate<Throwable> retryable, Listener listener) {
    return BREAKERS.compute(key, (k, b) -> {
      Breaker shared = b != null ? b : newBreaker(k, settings, retryable, listener);
      shared.users++;
      return shared;
    });
  }

  /** One user of the breaker registered under {@code key} is done with it. */
  public static void release(String key) {
    BREAKERS.computeIfPresent(key, (k, b) -> --b.users <= 0 ? null : b);
  }

  public static Breaker newBreaker(String name, BreakerSettings settings, Predicate<Throwable> retryable, Listener listener) {
    Breaker b = new Breaker(Resilience.breaker(name, settings, retryable, retryable.negate()));
    b.breaker.getEventPublisher()
        .onError(e -> b.lastFailure.set(e.getThrowable()))
        .onStateTransition(e -> listener.breakerChanged(e.getStateTransition().getFromState(), e.getStateTransition().getToState()))
        .onCallNotPermitted(e -> listener.notPermitted());
    return b;
  }

  /** Why a call failed for good. */
  public static final class Failure extends Exception {
    private final int attempts;
    private final long elapsedMillis;
    private final Throwable lastError;
    private final boolean breakerOpen;
    private final boolean retryable;

    Failure(int attempts, long elapsedMillis, Throwable lastError, boolean breakerOpen, boolean retryable) {
      super(null, null, false, false);
      this.attempts = attempts;
      this.elapsedMillis = elapsedMillis;
      this.lastError = lastError;
      this.breakerOpen = breakerOpen;
      this.retryable = retryable;
    }

    /** Attempts made by this call (0 when the breaker was already open). */
    public int attempts() {
      return attempts;
    }

    public long elapsedMillis() {
      return elapsedMillis;
    }

    /** The last real error (never the breaker's refusal); null if none is known. */
    public Throwable lastError() {
      return lastError;
    }

    /** The breaker is open: the database failed too often in a row. */
    public boolean breakerOpen() {
      return breakerOpen;
    }

    /** The last error was retryable (so the call gave up after retrying, or the breaker stopped it). */
    public boolean retryable() {
      return retryable;
    }
  }

  private final Retry retry;
  private final Breaker breaker;
  private final Predicate<Throwable> retryable;

  /** A policy whose retries go through {@code breaker}; {@code listener} hears of every retry. */
  public Policy(String name, RetrySettings settings, Breaker breaker, Predicate<Throwable> retryable, Listener listener) {
    this.breaker = breaker;
    this.retryable = retryable;
    this.retry = Retry.of(name, Resilience.retry(settings, retryable, breaker.breaker, t -> null).build());
    retry.getEventPublisher().onRetry(e -> listener.retried(e.getNumberOfRetryAttempts(), e.getLastThrowable(), e.getWaitInterval()));
  }

  public Breaker breaker() {
    return breaker;
  }

  /** Runs {@code work} under the policy; its result, or a {@link Failure} saying why it gave up. */
  public <T> T call(CheckedSupplier<T> work) throws Failure {
    AtomicInteger attempts = new AtomicInteger();
    AtomicReference<Throwable> last = new AtomicReference<>();
    long start = System.nanoTime();
    CheckedSupplier<T> counted = () -> {
      attempts.incrementAndGet();
      try {
        return work.get();
      } catch (Throwable t) {
        last.set(t);
        throw t;
      }
    };
    try {
      return Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker.breaker, counted)).get();
    } catch (Throwable t) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      boolean open = t instanceof CallNotPermittedException || breaker.state() == CircuitBreaker.State.OPEN;
      Throwable lastError = last.get() != null ? last.get() : breaker.lastFailure.get();
      if (lastError == null && !(t instanceof CallNotPermittedException)) {
        lastError = t;
      }
      throw new Failure(attempts.get(), (System.nanoTime() - start) / 1_000_000, lastError, open,
          lastError != null && retryable.test(lastError));
    }
  }
}
