package dev.cauce.ingest;

/**
 * The source pattern matches no input file (or names a directory instead of files). Thrown by
 * {@link InputFiles#match} before a pipeline runs, so a mistyped path fails fast with a clear
 * message instead of producing an empty run.
 */
public class NoInputException extends RuntimeException {
  private final String pattern;

  public NoInputException(String pattern, String message) {
    super(message);
    this.pattern = pattern;
  }

  public NoInputException(String pattern, String message, Throwable cause) {
    super(message, cause);
    this.pattern = pattern;
  }

  /** The file pattern that matched nothing usable. */
  public String pattern() {
    return pattern;
  }
}
