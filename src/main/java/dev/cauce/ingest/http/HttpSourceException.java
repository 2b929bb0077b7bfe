package dev.cauce.ingest.http;

/**
 * An HTTP source cannot go on: the API stayed down (the circuit breaker opened), kept failing after
 * every retry, or refused the request (401, 403, 404...). The message names the page's URL (secrets
 * masked), the last error and what to check. It has no cause on purpose: the driver reports the
 * root cause's message, and this one is written for the user (the underlying error is attached as
 * suppressed, for the log).
 */
public final class HttpSourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HttpSourceException(String message) {
    super(message);
  }
}
