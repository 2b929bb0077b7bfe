package dev.cauce.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a {@code type: jdbc} sink (or {@code dead_letter.table}) writes in PostgreSQL, as checked by
 * the spec loader: the target {@code table} (optionally {@code schema.table}; without a schema,
 * the connection's current schema), the upsert {@code key} (schema fields; empty for the dead
 * letter, whose key is fixed), whether to {@code create} the table when it is missing, the staging
 * insert {@code batchSize}, and the retry and circuit-breaker settings of every statement.
 */
public record JdbcSpec(
    String schema, String table, List<String> key, Create create, int batchSize, RetrySpec retries, BreakerSpec breaker)
    implements Serializable {

  /** Table and schema names in specs: lower-case, so that quoting never changes what a reader types. */
  public static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
  /** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1). */
  public static final int MAX_IDENTIFIER_LENGTH = 63;
  public static final int DEFAULT_BATCH_SIZE = 500;

  public JdbcSpec {
    key = List.copyOf(key);
  }

  /** {@code table} or {@code schema.table}, as written in the spec. */
  public String qualifiedName() {
    return schema == null ? table : schema + "." + table;
  }

  public JdbcSpec withResilience(RetrySpec newRetries, BreakerSpec newBreaker) {
    return new JdbcSpec(schema, table, key, create, batchSize, newRetries, newBreaker);
  }

  /** if_missing: create the table (primary key on {@code key}) when it does not exist; never: it must exist. */
  public enum Create {
    IF_MISSING("if_missing"),
    NEVER("never");

    private final String specName;

    Create(String specName) {
      this.specName = specName;
    }

    public String specName() {
      return specName;
    }
  }

  /**
   * Retries of a transient failure: at most {@code maxAttempts} attempts in all, waiting {@code
   * initialBackoff} times {@code multiplier}^(n-1) before the n-th retry (at most {@code maxBackoff}),
   * each wait randomised by ±50% (jitter).
   */
  public record RetrySpec(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff)
      implements Serializable {
    public static final RetrySpec DEFAULT = new RetrySpec(6, Duration.ofMillis(500), 2.0, Duration.ofSeconds(10));
  }

  /**
   * The circuit breaker: it opens after {@code failureThreshold} consecutive failed attempts (of
   * every worker thread of the sink in one JVM); while open, every call fails at once; after {@code
   * waitOpen} one trial call is let through.
   */
  public record BreakerSpec(int failureThreshold, Duration waitOpen) implements Serializable {
    public static final BreakerSpec DEFAULT = new BreakerSpec(5, Duration.ofSeconds(30));
  }
}
