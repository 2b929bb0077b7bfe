package dev.cauce.resilience;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which database errors are worth retrying, by SQLState: class 08 (connection exceptions: refused,
 * broken, timed out), 40001 (serialization failure), 40P01 (deadlock detected), 57P01 (admin
 * shutdown), 57P02 (crash shutdown) and 57P03 (cannot connect now: the server is starting). Every
 * other error (a constraint violation, a missing table, bad data) fails at once: retrying it cannot help.
 */
public final class SqlStates {
  private SqlStates() {}

  public static final Set<String> TRANSIENT = Set.of("40001", "40P01", "57P01", "57P02", "57P03");
  public static final String CONNECTION_CLASS = "08";

  /** Whether {@code state} is transient (see the class comment). */
  public static boolean isTransientState(String state) {
    return state != null && (state.startsWith(CONNECTION_CLASS) || TRANSIENT.contains(state));
  }

  /** Whether any SQLException in {@code t}'s causes (and chained next exceptions) has a transient state. */
  public static boolean isTransient(Throwable t) {
    for (SQLException e : chain(t)) {
      if (isTransientState(e.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** The first SQLState in {@code t}'s chain, or null. */
  public static String stateOf(Throwable t) {
    for (SQLException e : chain(t)) {
      if (e.getSQLState() != null) {
        return e.getSQLState();
      }
    }
    return null;
  }

  /** Every SQLException among {@code t}, its causes and their next exceptions, in order, each once. */
  static Iterable<SQLException> chain(Throwable t) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    java.util.List<SQLException> out = new java.util.ArrayList<>();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
    if (t != null) {
      todo.add(t);
    }
    while (!todo.isEmpty() && seen.size() < 100) {
      Throwable x = todo.poll();
      if (seen.put(x, Boolean.TRUE) != null) {
        continue;
      }
      if (x instanceof SQLException s) {
        out.add(s);
        if (s.getNextException() != null) {
          todo.add(s.getNextException());
        }
      }
      if (x.getCause() != null) {
        todo.add(x.getCause());
      }
    }
    return out;
  }
}
