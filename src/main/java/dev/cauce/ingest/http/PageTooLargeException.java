package dev.cauce.ingest.http;

/**
 * A response body over {@code source.http.max_page_bytes}: not transient (the same page comes back
 * as large), so it is neither retried nor counted against the circuit breaker.
 */
final class PageTooLargeException extends Exception {
  private static final long serialVersionUID = 1L;
  /** The limit, in bytes. */
  final long limit;
  /** The size the response announced (Content-Length), or -1 when it was streamed and cut. */
  final long contentLength;

  PageTooLargeException(long limit, long contentLength) {
    super("response larger than " + limit + " bytes", null, false, false);
    this.limit = limit;
    this.contentLength = contentLength;
  }
}
