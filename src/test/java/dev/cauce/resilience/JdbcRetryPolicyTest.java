package dev.cauce.resilience;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.Assert.fail;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/** The retry + circuit-breaker policy of JDBC writes, and which SQLStates it retries. */
public class JdbcRetryPolicyTest {
  static final class Events implements Policy.Listener {
    final List<Duration> waits = new ArrayList<>();
    final List<CircuitBreaker.State> transitions = new ArrayList<>();
    int notPermitted;

    @Override
    public void retried(int attempt, Throwable error, Duration wait) {
      waits.add(wait);
    }

    @Override
    public void breakerChanged(CircuitBreaker.State from, CircuitBreaker.State to) {
      transitions.add(to);
    }

    @Override
    public void notPermitted() {
      notPermitted++;
    }
  }

  /** JDBC's retries: each wait randomised by ±50%. */
  private static RetrySettings retries(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
    return new RetrySettings(maxAttempts, initialBackoff, multiplier, 0.5, maxBackoff);
  }

  private static Policy policy(RetrySettings r, BreakerSettings b, Events events) {
    Policy.Breaker breaker = Policy.newBreaker("test", b, SqlStates::isTransient, events);
    return new Policy("test", r, breaker, SqlStates::isTransient, events);
  }

  private static SQLException sql(String state) {
    return new SQLException("boom " + state, state);
  }

  @Test
  public void transientSqlStatesAreRetriedOthersAreNot() {
    for (String s : List.of("08001", "08006", "08003", "40001", "40P01", "57P01", "57P02", "57P03")) {
      assertThat(s, SqlStates.isTransient(sql(s)), equalTo(true));
    }
    for (String s : List.of("23505", "23514", "42P01", "22021", "XX000")) {
      assertThat(s, SqlStates.isTransient(sql(s)), equalTo(false));
    }
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT ... was aborted", null, 0, new int[0]);
    batch.setNextException(sql("40P01"));
    assertThat(SqlStates.isTransient(batch), equalTo(true));
    assertThat(SqlStates.isTransient(new RuntimeException(sql("08006"))), equalTo(true));
    assertThat(SqlStates.isTransient(new IllegalStateException("not sql")), equalTo(false));
  }

  @Test
  public void aTransientFailureIsRetriedWithExponentialBackoffAndJitterThenSucceeds() throws Exception {
    Events events = new Events();
    Policy p = policy(retries(5, Duration.ofMillis(20), 2.0, Duration.ofMillis(50)), BreakerSettings.consecutive(10, Duration.ofMinutes(1)), events);
    AtomicInteger calls = new AtomicInteger();
    String result = p.call(() -> {
      if (calls.incrementAndGet() < 4) {
        throw sql("08006");
      }
      return "done";
    });
    assertThat(result, equalTo("done"));
    assertThat(calls.get(), equalTo(4));
    assertThat(events.waits.size(), equalTo(3));
    long[] base = {20, 40, 50}; // 20 × 2^(n-1), capped at 50, each ±50%
    for (int i = 0; i < 3; i++) {
      assertThat(events.waits.get(i).toMillis(), both(greaterThanOrEqualTo(base[i] / 2)).and(lessThanOrEqualTo(base[i] * 3 / 2)));
    }
    assertThat(events.transitions, equalTo(List.of()));
  }

  @Test
  public void retriesEndAfterMaxAttempts() {
    Events events = new Events();
    Policy p = policy(retries(3, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), BreakerSettings.consecutive(10, Duration.ofMinutes(1)), events);
    AtomicInteger calls = new AtomicInteger();
    try {
      p.call(() -> {
        calls.incrementAndGet();
        throw sql("40001");
      });
      fail();
    } catch (Policy.Failure f) {
      assertThat(f.attempts(), equalTo(3));
      assertThat(f.retryable(), equalTo(true));
      assertThat(f.breakerOpen(), equalTo(false));
      assertThat(((SQLException) f.lastError()).getSQLState(), equalTo("40001"));
    }
    assertThat(calls.get(), equalTo(3));
  }

  @Test
  public void aPermanentFailureIsNotRetriedAndDoesNotCountForTheBreaker() {
    Events events = new Events();
    Policy p = policy(retries(5, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), BreakerSettings.consecutive(1, Duration.ofMinutes(1)), events);
    SQLException unique = sql("23505");
    try {
      p.call(() -> {
        throw unique;
      });
      fail();
    } catch (Policy.Failure f) {
      assertThat(f.attempts(), equalTo(1));
      assertThat(f.retryable(), equalTo(false));
      assertThat(f.lastError(), sameInstance(unique));
    }
    assertThat(p.breaker().state(), equalTo(CircuitBreaker.State.CLOSED));
  }

  @Test
  public void theBreakerOpensAfterTheThresholdStopsRetryingAndFailsLaterCallsAtOnce() {
    Events events = new Events();
    Policy p = policy(retries(10, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), BreakerSettings.consecutive(3, Duration.ofMinutes(1)), events);
    AtomicInteger calls = new AtomicInteger();
    try {
      p.call(() -> {
        calls.incrementAndGet();
        throw sql("08001");
      });
      fail();
    } catch (Policy.Failure f) {
      assertThat("3 consecutive failures open it; the 7 other attempts are not made", f.attempts(), equalTo(3));
      assertThat(f.breakerOpen(), equalTo(true));
    }
    assertThat(events.transitions, equalTo(List.of(CircuitBreaker.State.OPEN)));
    try {
      p.call(() -> {
        calls.incrementAndGet();
        return "never";
      });
      fail();
    } catch (Policy.Failure f) {
      assertThat(f.attempts(), equalTo(0));
      assertThat(f.breakerOpen(), equalTo(true));
      assertThat("the breaker's last failure is reported", ((SQLException) f.lastError()).getSQLState(), equalTo("08001"));
    }
    assertThat(calls.get(), equalTo(3));
    assertThat(events.notPermitted, equalTo(1));
  }

  @Test
  public void afterWaitOpenOneTrialCallClosesTheBreakerAgain() throws Exception {
    Events events = new Events();
    Policy p = policy(retries(1, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), BreakerSettings.consecutive(1, Duration.ofMillis(100)), events);
    try {
      p.call(() -> {
        throw sql("57P01");
      });
      fail();
    } catch (Policy.Failure f) {
      assertThat(f.breakerOpen(), equalTo(true));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String result = null;
    while (result == null && System.nanoTime() < deadline) { // poll until wait_open has passed
      try {
        result = p.call(() -> "ok");
      } catch (Policy.Failure f) {
        assertThat(f.breakerOpen(), equalTo(true));
        Thread.onSpinWait();
      }
    }
    assertThat(result, equalTo("ok"));
    assertThat(events.transitions, equalTo(List.of(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN,
        CircuitBreaker.State.CLOSED)));
  }

  @Test
  public void sharedBreakersAreOnePerKey() {
    Events events = new Events();
    BreakerSettings b = BreakerSettings.consecutive(2, Duration.ofMinutes(1));
    Policy.Breaker one = Policy.sharedBreaker("run-x/sink", b, SqlStates::isTransient, events);
    assertThat(Policy.sharedBreaker("run-x/sink", b, SqlStates::isTransient, events), sameInstance(one));
    Policy.release("run-x/sink");
    assertThat("one user left", Policy.sharedBreaker("run-x/sink", b, SqlStates::isTransient, events), sameInstance(one));
    Policy.release("run-x/sink");
    Policy.release("run-x/sink");
    assertThat("the last user removed it", Policy.sharedBreaker("run-x/sink", b, SqlStates::isTransient, events) == one,
        equalTo(false));
    Policy.release("run-x/sink");
  }

  @Test
  public void durations() {
    assertThat(Durations.parse("250ms"), equalTo(Duration.ofMillis(250)));
    assertThat(Durations.parse("2s"), equalTo(Duration.ofSeconds(2)));
    assertThat(Durations.parse("1m"), equalTo(Duration.ofMinutes(1)));
    assertThat(Durations.parse("1.5s"), equalTo(null));
    assertThat(Durations.parse("5"), equalTo(null));
    assertThat(Durations.format(Duration.ofMillis(1500)), equalTo("1500ms"));
    assertThat(Durations.format(Duration.ofSeconds(90)), equalTo("90s"));
  }
}
