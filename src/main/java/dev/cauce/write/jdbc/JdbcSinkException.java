package dev.cauce.write.jdbc;

import dev.cauce.monitor.Secrets;

/**
 * A JDBC sink gave up: its message names the sink, the table, the last error (masked) and what to
 * check. It has no cause, so that the driver's "root message" is this one; a masked copy of the
 * last database error is attached as suppressed for the logs.
 */
public final class JdbcSinkException extends RuntimeException {
  public JdbcSinkException(String message, Throwable lastError) {
    super(Secrets.maskText(message));
    if (lastError != null) {
      addSuppressed(new java.sql.SQLException(Secrets.maskText(String.valueOf(lastError.getMessage())),
          dev.cauce.resilience.SqlStates.stateOf(lastError)));
    }
  }
}
