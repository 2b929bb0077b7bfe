package dev.cauce.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ingest.http.ResilientHttp.Fetched;
import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.HttpSourceSpec.Pagination;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the next page is, for each pagination style. Paging ends at an empty page (every style); at
 * a page shorter than the page size ({@code page} with {@code size}, {@code offset}); when the
 * response has no next cursor or link ({@code cursor}, {@code next_link}, {@code link_header}); and
 * always after one page with style {@code none}. After a malformed page, {@code page} and {@code
 * offset} go on with the next page (as if the page had been full) and {@code link_header} follows
 * the header; {@code cursor} and {@code next_link} must stop, the next position being in the
 * unreadable body. Not thread-safe: one per run of a source.
 */
public final class Paging {
  /** The next page, or why there is none. */
  public record Next(URI uri, String endReason) {
    static Next end(String reason) {
      return new Next(null, reason);
    }

    public boolean isEnd() {
      return uri == null;
    }
  }

  private final HttpSourceSpec spec;
  private final Pagination p;
  private final Map<String, String> params;
  private final Masker masker;
  private long page;
  private long offset;

  /** @param params the spec's query parameters with their placeholders filled */
  public Paging(HttpSourceSpec spec, Map<String, String> params, Masker masker) {
    this.spec = spec;
    this.p = spec.pagination();
    this.params = params;
    this.masker = masker;
    this.page = p.start();
    this.offset = 0;
  }

  public URI first() {
    return build(null);
  }

  /** The page after {@code current}, given what it returned. */
  public Next next(Fetched current) {
    PageBody body = current.page();
    int n = body.records().size();
    if (!body.isMalformed() && n == 0) {
      return Next.end("an empty page");
    }
    switch (p.style()) {
      case NONE -> {
        return Next.end("one page (pagination style none)");
      }
      case PAGE -> {
        if (!body.isMalformed() && p.size() != null && n < p.size()) {
          return Next.end("a page of " + n + " records, fewer than size " + p.size());
        }
        page++;
        return new Next(build(null), null);
      }
      case OFFSET -> {
        if (!body.isMalformed() && n < p.size()) {
          return Next.end("a page of " + n + " records, fewer than limit " + p.size());
        }
        offset += body.isMalformed() ? p.size() : n;
        return new Next(build(null), null);
      }
      case CURSOR -> {
        if (body.isMalformed()) {
          return Next.end("a malformed page: the next cursor was in it");
        }
        Optional<String> cursor = scalarAt(body.root(), p.cursorPointer(), "cursor_pointer", current);
        return cursor.map(c -> new Next(build(c), null)).orElseGet(() -> Next.end("no cursor at " + p.cursorPointer()));
      }
      case NEXT_LINK -> {
        if (body.isMalformed()) {
          return Next.end("a malformed page: the next link was in it");
        }
        Optional<String> link = scalarAt(body.root(), p.nextPointer(), "next_pointer", current);
        return link.map(l -> new Next(follow(current.uri(), l), null)).orElseGet(() -> Next.end("no next link at " + p.nextPointer()));
      }
      case LINK_HEADER -> {
        Optional<String> link = LinkHeader.next(current.headers().allValues("Link"));
        return link.map(l -> new Next(follow(current.uri(), l), null)).orElseGet(() -> Next.end("no Link header with rel=\"next\""));
      }
      default -> throw new IllegalStateException(p.style().name());
    }
  }

  /** The text at {@code pointer}: empty when absent, null or ""; an object or array there is an error. */
  private Optional<String> scalarAt(JsonNode root, String pointer, String key, Fetched current) {
    JsonNode n = root.at(pointer);
    if (n.isMissingNode() || n.isNull() || n.isValueNode() && n.asText().isEmpty()) {
      return Optional.empty();
    }
    if (!n.isValueNode()) {
      throw new HttpSourceException("HTTP source: the page " + masker.mask(current.uri().toString()) + " has "
          + (n.isObject() ? "an object" : "an array") + " at " + pointer + " where a "
          + (key.equals("cursor_pointer") ? "cursor" : "link") + " was expected; check source.http.pagination." + key);
    }
    return Optional.of(n.asText());
  }

  /** Resolves a next link against the current page; only links to the source's own address are followed. */
  private URI follow(URI current, String link) {
    URI next;
    try {
      next = current.resolve(link.trim());
    } catch (IllegalArgumentException e) {
      throw new HttpSourceException("HTTP source: the page " + masker.mask(current.toString())
          + " gives an invalid next link \"" + masker.mask(link) + "\": " + masker.mask(e.getMessage()));
    }
    URI base = URI.create(spec.url());
    if (!sameOrigin(base, next)) {
      throw new HttpSourceException("HTTP source: the page " + masker.mask(current.toString())
          + " links to " + masker.mask(next.toString()) + ", another address than source.http.url ("
          + origin(base) + "); cauce only follows links to the source's own scheme, host and port, so that its"
          + " headers never go elsewhere.");
    }
    return next;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(Objects.toString(b.getScheme(), ""))
        && a.getHost().equalsIgnoreCase(Objects.toString(b.getHost(), ""))
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private static String origin(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }

  /** The source URL with its parameters and this position's paging parameters. */
  private URI build(String cursor) {
    Map<String, String> q = new LinkedHashMap<>(params);
    switch (p.style()) {
      case PAGE -> {
        q.put(p.param(), Long.toString(page));
        if (p.sizeParam() != null) {
          q.put(p.sizeParam(), Integer.toString(p.size()));
        }
      }
      case OFFSET -> {
        q.put(p.offsetParam(), Long.toString(offset));
        q.put(p.limitParam(), Integer.toString(p.size()));
      }
      case CURSOR -> {
        if (cursor != null) {
          q.put(p.cursorParam(), cursor);
        }
      }
      default -> {}
    }
    return withQuery(spec.url(), q);
  }

  /** {@code url} with {@code q} appended to its query string, names and values URL-encoded. */
  public static URI withQuery(String url, Map<String, String> q) {
    if (q.isEmpty()) {
      return URI.create(url);
    }
    StringBuilder sb = new StringBuilder();
    q.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(encode(k)).append('=').append(encode(v));
    });
    int hash = url.indexOf('#');
    String base = hash < 0 ? url : url.substring(0, hash);
    String sep = !base.contains("?") ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
    return URI.create(base + sep + sb);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
