package dev.cauce.fault;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Named step boundaries where a test can stop the process, to kill it there or change the world
 * around it and let it go on. When the environment variable {@value #ENV} equals a step's name, the
 * first {@link #reached} of it prints {@code cauce: paused at <step>} to stderr and waits for one
 * line on stdin, then returns; a thread reaching the step meanwhile waits with it, later ones pass.
 * If stdin ends first, it blocks for good (only SIGKILL ends the process). Unset, a call costs one
 * comparison with null. A package of its own with no dependencies, so that any layer can mark a step.
 *
 * <p>Steps: {@code publish:<step>} ({@code dev.cauce.write.Publisher}), {@code job:running} (the
 * driver, once the runner started the job), {@code read:opened} (an input file part opened, before
 * its first record is read), {@code finish:lock-proved} (the run proved its lock, before its commit).
 */
public final class FaultPoints {
  public static final String ENV = "CAUCE_PAUSE_AT";
  private static final String PAUSE_AT = System.getenv(ENV);
  private static final AtomicBoolean PAUSED = new AtomicBoolean();
  private static final CountDownLatch RESUMED = new CountDownLatch(1);

  private FaultPoints() {}

  /** Marks that the process reached {@code step}. */
  public static void reached(String step) {
    if (PAUSE_AT == null || !PAUSE_AT.equals(step)) {
      return;
    }
    if (PAUSED.compareAndSet(false, true)) {
      System.err.println("cauce: paused at " + step);
      System.err.flush();
      if (!lineOnStdin(System.in)) {
        blockForGood();
      }
      RESUMED.countDown();
    } else {
      awaitResume();
    }
  }

  /** Reads up to the end of one line; false when the stream ended (or failed) first. */
  static boolean lineOnStdin(InputStream in) {
    try {
      for (int b; (b = in.read()) >= 0; ) {
        if (b == '\n') {
          return true;
        }
      }
    } catch (IOException e) {
      // as good as closed
    }
    return false;
  }

  private static void awaitResume() {
    boolean interrupted = false;
    while (RESUMED.getCount() > 0) {
      try {
        RESUMED.await();
      } catch (InterruptedException e) {
        interrupted = true; // a fault point is not cancelled: wait on, and keep the interrupt for the caller
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void blockForGood() {
    while (true) {
      LockSupport.park(); // only SIGKILL ends this: an interrupt or spurious wake-up parks again
    }
  }
}
