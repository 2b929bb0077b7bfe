package dev.cauce.fault;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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
 *
 * <p>A full disk without filling one: when {@value #NO_SPACE_ENV} lists a step (comma-separated),
 * {@link #noSpace} of it throws the {@link IOException} the OS gives then. Steps: {@code write:staging}
 * (a sink's part file, after its first record), {@code atomic:<file name>} (half way through a whole-file write).
 */
public final class FaultPoints {
  public static final String ENV = "CAUCE_PAUSE_AT";
  private static final String PAUSE_AT = System.getenv(ENV);
  public static final String NO_SPACE_ENV = "CAUCE_NO_SPACE_AT";
  private static final List<String> NO_SPACE_AT =
      System.getenv(NO_SPACE_ENV) == null ? List.of() : List.of(System.getenv(NO_SPACE_ENV).split(","));
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

  /** Throws "No space left on device" when {@value #NO_SPACE_ENV} lists {@code step}. */
  public static void noSpace(String step) throws IOException {
    if (!NO_SPACE_AT.isEmpty() && NO_SPACE_AT.contains(step)) {
      throw new IOException("No space left on device (" + NO_SPACE_ENV + "=" + step + ")");
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
