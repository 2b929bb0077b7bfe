package dev.cauce.ingest.http;

import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.HttpSourceSpec.BreakerSpec;
import dev.cauce.spec.HttpSourceSpec.Pagination;
import dev.cauce.spec.HttpSourceSpec.RetrySpec;
import dev.cauce.spec.HttpSourceSpec.Style;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds HTTP source specs for tests (the YAML loader is not involved); quick retries by default. */
public final class HttpSpecs {
  private final String url;
  private final Map<String, String> params = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private String records = "";
  private Pagination pagination = Pagination.NONE;
  private Duration timeout = Duration.ofSeconds(5);
  private RetrySpec retries = new RetrySpec(3, Duration.ofMillis(20), 2.0, 0.0, Duration.ofSeconds(2));
  private Double rateLimit;
  private BreakerSpec breaker = new BreakerSpec(0.5, 20, 20);
  private int maxPageBytes = HttpSourceSpec.DEFAULT_MAX_PAGE_BYTES;

  private HttpSpecs(String url) {
    this.url = url;
  }

  public static HttpSpecs at(String url) {
    return new HttpSpecs(url);
  }

  public HttpSpecs param(String name, String value) {
    params.put(name, value);
    return this;
  }

  public HttpSpecs header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public HttpSpecs records(String pointer) {
    records = pointer;
    return this;
  }

  public HttpSpecs page(String param, long start, String sizeParam, Integer size, int maxPages) {
    pagination = new Pagination(Style.PAGE, param, start, sizeParam, size, null, null, null, null, null, maxPages);
    return this;
  }

  public HttpSpecs offset(String offsetParam, String limitParam, int limit, int maxPages) {
    pagination = new Pagination(Style.OFFSET, null, 0, null, limit, offsetParam, limitParam, null, null, null, maxPages);
    return this;
  }

  public HttpSpecs cursor(String cursorParam, String cursorPointer, int maxPages) {
    pagination = new Pagination(Style.CURSOR, null, 0, null, null, null, null, cursorParam, cursorPointer, null, maxPages);
    return this;
  }

  public HttpSpecs nextLink(String nextPointer, int maxPages) {
    pagination = new Pagination(Style.NEXT_LINK, null, 0, null, null, null, null, null, null, nextPointer, maxPages);
    return this;
  }

  public HttpSpecs linkHeader(int maxPages) {
    pagination = new Pagination(Style.LINK_HEADER, null, 0, null, null, null, null, null, null, null, maxPages);
    return this;
  }

  public HttpSpecs timeout(Duration d) {
    timeout = d;
    return this;
  }

  public HttpSpecs retries(int maxAttempts, long initialMillis, double multiplier, double jitter, long maxWaitMillis) {
    retries = new RetrySpec(maxAttempts, Duration.ofMillis(initialMillis), multiplier, jitter, Duration.ofMillis(maxWaitMillis));
    return this;
  }

  public HttpSpecs rateLimit(double perSecond) {
    rateLimit = perSecond;
    return this;
  }

  public HttpSpecs breaker(double failureRate, int minimumCalls, int window) {
    breaker = new BreakerSpec(failureRate, minimumCalls, window);
    return this;
  }

  public HttpSpecs maxPageBytes(int bytes) {
    maxPageBytes = bytes;
    return this;
  }

  public HttpSourceSpec build() {
    return new HttpSourceSpec(url, params, headers, records, pagination, timeout, retries, rateLimit, breaker, maxPageBytes);
  }
}
