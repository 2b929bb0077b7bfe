package dev.cauce.write.jdbc;

import dev.cauce.resilience.Policy;
import dev.cauce.resilience.SqlStates;
import dev.cauce.secrets.Secrets;
import java.net.URI;
import java.sql.BatchUpdateException;

/** Messages about database failures: short, masked, and saying what to check. */
final class JdbcErrors {
  private JdbcErrors() {}

  /** {@code [08001] Connection to 127.0.0.1:5432 refused. ...}: the SQLState and the first line, masked. */
  static String describe(Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    if (e instanceof BatchUpdateException b && b.getNextException() != null) {
      e = b.getNextException(); // the batch's own message quotes the statement with its values
    }
    String state = SqlStates.stateOf(e);
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    m = m.strip();
    if (m.endsWith(".")) {
      m = m.substring(0, m.length() - 1);
    }
    return (state == null ? "" : "[" + state + "] ") + Secrets.maskText(m);
  }

  /** What happened in a policy failure: retries, breaker, last error. */
  static String failure(Policy.Failure f, String action) {
    String last = "; last error: " + describe(f.lastError());
    if (f.breakerOpen()) {
      return action + ": the circuit breaker is open (too many consecutive failures; this call made " + f.attempts()
          + " attempt(s) in " + seconds(f.elapsedMillis()) + ")" + last;
    }
    if (f.retryable()) {
      return action + ": gave up after " + f.attempts() + " attempt(s) in " + seconds(f.elapsedMillis()) + last;
    }
    return action + " failed with an error that is not transient, so it was not retried" + last;
  }

  /** What to check, for a connection-type failure or another one. */
  static String advice(Policy.Failure f, JdbcSettings settings) {
    if (f.breakerOpen() || f.retryable()) {
      return " Check that PostgreSQL at " + settings.maskedUrl() + " is up and reachable (" + pgIsReady(settings.url())
          + ") and not overloaded, then run again.";
    }
    return " Check the table's definition and the data in the error.";
  }

  static String pgIsReady(String url) {
    try {
      URI u = URI.create(url.substring("jdbc:".length()));
      String host = u.getHost() == null ? "127.0.0.1" : u.getHost();
      int port = u.getPort() < 0 ? 5432 : u.getPort();
      return "pg_isready -h " + host + " -p " + port;
    } catch (RuntimeException e) {
      return "pg_isready";
    }
  }

  static String seconds(long ms) {
    return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
