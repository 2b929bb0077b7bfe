package dev.cauce.write;

import java.util.concurrent.locks.LockSupport;

/**
 * Named step boundaries where a test can stop the process to kill it there: when the environment
 * variable {@value #ENV} equals a step's name, {@link #reached} prints {@code cauce: paused at
 * <step>} to stderr and blocks for good (the test waits for that line, then sends SIGKILL). Unset,
 * a call costs one comparison with null.
 */
public final class FaultPoints {
  public static final String ENV = "CAUCE_PAUSE_AT";
  private static final String PAUSE_AT = System.getenv(ENV);

  private FaultPoints() {}

  /** Marks that the process reached {@code step}. */
  public static void reached(String step) {
    if (PAUSE_AT != null && PAUSE_AT.equals(step)) {
      System.err.println("cauce: paused at " + step);
      System.err.flush();
      while (true) {
        LockSupport.park(); // only SIGKILL ends this: an interrupt or spurious wake-up parks again
      }
    }
  }
}
