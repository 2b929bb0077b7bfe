package dev.cauce.write.jdbc;

import dev.cauce.secrets.Secrets;

/**
 * A JDBC problem found before the job starts (missing or bad options, an unreachable database, a
 * table that does not fit): nothing ran. The message is masked and says what to do.
 */
public final class JdbcSetupException extends Exception {
  public JdbcSetupException(String message) {
    super(Secrets.maskText(message), null, false, false);
  }
}
