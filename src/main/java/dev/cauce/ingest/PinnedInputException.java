package dev.cauce.ingest;

/**
 * An input changed, disappeared or could not be read while the run read it: the run must fail and
 * publish nothing, since what it read is not the file it planned (and ledgers). Thrown by the
 * reader; the message names the file and what happened. It has no cause, so the driver, which
 * reports a failed job's root cause, shows this message (the I/O error, if any, is suppressed).
 */
public class PinnedInputException extends RuntimeException {
  public PinnedInputException(String problem, Throwable suppressed) {
    super(problem + "; nothing was published");
    if (suppressed != null) {
      addSuppressed(suppressed);
    }
  }
}
