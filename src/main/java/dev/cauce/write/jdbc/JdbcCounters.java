package dev.cauce.write.jdbc;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.resilience.Policy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry and breaker events of one table's writes, as Beam counters {@code jdbc.<name>.<event>}
 * ({@link CauceMetrics#jdbc}): {@code retries}, {@code breaker_opened}, {@code breaker_half_open},
 * {@code breaker_closed}, {@code breaker_rejected} (calls refused while open) and {@code rows}
 * (rows committed to staging). Each event is logged too, with the error masked.
 */
final class JdbcCounters implements Policy.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcCounters.class);

  static final String RETRIES = "retries";
  static final String BREAKER_OPENED = "breaker_opened";
  static final String BREAKER_HALF_OPEN = "breaker_half_open";
  static final String BREAKER_CLOSED = "breaker_closed";
  static final String BREAKER_REJECTED = "breaker_rejected";
  static final String ROWS = "rows";
  static final List<String> EVENTS = List.of(ROWS, RETRIES, BREAKER_OPENED, BREAKER_HALF_OPEN, BREAKER_CLOSED, BREAKER_REJECTED);

  private final String name;

  JdbcCounters(String name) {
    this.name = name;
  }

  @Override
  public void retried(int attempt, Throwable error, Duration wait) {
    CauceMetrics.counter(CauceMetrics.jdbc(name, RETRIES)).inc();
    LOG.warn("jdbc {}: attempt {} failed ({}); retrying in {} ms", name, attempt, JdbcErrors.describe(error), wait.toMillis());
  }

  @Override
  public void breakerChanged(CircuitBreaker.State from, CircuitBreaker.State to) {
    String event = switch (to) {
      case OPEN, FORCED_OPEN -> BREAKER_OPENED;
      case HALF_OPEN -> BREAKER_HALF_OPEN;
      case CLOSED -> BREAKER_CLOSED;
      default -> null;
    };
    if (event != null) {
      CauceMetrics.counter(CauceMetrics.jdbc(name, event)).inc();
    }
    LOG.warn("jdbc {}: circuit breaker {} -> {}", name, from.name().toLowerCase(Locale.ROOT), to.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void notPermitted() {
    CauceMetrics.counter(CauceMetrics.jdbc(name, BREAKER_REJECTED)).inc();
  }
}
