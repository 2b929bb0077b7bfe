package dev.cauce.resilience;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.fail;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/** The factory every retry and breaker comes from: waits, what is retried, what counts against a breaker. */
public class ResilienceTest {
  static final class Throttled extends IOException {}

  @Test
  public void waitsDoubleUpToTheCapAndAnAskedWaitIsHonouredButCapped() throws Throwable {
    Retry retry = Retry.of("t", Resilience.retry(
        new RetrySettings(5, Duration.ofMillis(10), 2.0, 0, Duration.ofMillis(30)),
        IOException.class::isInstance, null, t -> t instanceof Throttled ? Duration.ofMinutes(5) : null).build());
    List<Long> waits = new ArrayList<>();
    retry.getEventPublisher().onRetry(e -> waits.add(e.getWaitInterval().toMillis()));
    AtomicInteger calls = new AtomicInteger();
    String result = Retry.decorateCheckedSupplier(retry, () -> {
      int n = calls.incrementAndGet();
      if (n == 4) {
        throw new Throttled();
      }
      if (n < 5) {
        throw new IOException("down");
      }
      return "ok";
    }).get();
    assertThat(result, equalTo("ok"));
    assertThat("10, 20, capped 40 -> 30, then the asked 5 min capped to 30", waits, equalTo(List.of(10L, 20L, 30L, 30L)));
  }

  @Test
  public void onlyRetryableFailuresAreRetried() throws Throwable {
    Retry retry = Retry.of("t", Resilience.retry(
        new RetrySettings(5, Duration.ofMillis(1), 1.0, 0, Duration.ofMillis(1)), IOException.class::isInstance).build());
    AtomicInteger calls = new AtomicInteger();
    try {
      Retry.decorateCheckedSupplier(retry, () -> {
        calls.incrementAndGet();
        throw new IllegalStateException("bad input");
      }).get();
      fail();
    } catch (IllegalStateException expected) {
      assertThat(expected.getMessage(), equalTo("bad input"));
    }
    assertThat(calls.get(), equalTo(1));
  }

  @Test
  public void onlyFailuresOpenABreakerNeitherIgnoredErrorsNorSlowCalls() {
    CircuitBreaker b = Resilience.breaker("t", BreakerSettings.consecutive(2, Duration.ofMinutes(1)),
        IOException.class::isInstance, IllegalArgumentException.class::isInstance);
    b.onError(0, TimeUnit.MILLISECONDS, new IllegalArgumentException("ignored"));
    b.onError(0, TimeUnit.MILLISECONDS, new IllegalArgumentException("ignored"));
    b.onSuccess(Duration.ofHours(2).toMillis(), TimeUnit.MILLISECONDS);
    b.onSuccess(Duration.ofHours(2).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(b.getState(), equalTo(CircuitBreaker.State.CLOSED));
    b.onError(0, TimeUnit.MILLISECONDS, new IOException("down"));
    b.onError(0, TimeUnit.MILLISECONDS, new IllegalStateException("neither: counts as a success"));
    b.onError(0, TimeUnit.MILLISECONDS, new IOException("down"));
    assertThat(b.getState(), equalTo(CircuitBreaker.State.CLOSED));
    b.onError(0, TimeUnit.MILLISECONDS, new IOException("down"));
    assertThat(b.getState(), equalTo(CircuitBreaker.State.OPEN));
  }
}
