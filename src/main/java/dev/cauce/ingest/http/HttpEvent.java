package dev.cauce.ingest.http;

import dev.cauce.metrics.CauceMetrics;

/** What an HTTP source counts; each event is one increment of the counter it names. */
public enum HttpEvent {
  REQUEST(CauceMetrics.HTTP_REQUESTS),
  PAGE(CauceMetrics.HTTP_PAGES),
  RETRY(CauceMetrics.HTTP_RETRIES),
  THROTTLED(CauceMetrics.HTTP_THROTTLED),
  TIMEOUT(CauceMetrics.HTTP_TIMEOUTS),
  SERVER_ERROR(CauceMetrics.HTTP_SERVER_ERRORS),
  CONNECTION_ERROR(CauceMetrics.HTTP_CONNECTION_ERRORS),
  BREAKER_OPENED(CauceMetrics.HTTP_BREAKER_OPENED),
  MAX_PAGES_REACHED(CauceMetrics.HTTP_MAX_PAGES_REACHED);

  private final String counter;

  HttpEvent(String counter) {
    this.counter = counter;
  }

  /** The Beam counter's name (namespace {@value CauceMetrics#NAMESPACE}). */
  public String counter() {
    return counter;
  }
}
