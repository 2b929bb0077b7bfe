package dev.cauce.spec.load;

import com.fasterxml.jackson.core.JsonPointer;
import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.HttpSourceSpec.BreakerSpec;
import dev.cauce.spec.HttpSourceSpec.Pagination;
import dev.cauce.spec.HttpSourceSpec.RetrySpec;
import dev.cauce.spec.HttpSourceSpec.Style;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree;
import dev.cauce.spec.read.YamlTree.Entry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks {@code source.http} (see {@link HttpSourceSpec} and the README's "Reading from an
 * API"), reporting every problem with its path and line through the loader's {@link SpecNodes}.
 * Package-private: used by {@link SpecLoader}.
 */
final class HttpSpecReader {
  static final List<String> HTTP_KEYS = List.of(
      "url", "params", "headers", "records", "pagination", "timeout", "retries", "rate_limit", "breaker",
      "max_page_bytes");
  static final List<String> RETRY_KEYS = List.of("max_attempts", "initial_backoff", "multiplier", "jitter", "max_wait");
  static final List<String> BREAKER_KEYS = List.of("failure_rate", "minimum_calls", "window");

  /** The keys each pagination style takes besides {@code style}. */
  static final Map<Style, List<String>> STYLE_KEYS = styleKeys();

  private static Map<Style, List<String>> styleKeys() {
    Map<Style, List<String>> m = new LinkedHashMap<>();
    m.put(Style.NONE, List.of());
    m.put(Style.PAGE, List.of("param", "start", "size_param", "size", "max_pages"));
    m.put(Style.OFFSET, List.of("offset_param", "limit_param", "limit", "max_pages"));
    m.put(Style.CURSOR, List.of("cursor_param", "cursor_pointer", "max_pages"));
    m.put(Style.NEXT_LINK, List.of("next_pointer", "max_pages"));
    m.put(Style.LINK_HEADER, List.of("max_pages"));
    return m;
  }

  static final List<String> PAGINATION_KEYS = allPaginationKeys();

  private static List<String> allPaginationKeys() {
    Set<String> keys = new LinkedHashSet<>();
    keys.add("style");
    STYLE_KEYS.values().forEach(keys::addAll);
    return List.copyOf(keys);
  }

  static final List<String> STYLES = Arrays.stream(Style.values()).map(Style::specName).toList();

  static final Pattern ENV_PLACEHOLDER = HttpSourceSpec.ENV_PLACEHOLDER;
  private static final Pattern ANY_PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}?");
  /** Header and parameter names whose values are secrets: they must come from the environment. */
  static final Pattern SECRET_NAME = Pattern.compile(
      "(?i)(proxy-)?authorization|cookie|.*(token|secret|password|passwd|api[-_]?key|apikey|access[-_]?key|signature|credential).*");
  /** RFC 9110 token characters: what a header name may consist of. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** Headers java.net.http.HttpClient sets itself and refuses from callers. */
  static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)");

  private final SpecNodes nodes;

  HttpSpecReader(SpecNodes nodes) {
    this.nodes = nodes;
  }

  private void problem(String path, int line, String message) {
    nodes.problem(path, line, message);
  }

  /** The http block, or null when it has problems (they are reported). */
  HttpSourceSpec read(MapView h) {
    if (h == null) {
      return null;
    }
    int before = nodes.problems().size();
    String url = h.requiredText("url");
    if (url != null) {
      checkUrl(url, h.path("url"), h.line("url"));
    }
    Map<String, String> params = nameValues(h, "params", false);
    Map<String, String> headers = nameValues(h, "headers", true);
    String records = "";
    if (h.has("records")) {
      records = h.text("records");
      if (records != null) {
        checkPointer(records, h.path("records"), h.line("records"), true);
      }
    }
    Pagination pagination = h.has("pagination") ? pagination(h.map("pagination", PAGINATION_KEYS)) : Pagination.NONE;
    if (pagination != null && params != null) {
      for (String p : pagingParams(pagination)) {
        if (params.containsKey(p)) {
          problem(h.path("params") + "." + p, lineOfEntry(h, "params", p),
              "\"" + p + "\" is set by the pagination (" + pagination.style().specName() + "); remove it from params");
        }
      }
    }
    Duration timeout = h.has("timeout")
        ? duration(h, "timeout", Duration.ofMillis(1), Duration.ofMinutes(10))
        : HttpSourceSpec.DEFAULT_TIMEOUT;
    RetrySpec retries = h.has("retries") ? retries(h.map("retries", RETRY_KEYS)) : RetrySpec.DEFAULT;
    Double rateLimit = null;
    if (h.has("rate_limit")) {
      rateLimit = h.number("rate_limit");
      if (rateLimit != null && !(rateLimit > 0 && rateLimit <= 10_000)) {
        problem(h.path("rate_limit"), h.line("rate_limit"),
            "must be a number of requests per second above 0 and at most 10000, got " + h.text("rate_limit"));
      }
    }
    BreakerSpec breaker = h.has("breaker") ? breaker(h.map("breaker", BREAKER_KEYS)) : BreakerSpec.DEFAULT;
    Integer maxPageBytes = bounded(h, "max_page_bytes", 1, HttpSourceSpec.MAX_PAGE_BYTES_LIMIT,
        HttpSourceSpec.DEFAULT_MAX_PAGE_BYTES);
    if (nodes.problems().size() > before || url == null || params == null || headers == null || records == null
        || pagination == null || timeout == null || retries == null || breaker == null || maxPageBytes == null) {
      return null;
    }
    return new HttpSourceSpec(url, params, headers, records, pagination, timeout, retries, rateLimit, breaker, maxPageBytes);
  }

  private static int lineOfEntry(MapView h, String mapKey, String key) {
    YamlTree.Node n = h.get(mapKey);
    if (n instanceof YamlTree.MapNode m && m.entries().containsKey(key)) {
      return m.entries().get(key).keyLine();
    }
    return h.line(mapKey);
  }

  private void checkUrl(String url, String path, int line) {
    if (url.contains("${")) {
      problem(path, line, "placeholders such as ${env:NAME} are only allowed in params and headers values");
      return;
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      problem(path, line, "invalid URL \"" + url + "\": " + e.getMessage());
      return;
    }
    String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      problem(path, line, "must be an http:// or https:// URL, got \"" + url + "\"");
    } else if (u.getHost() == null || u.getHost().isEmpty()) {
      problem(path, line, "the URL \"" + url + "\" has no host");
    } else if (u.getRawUserInfo() != null) {
      problem(path, line, "credentials in the URL are not allowed: send them in a header read from the environment,"
          + " e.g. Authorization: \"Basic ${env:API_BASIC_AUTH}\"");
    } else if (u.getRawFragment() != null) {
      problem(path, line, "the URL must not have a #fragment");
    } else if (u.getRawQuery() != null) {
      for (String pair : u.getRawQuery().split("&")) {
        String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
        if (SECRET_NAME.matcher(name).matches()) {
          problem(path, line, "the URL's parameter " + name + " looks secret: do not write its value in the spec;"
              + " give it under params, read from the environment, e.g. " + name + ": \"${env:API_KEY}\"");
        }
      }
    }
  }

  /** params or headers: a map of names to scalar texts with ${env:NAME} placeholders checked. */
  private Map<String, String> nameValues(MapView h, String key, boolean isHeader) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!h.has(key)) {
      return out;
    }
    MapView m = h.map(key, null);
    if (m == null) {
      return null;
    }
    boolean ok = true;
    for (Entry e : m.entries()) {
      String name = e.key();
      String p = m.path(name);
      int line = e.keyLine();
      if (SpecNodes.isNull(e.value())) {
        problem(p, line, "needs a value");
        ok = false;
        continue;
      }
      String value = nodes.text(e.value(), p);
      if (value == null) {
        ok = false;
        continue;
      }
      if (isHeader) {
        if (!HEADER_NAME.matcher(name).matches()) {
          problem(p, line, "invalid header name \"" + name + "\": letters, digits and !#$%&'*+.^_`|~- only");
          ok = false;
        } else if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          problem(p, line, "the header " + name + " is set by the HTTP client and cannot be given");
          ok = false;
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          problem(p, line, "a header value cannot contain a line break");
          ok = false;
        }
      } else if (name.isBlank()) {
        problem(p, line, "a parameter needs a name");
        ok = false;
      }
      ok &= checkPlaceholders(value, p, line);
      if (SECRET_NAME.matcher(name).matches() && !ENV_PLACEHOLDER.matcher(value).find()) {
        problem(p, line, (isHeader ? "header " : "parameter ") + name + " looks secret: do not write its value in the"
            + " spec; read it from the environment with ${env:NAME}, e.g. "
            + (isHeader && name.equalsIgnoreCase("authorization") ? "\"Bearer ${env:API_TOKEN}\"" : "\"${env:API_KEY}\""));
        ok = false;
      }
      out.put(name, value);
    }
    return ok ? out : null;
  }

  private boolean checkPlaceholders(String value, String path, int line) {
    String rest = ENV_PLACEHOLDER.matcher(value).replaceAll("");
    Matcher bad = ANY_PLACEHOLDER.matcher(rest);
    if (bad.find()) {
      problem(path, line, "unknown placeholder \"" + bad.group() + "\"; allowed: ${env:NAME} (NAME an environment"
          + " variable: letters, digits and _, not starting with a digit)");
      return false;
    }
    return true;
  }

  private void checkPointer(String pointer, String path, int line, boolean emptyAllowed) {
    if (pointer.isEmpty()) {
      if (!emptyAllowed) {
        problem(path, line, "must not be empty: a JSON pointer such as /meta/next");
      }
      return;
    }
    if (!pointer.startsWith("/")) {
      problem(path, line, "invalid JSON pointer \"" + pointer + "\": it starts with / (such as /data/items),"
          + " or is \"\" for the whole body");
      return;
    }
    try {
      JsonPointer.compile(pointer);
    } catch (IllegalArgumentException e) {
      problem(path, line, "invalid JSON pointer \"" + pointer + "\": " + e.getMessage());
    }
  }

  // ---- pagination ----

  private Pagination pagination(MapView p) {
    if (p == null) {
      return null;
    }
    Style style = Style.NONE;
    if (p.has("style")) {
      String s = p.text("style");
      if (s == null) {
        return null;
      }
      style = Style.fromSpec(s);
      if (style == null) {
        problem(p.path("style"), p.line("style"), "unknown pagination style \"" + s + "\"" + SpecNodes.allowed(s, STYLES));
        return null;
      }
    } else if (!p.entries().isEmpty()) {
      problem(p.path("style"), p.line(), "missing required key \"style\"; allowed: " + String.join(", ", STYLES));
      return null;
    }
    List<String> allowed = new ArrayList<>(List.of("style"));
    allowed.addAll(STYLE_KEYS.get(style));
    int before = nodes.problems().size();
    for (Entry e : p.entries()) {
      if (!allowed.contains(e.key()) && PAGINATION_KEYS.contains(e.key())) {
        problem(p.path(e.key()), e.keyLine(), "\"" + e.key() + "\" is not used with style " + style.specName()
            + "; keys for " + style.specName() + ": " + String.join(", ", allowed));
      }
    }
    Integer maxPages = style == Style.NONE ? Integer.valueOf(1) : bounded(p, "max_pages", 1, 1_000_000, Pagination.DEFAULT_MAX_PAGES);
    String param = null;
    long start = 0;
    String sizeParam = null;
    Integer size = null;
    String offsetParam = null;
    String limitParam = null;
    String cursorParam = null;
    String cursorPointer = null;
    String nextPointer = null;
    switch (style) {
      case PAGE -> {
        param = paramName(p, "param", "page");
        Integer st = bounded(p, "start", 0, Integer.MAX_VALUE, 1);
        start = st == null ? 0 : st;
        sizeParam = p.has("size_param") ? paramName(p, "size_param", null) : null;
        size = p.has("size") ? bounded(p, "size", 1, 100_000, 0) : null;
        if (p.has("size_param") && !p.has("size")) {
          problem(p.path("size"), p.line(), "missing required key \"size\" (required with size_param: the value to send)");
        }
        distinct(p, "param", param, "size_param", sizeParam);
      }
      case OFFSET -> {
        offsetParam = paramName(p, "offset_param", "offset");
        limitParam = paramName(p, "limit_param", "limit");
        if (p.require("limit")) {
          size = bounded(p, "limit", 1, 100_000, 0);
        }
        distinct(p, "offset_param", offsetParam, "limit_param", limitParam);
      }
      case CURSOR -> {
        cursorParam = paramName(p, "cursor_param", "cursor");
        if (p.require("cursor_pointer")) {
          cursorPointer = p.text("cursor_pointer");
          if (cursorPointer != null) {
            checkPointer(cursorPointer, p.path("cursor_pointer"), p.line("cursor_pointer"), false);
          }
        }
      }
      case NEXT_LINK -> {
        if (p.require("next_pointer")) {
          nextPointer = p.text("next_pointer");
          if (nextPointer != null) {
            checkPointer(nextPointer, p.path("next_pointer"), p.line("next_pointer"), false);
          }
        }
      }
      case NONE, LINK_HEADER -> {}
      default -> throw new IllegalStateException(style.name());
    }
    if (nodes.problems().size() > before || maxPages == null) {
      return null;
    }
    return new Pagination(style, param, start, sizeParam, size, offsetParam, limitParam, cursorParam, cursorPointer,
        nextPointer, maxPages);
  }

  private String paramName(MapView p, String key, String dflt) {
    if (!p.has(key)) {
      return dflt;
    }
    String v = p.text(key);
    if (v != null && v.isBlank()) {
      problem(p.path(key), p.line(key), "must not be empty");
      return null;
    }
    return v;
  }

  private void distinct(MapView p, String k1, String v1, String k2, String v2) {
    if (v1 != null && v1.equals(v2)) {
      problem(p.path(k2), p.line(k2), k1 + " and " + k2 + " must differ (both \"" + v1 + "\")");
    }
  }

  /** The query parameters the pagination sets itself. */
  static List<String> pagingParams(Pagination p) {
    List<String> out = new ArrayList<>();
    for (String s : Arrays.asList(p.param(), p.sizeParam(), p.offsetParam(), p.limitParam(), p.cursorParam())) {
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  // ---- resilience ----

  private RetrySpec retries(MapView r) {
    if (r == null) {
      return null;
    }
    RetrySpec d = RetrySpec.DEFAULT;
    int before = nodes.problems().size();
    Integer maxAttempts = bounded(r, "max_attempts", 1, 100, d.maxAttempts());
    Duration initial = r.has("initial_backoff")
        ? duration(r, "initial_backoff", Duration.ofMillis(1), Duration.ofMinutes(10)) : d.initialBackoff();
    Double multiplier = d.multiplier();
    if (r.has("multiplier")) {
      multiplier = r.number("multiplier");
      if (multiplier != null && !(multiplier >= 1 && multiplier <= 10)) {
        problem(r.path("multiplier"), r.line("multiplier"), "must be between 1 and 10, got " + r.text("multiplier"));
      }
    }
    Double jitter = d.jitter();
    if (r.has("jitter")) {
      jitter = r.number("jitter");
      if (jitter != null && !(jitter >= 0 && jitter < 1)) {
        problem(r.path("jitter"), r.line("jitter"),
            "must be a fraction from 0 (no jitter) up to but not including 1, got " + r.text("jitter"));
      }
    }
    Duration maxWait;
    if (r.has("max_wait")) {
      maxWait = duration(r, "max_wait", Duration.ofMillis(1), Duration.ofHours(1));
      if (maxWait != null && initial != null && maxWait.compareTo(initial) < 0) {
        problem(r.path("max_wait"), r.line("max_wait"), "max_wait " + r.text("max_wait")
            + " is shorter than initial_backoff " + r.text("initial_backoff"));
      }
    } else {
      maxWait = initial != null && initial.compareTo(d.maxWait()) > 0 ? initial : d.maxWait();
    }
    if (nodes.problems().size() > before || maxAttempts == null || initial == null || multiplier == null
        || jitter == null || maxWait == null) {
      return null;
    }
    return new RetrySpec(maxAttempts, initial, multiplier, jitter, maxWait);
  }

  private BreakerSpec breaker(MapView b) {
    if (b == null) {
      return null;
    }
    BreakerSpec d = BreakerSpec.DEFAULT;
    int before = nodes.problems().size();
    Double rate = d.failureRate();
    if (b.has("failure_rate")) {
      rate = b.number("failure_rate");
      if (rate != null && !(rate > 0 && rate <= 1)) {
        problem(b.path("failure_rate"), b.line("failure_rate"),
            "must be a ratio above 0 and at most 1 (the share of failed calls that opens the breaker), got "
                + b.text("failure_rate"));
      }
    }
    Integer minimum = bounded(b, "minimum_calls", 1, 10_000, d.minimumCalls());
    Integer window = bounded(b, "window", 1, 10_000, minimum == null ? d.window() : Math.max(d.window(), minimum));
    if (minimum != null && window != null && window < minimum) {
      problem(b.path("window"), b.line("window"), "window " + window + " is smaller than minimum_calls " + minimum);
    }
    if (nodes.problems().size() > before || rate == null || minimum == null || window == null) {
      return null;
    }
    return new BreakerSpec(rate, minimum, window);
  }

  // ---- values ----

  private Integer bounded(MapView m, String key, long min, long max, int dflt) {
    if (!m.has(key)) {
      return dflt;
    }
    Long v = m.integer(key);
    if (v == null) {
      return null;
    }
    if (v < min || v > max) {
      problem(m.path(key), m.line(key), "must be between " + min + " and " + max + ", got " + v);
      return null;
    }
    return v.intValue();
  }

  private Duration duration(MapView m, String key, Duration min, Duration max) {
    String t = m.text(key);
    if (t == null) {
      return null;
    }
    Duration d = parseDuration(t);
    if (d == null) {
      problem(m.path(key), m.line(key), "invalid duration \"" + t + "\": a number with a unit, ms, s or m"
          + " (such as 500ms, 10s, 1.5s or 2m)");
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problem(m.path(key), m.line(key), "must be between " + show(min) + " and " + show(max) + ", got " + t);
      return null;
    }
    return d;
  }

  /** {@code 500ms}, {@code 10s}, {@code 1.5s}, {@code 2m}; null when not a duration. */
  static Duration parseDuration(String t) {
    Matcher m = DURATION.matcher(t.trim());
    if (!m.matches()) {
      return null;
    }
    double n = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> n * 1000;
      default -> n * 60_000;
    };
    if (millis > Long.MAX_VALUE / 2) {
      return null;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private static String show(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
