package dev.cauce.write.jdbc;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Connection and resilience options of {@code type: jdbc} sinks and {@code dead_letter.table}.
 * Passwords are never options themselves: name an environment variable or a file that holds it.
 * Every message cauce prints masks passwords inside the URL ({@code password=...}).
 */
public interface JdbcOptions extends PipelineOptions {
  @Description("PostgreSQL JDBC URL for jdbc sinks and dead_letter.table, e.g. jdbc:postgresql://127.0.0.1:5432/test."
      + " Driver parameters such as connectTimeout, socketTimeout or currentSchema may be added (?currentSchema=etl).")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("Database user for --jdbcUrl (or user=... in the URL).")
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description("Name of an environment variable holding the database password (where the job runs, too).")
  String getJdbcPasswordEnv();

  void setJdbcPasswordEnv(String value);

  @Description("File holding the database password (one line; a trailing newline is ignored).")
  String getJdbcPasswordFile();

  void setJdbcPasswordFile(String value);

  @Description("Overrides retries.max_attempts of every jdbc sink: attempts of a statement in all (1-100).")
  Integer getJdbcMaxAttempts();

  void setJdbcMaxAttempts(Integer value);

  @Description("Overrides retries.initial_backoff of every jdbc sink: the first wait, e.g. 500ms.")
  String getJdbcInitialBackoff();

  void setJdbcInitialBackoff(String value);

  @Description("Overrides retries.multiplier of every jdbc sink: each wait is the previous one times this (1-10).")
  Double getJdbcBackoffMultiplier();

  void setJdbcBackoffMultiplier(Double value);

  @Description("Overrides retries.max_backoff of every jdbc sink: the longest wait, e.g. 10s.")
  String getJdbcMaxBackoff();

  void setJdbcMaxBackoff(String value);

  @Description("Overrides breaker.failure_threshold of every jdbc sink: consecutive failures that open the breaker (1-1000).")
  Integer getJdbcBreakerFailureThreshold();

  void setJdbcBreakerFailureThreshold(Integer value);

  @Description("Overrides breaker.wait_open of every jdbc sink: how long an open breaker refuses calls, e.g. 30s.")
  String getJdbcBreakerWaitOpen();

  void setJdbcBreakerWaitOpen(String value);
}
