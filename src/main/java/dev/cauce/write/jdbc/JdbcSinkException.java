package dev.cauce.write.jdbc;

import dev.cauce.secrets.Secrets;

/**
 * A JDBC sink gave up: its message names the sink, the table, the last error (masked) and what to
 * check. It has no cause, so that the driver's "root message" is this one; a short, masked copy of
 * the last database error (without the statement's values) is attached as suppressed for the logs.
 */
public final class JdbcSinkException extends RuntimeException {
  public JdbcSinkException(String message, Throwable lastError) {
    super(Secrets.maskText(message));
    if (lastError != null) {
      addSuppressed(new java.sql.SQLException(JdbcErrors.describe(lastError), dev.cauce.resilience.SqlStates.stateOf(lastError)));
    }
  }
}
