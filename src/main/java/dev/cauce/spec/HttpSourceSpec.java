package dev.cauce.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP API source ({@code source.type: http}, keys under {@code source.http}): where the pages
 * are, where the records are in each response, how to page, and how to behave when the API
 * misbehaves. Header and parameter values may hold {@code ${env:NAME}} placeholders: only the
 * placeholder is stored here (and shipped to workers); the value is read from the environment when
 * the job fetches, and is never logged.
 *
 * @param url the first page's URL (http or https), possibly with a query string
 * @param params query parameters added to {@code url}, in order
 * @param headers request headers, in order
 * @param records a JSON pointer to the array of records in each response; "" (the default) means
 *     the whole body is the array
 * @param pagination how to find the next page
 * @param timeout the longest one request may take (connect, send, and the response's headers)
 * @param retries when and how often a failed request is tried again
 * @param rateLimit the most requests per second, or null for no limit
 * @param breaker when the circuit breaker opens (and the run fails)
 * @param maxPageBytes the largest response body read, in bytes: a larger page fails the source
 *     (its records cannot be known, nor, for some styles, the next page)
 */
public record HttpSourceSpec(
    String url,
    Map<String, String> params,
    Map<String, String> headers,
    String records,
    Pagination pagination,
    Duration timeout,
    RetrySpec retries,
    Double rateLimit,
    BreakerSpec breaker,
    int maxPageBytes)
    implements Serializable {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** 64 MiB: a page is held in memory whole (and parsed), so this bounds a source's heap. */
  public static final int DEFAULT_MAX_PAGE_BYTES = 64 << 20;
  /** 1 GiB: the most max_page_bytes may be set to. */
  public static final int MAX_PAGE_BYTES_LIMIT = 1 << 30;

  /** {@code ${env:NAME}}: the only placeholder in header and parameter values; NAME is an environment variable. */
  public static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  /** The environment variables that header and parameter values read, in order, each once. */
  public Set<String> envNames() {
    Set<String> names = new LinkedHashSet<>();
    for (Map<String, String> m : List.of(params, headers)) {
      for (String v : m.values()) {
        Matcher x = ENV_PLACEHOLDER.matcher(v);
        while (x.find()) {
          names.add(x.group(1));
        }
      }
    }
    return names;
  }

  public HttpSourceSpec {
    params = ordered(params);
    headers = ordered(headers);
    records = records == null ? "" : records;
  }

  private static Map<String, String> ordered(Map<String, String> m) {
    return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /** How to page. */
  public enum Style {
    /** One request. */
    NONE,
    /** A page-number parameter, counting up from {@code start}. */
    PAGE,
    /** An offset parameter advanced by the records received, with a limit parameter. */
    OFFSET,
    /** A cursor read from each response, sent back as a parameter. */
    CURSOR,
    /** The next page's URL, read from each response body. */
    NEXT_LINK,
    /** The next page's URL from the {@code Link} response header's {@code rel="next"}. */
    LINK_HEADER;

    public String specName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Style fromSpec(String s) {
      for (Style v : values()) {
        if (v.specName().equals(s)) {
          return v;
        }
      }
      return null;
    }
  }

  /**
   * Pagination: the style and the keys it uses (others are null or 0). {@code maxPages} bounds the
   * pages read in every style.
   *
   * @param param page: the page-number parameter
   * @param start page: the first page's number
   * @param sizeParam page: the page-size parameter (optional)
   * @param size page: the page size (optional: a shorter page is then the last); offset: the limit
   * @param offsetParam offset: the offset parameter
   * @param limitParam offset: the limit parameter
   * @param cursorParam cursor: the parameter the cursor is sent back in
   * @param cursorPointer cursor: a JSON pointer to the next cursor in each response
   * @param nextPointer next_link: a JSON pointer to the next page's URL in each response
   */
  public record Pagination(
      Style style,
      String param,
      long start,
      String sizeParam,
      Integer size,
      String offsetParam,
      String limitParam,
      String cursorParam,
      String cursorPointer,
      String nextPointer,
      int maxPages)
      implements Serializable {
    public static final int DEFAULT_MAX_PAGES = 1000;
    public static final Pagination NONE =
        new Pagination(Style.NONE, null, 0, null, null, null, null, null, null, null, 1);
  }

  /**
   * Retries: at most {@code maxAttempts} tries per request (1: no retry); waits grow from {@code
   * initialBackoff} by {@code multiplier}, each randomised by ± {@code jitter} (a fraction), never
   * longer than {@code maxWait}. A {@code Retry-After} header replaces the computed wait (still
   * capped by {@code maxWait}).
   */
  public record RetrySpec(
      int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxWait)
      implements Serializable {
    public static final RetrySpec DEFAULT =
        new RetrySpec(4, Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));
  }

  /**
   * The circuit breaker: over the last {@code window} calls (once at least {@code minimumCalls}
   * were made), when the share of failed calls reaches {@code failureRate}, it opens and the run
   * fails.
   */
  public record BreakerSpec(double failureRate, int minimumCalls, int window) implements Serializable {
    public static final BreakerSpec DEFAULT = new BreakerSpec(0.5, 10, 20);
  }
}
