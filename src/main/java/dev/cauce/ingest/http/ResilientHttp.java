package dev.cauce.ingest.http;

import dev.cauce.resilience.BreakerSettings;
import dev.cauce.resilience.Resilience;
import dev.cauce.resilience.RetrySettings;
import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.HttpSourceSpec.BreakerSpec;
import dev.cauce.spec.HttpSourceSpec.RetrySpec;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GETs one page at a time with Resilience4j around {@link HttpClient}: Retry (exponential backoff
 * with jitter, or the wait a {@code Retry-After} header asks for, capped by {@code max_wait}) around
 * a CircuitBreaker (both from {@link Resilience}) around a RateLimiter around the request. Not
 * thread-safe: one per source, used sequentially.
 *
 * <ul>
 *   <li>Retried: timeouts, connection errors (refused, reset, closed early), 429 and 5xx answers,
 *       and a 2xx page that is malformed (it may have been cut short).
 *   <li>Not retried: any other status (4xx, 3xx: redirects are not followed, so that headers are
 *       never sent to another address): the source fails at once with a message saying what to
 *       check.
 *   <li>The breaker counts timeouts, connection errors and 5xx as failures (429 and malformed pages
 *       are not the API being down). Once it opens, nothing is retried: the source fails at once.
 * </ul>
 *
 * Every failure that ends the source is an {@link HttpSourceException}. Secrets never reach a
 * message or log: header values are never printed, URLs and response snippets go through the
 * {@link Masker}.
 */
public final class ResilientHttp {
  private static final Logger LOG = LoggerFactory.getLogger(ResilientHttp.class);
  static final int SNIPPET_CHARS = 200;

  /** A page received with a 2xx status (possibly malformed after every retry). */
  public record Fetched(URI uri, int status, HttpHeaders headers, PageBody page, int attempts) {}

  /** A 429 or 5xx answer: retried, honouring Retry-After. */
  static final class RetryableStatus extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Duration retryAfter;

    RetryableStatus(int status, Duration retryAfter, String description) {
      super(description, null, false, false);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  /** Any other non-2xx answer: not retried. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String location;
    final String snippet;

    Refused(int status, String location, String snippet) {
      super("HTTP " + status, null, false, false);
      this.status = status;
      this.location = location;
      this.snippet = snippet;
    }
  }

  private final HttpSourceSpec spec;
  private final Map<String, String> headers;
  private final Masker masker;
  private final Consumer<HttpEvent> events;
  private final HttpClient client;
  private final CircuitBreaker breaker;
  private final RateLimiter limiter;
  private final Retry retry;

  private long firstRequestNanos = -1;
  private long openedNanos = -1;
  private long requests;
  private long requestsAtOpen;
  private String currentUrl = "";
  private String lastProblem = "";

  /**
   * @param headers the request headers with their placeholders filled ({@link EnvPlaceholders})
   * @param masker hides the secrets read from the environment
   * @param events receives every counted event
   */
  public ResilientHttp(HttpSourceSpec spec, Map<String, String> headers, Masker masker, Consumer<HttpEvent> events) {
    this.spec = spec;
    this.headers = Map.copyOf(headers);
    this.masker = masker;
    this.events = events;
    this.client = HttpClient.newBuilder()
        .connectTimeout(spec.timeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();

    BreakerSpec b = spec.breaker();
    // an open breaker ends the source, so it never needs to half-open
    BreakerSettings breakerSettings = new BreakerSettings(b.window(), b.minimumCalls(), b.failureRate(), Duration.ofHours(1));
    this.breaker = Resilience.breaker("http-source", breakerSettings,
        t -> t instanceof IOException || t instanceof RetryableStatus s && s.status != 429,
        t -> t instanceof Refused || t instanceof PageTooLargeException || t instanceof RetryableStatus s && s.status == 429);
    breaker.getEventPublisher().onStateTransition(e -> {
      if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
        openedNanos = System.nanoTime();
        requestsAtOpen = requests;
        events.accept(HttpEvent.BREAKER_OPENED);
        LOG.warn("GET {}: the circuit breaker opened ({} of the last {} calls failed) after {} requests in {} ms",
            currentUrl, breaker.getMetrics().getNumberOfFailedCalls(), breaker.getMetrics().getNumberOfBufferedCalls(),
            requests, (openedNanos - firstRequestNanos) / 1_000_000);
      }
    });

    if (spec.rateLimit() == null) {
      this.limiter = null;
    } else {
      Duration period = Duration.ofNanos(Math.max(1, Math.round(1e9 / spec.rateLimit())));
      this.limiter = RateLimiter.of("http-source", RateLimiterConfig.custom()
          .limitForPeriod(1) // one request per period: evenly spaced, no bursts
          .limitRefreshPeriod(period)
          .timeoutDuration(period.multipliedBy(2).plusSeconds(5))
          .writableStackTraceEnabled(false)
          .build());
    }

    RetrySpec r = spec.retries();
    RetrySettings retrySettings = new RetrySettings(r.maxAttempts(), r.initialBackoff(), r.multiplier(), r.jitter(), r.maxWait());
    this.retry = Retry.of("http-source", Resilience.<Fetched>retry(retrySettings,
            t -> t instanceof IOException || t instanceof RetryableStatus, breaker,
            t -> t instanceof RetryableStatus s ? s.retryAfter : null)
        .retryOnResult(f -> f.page().isMalformed())
        .failAfterMaxAttempts(false)
        .build());
    retry.getEventPublisher().onRetry(e -> {
      events.accept(HttpEvent.RETRY);
      LOG.warn("GET {}: {}; retry {} of {} in {} ms", currentUrl, lastProblem, e.getNumberOfRetryAttempts(),
          r.maxAttempts() - 1, e.getWaitInterval().toMillis());
    });
  }

  /** Requests sent so far. */
  public long requests() {
    return requests;
  }

  /**
   * GETs {@code uri}, retrying as configured. Returns the page (a malformed one only after every
   * attempt gave a malformed page); throws {@link HttpSourceException} when the source cannot go on.
   */
  public Fetched get(URI uri) {
    currentUrl = masker.mask(uri.toString());
    AtomicInteger attempts = new AtomicInteger();
    CheckedSupplier<Fetched> once = () -> send(uri, attempts.incrementAndGet());
    CheckedSupplier<Fetched> limited = limiter == null ? once : RateLimiter.decorateCheckedSupplier(limiter, once);
    CheckedSupplier<Fetched> guarded = CircuitBreaker.decorateCheckedSupplier(breaker, limited);
    try {
      return Retry.decorateCheckedSupplier(retry, guarded).get();
    } catch (HttpSourceException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpSourceException("HTTP source: interrupted while reading " + currentUrl);
    } catch (Throwable t) {
      throw failure(t, attempts.get());
    }
  }

  private Fetched send(URI uri, int attempt)
      throws IOException, InterruptedException, RetryableStatus, Refused, PageTooLargeException {
    if (firstRequestNanos < 0) {
      firstRequestNanos = System.nanoTime();
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(spec.timeout()).GET();
    headers.forEach(b::header);
    requests++;
    events.accept(HttpEvent.REQUEST);
    HttpResponse<byte[]> r;
    try {
      r = exchange(b.build());
    } catch (PageTooLargeException e) {
      lastProblem = "the response is larger than source.http.max_page_bytes";
      throw e;
    } catch (HttpTimeoutException e) {
      events.accept(HttpEvent.TIMEOUT);
      lastProblem = "no complete response within the timeout of " + show(spec.timeout());
      throw e;
    } catch (IOException e) {
      events.accept(HttpEvent.CONNECTION_ERROR);
      lastProblem = "connection failed (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + masker.mask(e.getMessage())) + ")";
      throw e;
    }
    int s = r.statusCode();
    if (s >= 200 && s < 300) {
      PageBody page = PageBody.parse(r.body(), spec.records());
      if (page.isMalformed()) {
        lastProblem = "malformed page: " + page.problem();
      }
      return new Fetched(uri, s, r.headers(), page, attempt);
    }
    if (s == 429 || s >= 500) {
      events.accept(s == 429 ? HttpEvent.THROTTLED : HttpEvent.SERVER_ERROR);
      String ra = r.headers().firstValue("Retry-After").orElse(null);
      Duration wait = RetryAfter.parse(ra, Instant.now()).orElse(null);
      lastProblem = "HTTP " + s + phrase(s) + (wait == null ? "" : " (Retry-After: " + ra.trim() + ")");
      throw new RetryableStatus(s, wait, lastProblem);
    }
    lastProblem = "HTTP " + s + phrase(s);
    throw new Refused(s, r.headers().firstValue("Location").orElse(null), snippet(r.body()));
  }

  /**
   * One exchange, bounded as a whole by the timeout (the request timeout only covers the headers),
   * and its body by max_page_bytes (error bodies by what a message shows of them).
   */
  private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException, InterruptedException, PageTooLargeException {
    CompletableFuture<HttpResponse<byte[]>> f =
        client.sendAsync(request, BoundedBody.handler(spec.maxPageBytes(), SNIPPET_CHARS * 4));
    try {
      return f.get(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new HttpTimeoutException("no complete response within " + show(spec.timeout()));
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof PageTooLargeException p) {
        throw p;
      }
      throw new IOException(c == null ? "request failed" : c.toString(), c);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  private HttpSourceException failure(Throwable t, int attempts) {
    String url = currentUrl;
    String host = host();
    if (t instanceof Refused r) {
      return new HttpSourceException("HTTP source: GET " + url + " answered HTTP " + r.status + phrase(r.status)
          + ": " + refusedAdvice(r) + (r.snippet.isEmpty() ? "" : " Response: " + r.snippet));
    }
    if (t instanceof PageTooLargeException p) {
      return new HttpSourceException("HTTP source: GET " + url + ": the response is "
          + (p.contentLength < 0 ? "larger than" : p.contentLength + " bytes (Content-Length), more than")
          + " source.http.max_page_bytes (" + p.limit + " bytes); "
          + (p.contentLength < 0 ? "reading stopped there." : "it was not read.")
          + " Raise source.http.max_page_bytes, or ask the API for smaller pages (a page size in"
          + " source.http.params or the pagination).");
    }
    if (breaker.getState() == CircuitBreaker.State.OPEN || t instanceof CallNotPermittedException) {
      CircuitBreaker.Metrics m = breaker.getMetrics();
      double secs = (openedNanos - firstRequestNanos) / 1e9;
      return new HttpSourceException(String.format(Locale.ROOT,
          "HTTP source: the circuit breaker opened: %d of the last %d calls to the API failed (failure rate %.0f%%,"
              + " threshold %.0f%%); %d requests in %.1f s before it opened. Last error: GET %s: %s."
              + " The API at %s looks down or overloaded: check that it is up and reachable from here, then run again"
              + " (source.http.breaker sets when the breaker opens; source.http.timeout and retries how patient"
              + " each request is).",
          m.getNumberOfFailedCalls(), m.getNumberOfBufferedCalls(), m.getFailureRate(),
          spec.breaker().failureRate() * 100, requestsAtOpen, secs, url, lastProblem, host));
    }
    if (t instanceof RetryableStatus s && s.status == 429) {
      return new HttpSourceException("HTTP source: GET " + url + " was still throttled after " + attempts
          + " attempts (" + lastProblem + "). Lower source.http.rate_limit, or allow longer waits with"
          + " source.http.retries (max_attempts, max_wait).");
    }
    if (t instanceof RequestNotPermitted) {
      return new HttpSourceException("HTTP source: GET " + url + ": the rate limiter gave no permit in time;"
          + " check source.http.rate_limit.");
    }
    if (t instanceof IOException || t instanceof RetryableStatus) {
      return new HttpSourceException("HTTP source: GET " + url + " failed " + attempts + " time"
          + (attempts == 1 ? "" : "s") + " (source.http.retries.max_attempts " + spec.retries().maxAttempts()
          + "); last error: " + lastProblem + ". Check that the API at " + host + " is up and reachable from here;"
          + " raise source.http.timeout or source.http.retries if it is only slow.");
    }
    return new HttpSourceException("HTTP source: GET " + url + " failed: " + t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : ": " + masker.mask(t.getMessage())));
  }

  private String refusedAdvice(Refused r) {
    return switch (r.status) {
      case 401 -> "the API did not accept the credentials. Check the headers in source.http.headers and that"
          + " the environment variables they read hold valid credentials" + envHint() + ".";
      case 403 -> "the credentials were accepted but lack permission for this resource. Check the account or"
          + " token's permissions, and source.http.headers" + envHint() + ".";
      case 404 -> "there is no such resource. Check source.http.url and source.http.params"
          + (spec.pagination().style() == HttpSourceSpec.Style.NONE ? "" : ", and that the API pages the way"
              + " source.http.pagination says") + ".";
      default -> r.status >= 300 && r.status < 400
          ? "a redirect" + (r.location == null ? "" : " to " + masker.mask(r.location)) + "; cauce does not follow"
              + " redirects (headers must never go to another address): set source.http.url to the final address."
          : "the API rejected the request (client errors other than 429 are not retried). Check source.http.url,"
              + " params and headers.";
    };
  }

  private String envHint() {
    return spec.envNames().isEmpty() ? "" : " (" + String.join(", ", spec.envNames()) + ")";
  }

  private String host() {
    try {
      URI u = URI.create(spec.url());
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException e) {
      return "the source URL";
    }
  }

  private String snippet(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, SNIPPET_CHARS * 4), StandardCharsets.UTF_8) // what BoundedBody kept
        .replaceAll("\\s+", " ").trim();
    if (s.length() > SNIPPET_CHARS) {
      s = s.substring(0, SNIPPET_CHARS) + "…";
    }
    return masker.mask(s);
  }

  static String phrase(int status) {
    String p = switch (status) {
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 410 -> "Gone";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> null;
    };
    return p == null ? "" : " " + p;
  }

  static String show(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
