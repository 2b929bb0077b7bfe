package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.HttpSourceSpec.BreakerSpec;
import dev.cauce.spec.HttpSourceSpec.Pagination;
import dev.cauce.spec.HttpSourceSpec.RetrySpec;
import dev.cauce.spec.HttpSourceSpec.Style;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.SpecException;
import java.time.Duration;
import java.util.Map;
import org.junit.Test;

/** {@code source.type: http}: the model the loader builds, its defaults, and every problem with path and line. */
public class HttpSpecTest {

  /** A spec whose http block has {@code lines} after its url (they start on line 6), then a schema. */
  static String http(String lines) {
    return """
        name: api
        source:
          type: http
          http:
            url: https://api.example/v1/orders
        """ + lines.stripIndent() + """
        schema:
          - {name: id, type: string}
        """;
  }

  /** {@code lines} indented into the http block. */
  static String in(String lines) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines.stripIndent().split("\n")) {
      sb.append("    ").append(l).append('\n');
    }
    return http(sb.toString());
  }

  @Test
  public void aFullHttpSourceLoadsIntoTheModel() {
    PipelineSpec spec = parse(in("""
        params: {status: all, since: "2024-01-01"}
        headers:
          Accept: application/json
          Authorization: "Bearer ${env:API_TOKEN}"
        records: /data/items
        pagination:
          style: page
          param: p
          start: 0
          size_param: per_page
          size: 50
          max_pages: 20
        timeout: 1.5s
        retries: {max_attempts: 6, initial_backoff: 250ms, multiplier: 3, jitter: 0.2, max_wait: 1m}
        rate_limit: 2.5
        breaker: {failure_rate: 0.4, minimum_calls: 8, window: 16}
        max_page_bytes: 1048576
        """));
    SourceSpec source = spec.source();
    assertThat(source.isHttp(), equalTo(true));
    assertThat(source.path(), nullValue());
    assertThat(source.format(), equalTo(SourceSpec.Format.JSONL));
    HttpSourceSpec h = source.http();
    assertThat(h.url(), equalTo("https://api.example/v1/orders"));
    assertThat(h.params(), equalTo(Map.of("status", "all", "since", "2024-01-01")));
    assertThat(h.params().keySet().iterator().next(), equalTo("status"));
    assertThat(h.headers(), equalTo(Map.of("Accept", "application/json", "Authorization", "Bearer ${env:API_TOKEN}")));
    assertThat(h.records(), equalTo("/data/items"));
    assertThat(h.pagination(), equalTo(new Pagination(Style.PAGE, "p", 0, "per_page", 50, null, null, null, null, null, 20)));
    assertThat(h.timeout(), equalTo(Duration.ofMillis(1500)));
    assertThat(h.retries(), equalTo(new RetrySpec(6, Duration.ofMillis(250), 3.0, 0.2, Duration.ofMinutes(1))));
    assertThat(h.rateLimit(), equalTo(2.5));
    assertThat(h.breaker(), equalTo(new BreakerSpec(0.4, 8, 16)));
    assertThat(h.maxPageBytes(), equalTo(1_048_576));
    assertThat(h.envNames().toString(), equalTo("[API_TOKEN]"));
  }

  @Test
  public void defaults() {
    HttpSourceSpec h = parse(http("")).source().http();
    assertThat(h.records(), equalTo(""));
    assertThat(h.pagination(), equalTo(Pagination.NONE));
    assertThat(h.timeout(), equalTo(Duration.ofSeconds(30)));
    assertThat(h.retries(), equalTo(RetrySpec.DEFAULT));
    assertThat(h.rateLimit(), nullValue());
    assertThat(h.breaker(), equalTo(BreakerSpec.DEFAULT));
    assertThat(h.maxPageBytes(), equalTo(67_108_864)); // 64 MiB
    assertThat(h.params(), equalTo(Map.of()));
  }

  @Test
  public void eachStyleTakesItsKeysWithDefaults() {
    assertThat(parse(in("pagination: {style: page}")).source().http().pagination(),
        equalTo(new Pagination(Style.PAGE, "page", 1, null, null, null, null, null, null, null, 1000)));
    assertThat(parse(in("pagination: {style: offset, limit: 100}")).source().http().pagination(),
        equalTo(new Pagination(Style.OFFSET, null, 0, null, 100, "offset", "limit", null, null, null, 1000)));
    assertThat(parse(in("pagination: {style: cursor, cursor_pointer: /meta/next}")).source().http().pagination(),
        equalTo(new Pagination(Style.CURSOR, null, 0, null, null, null, null, "cursor", "/meta/next", null, 1000)));
    assertThat(parse(in("pagination: {style: next_link, next_pointer: /links/next, max_pages: 5}")).source().http().pagination(),
        equalTo(new Pagination(Style.NEXT_LINK, null, 0, null, null, null, null, null, null, "/links/next", 5)));
    assertThat(parse(in("pagination: {style: link_header}")).source().http().pagination().style(), equalTo(Style.LINK_HEADER));
    assertThat(parse(in("pagination: {style: none}")).source().http().pagination(), equalTo(Pagination.NONE));
    // partial resilience blocks keep the other defaults
    assertThat(parse(in("retries: {max_attempts: 2}")).source().http().retries(),
        equalTo(new RetrySpec(2, Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30))));
    assertThat(parse(in("breaker: {minimum_calls: 30}")).source().http().breaker(), equalTo(new BreakerSpec(0.5, 30, 30)));
  }

  @Test
  public void fileKeysAreErrorsWithAnHttpSourceAndViceVersa() {
    SpecException e = fails("""
        name: api
        source:
          type: http
          path: in/*.jsonl
          format: csv
          csv: {header: true}
          http:
            url: https://api.example/x
        schema:
          - {name: id, type: string}
        """);
    assertThat(e.problems().size(), equalTo(3));
    assertProblem(problemAt(e, "source.path"), 4, "path is only used with type: file; keys for an http source: type, format, duplicate_keys, http");
    assertProblem(problemAt(e, "source.format"), 5, "an http source reads JSON records (each a JSON object): format must be jsonl, or left out");
    assertProblem(problemAt(e, "source.csv"), 6, "csv is only used with type: file");

    assertOnlyProblem("""
        name: api
        source:
          path: in/*.jsonl
          format: jsonl
          http: {url: "https://api.example/x"}
        schema:
          - {name: id, type: string}
        """, "source.http", 5, "http is only used with type: http; keys for a file source: type, path, format, csv, duplicate_keys");
    assertOnlyProblem("""
        name: api
        source:
          type: api
        schema:
          - {name: id, type: string}
        """, "source.type", 3, "unknown source type \"api\"; allowed: file, http");
    assertOnlyProblem("""
        name: api
        source:
          type: http
          format: jsonl
        schema:
          - {name: id, type: string}
        """, "source.http", 2, "missing required key \"http\"");
  }

  @Test
  public void unknownKeysListWhatIsAllowed() {
    SpecException e = fails(in("""
        method: POST
        pagination: {style: page, page_size: 10}
        retries: {attempts: 3}
        breaker: {wait: 10s}
        """));
    assertThat(e.problems().size(), equalTo(4));
    assertProblem(problemAt(e, "source.http.method"), 6, "unknown key \"method\"; allowed: url, params, headers, records,"
        + " pagination, timeout, retries, rate_limit, breaker, max_page_bytes");
    assertProblem(problemAt(e, "source.http.pagination.page_size"), 7, "unknown key \"page_size\"; allowed: style, param, start,"
        + " size_param, size, max_pages, offset_param, limit_param, limit, cursor_param, cursor_pointer, next_pointer");
    assertProblem(problemAt(e, "source.http.retries.attempts"), 8, "unknown key \"attempts\"; allowed: max_attempts,"
        + " initial_backoff, multiplier, jitter, max_wait");
    assertProblem(problemAt(e, "source.http.breaker.wait"), 9, "unknown key \"wait\"; allowed: failure_rate, minimum_calls, window");
  }

  @Test
  public void aStyleRejectsTheKeysOfOtherStylesAndNeedsItsOwn() {
    assertOnlyProblem(in("pagination: {style: cursor, cursor_pointer: /next, size: 10}"), "source.http.pagination.size", 6,
        "\"size\" is not used with style cursor; keys for cursor: style, cursor_param, cursor_pointer, max_pages");
    assertOnlyProblem(in("pagination: {style: none, max_pages: 3}"), "source.http.pagination.max_pages", 6,
        "\"max_pages\" is not used with style none; keys for none: style");
    assertOnlyProblem(in("pagination: {style: offset}"), "source.http.pagination.limit", 6, "missing required key \"limit\"");
    assertOnlyProblem(in("pagination: {style: cursor}"), "source.http.pagination.cursor_pointer", 6,
        "missing required key \"cursor_pointer\"");
    assertOnlyProblem(in("pagination: {style: next_link}"), "source.http.pagination.next_pointer", 6,
        "missing required key \"next_pointer\"");
    assertOnlyProblem(in("pagination: {size: 10}"), "source.http.pagination.style", 6,
        "missing required key \"style\"; allowed: none, page, offset, cursor, next_link, link_header");
    assertOnlyProblem(in("pagination: {style: pages}"), "source.http.pagination.style", 6,
        "unknown pagination style \"pages\"; allowed: none, page, offset, cursor, next_link, link_header (did you mean \"page\"?)");
    assertOnlyProblem(in("pagination: {style: page, size_param: n}"), "source.http.pagination.size", 6,
        "missing required key \"size\" (required with size_param: the value to send)");
    assertOnlyProblem(in("pagination: {style: offset, limit: 5, offset_param: n, limit_param: n}"),
        "source.http.pagination.limit_param", 6, "offset_param and limit_param must differ (both \"n\")");
  }

  @Test
  public void valuesAreChecked() {
    SpecException e = fails("""
        name: api
        source:
          type: http
          http:
            url: ftp://api.example/x
            records: data/items
            pagination: {style: page, size: 0, max_pages: 0}
            timeout: "10"
            retries: {max_attempts: 0, initial_backoff: 5 parsecs, multiplier: 0.5, jitter: 1}
            rate_limit: 0
            breaker: {failure_rate: 0, minimum_calls: 10, window: 5}
        schema:
          - {name: id, type: string}
        """);
    assertProblem(problemAt(e, "source.http.url"), 5, "must be an http:// or https:// URL, got \"ftp://api.example/x\"");
    assertProblem(problemAt(e, "source.http.records"), 6, "invalid JSON pointer \"data/items\": it starts with / (such as"
        + " /data/items), or is \"\" for the whole body");
    assertProblem(problemAt(e, "source.http.pagination.size"), 7, "must be between 1 and 100000, got 0");
    assertProblem(problemAt(e, "source.http.pagination.max_pages"), 7, "must be between 1 and 1000000, got 0");
    assertProblem(problemAt(e, "source.http.timeout"), 8, "invalid duration \"10\": a number with a unit, ms, s or m (such as 500ms, 10s, 1.5s or 2m)");
    assertProblem(problemAt(e, "source.http.retries.max_attempts"), 9, "must be between 1 and 100, got 0");
    assertProblem(problemAt(e, "source.http.retries.initial_backoff"), 9, "invalid duration \"5 parsecs\"");
    assertProblem(problemAt(e, "source.http.retries.multiplier"), 9, "must be between 1 and 10, got 0.5");
    assertProblem(problemAt(e, "source.http.retries.jitter"), 9, "must be a fraction from 0 (no jitter) up to but not including 1, got 1");
    assertProblem(problemAt(e, "source.http.rate_limit"), 10, "must be a number of requests per second above 0 and at most 10000, got 0");
    assertProblem(problemAt(e, "source.http.breaker.failure_rate"), 11, "must be a ratio above 0 and at most 1");
    assertProblem(problemAt(e, "source.http.breaker.window"), 11, "window 5 is smaller than minimum_calls 10");
    assertThat(e.problems().size(), equalTo(12));

    assertOnlyProblem(in("timeout: 11m"), "source.http.timeout", 6, "must be between 1ms and 10m, got 11m");
    assertOnlyProblem(in("max_page_bytes: 0"), "source.http.max_page_bytes", 6, "must be between 1 and 1073741824, got 0");
    assertOnlyProblem(in("max_page_bytes: 2147483648"), "source.http.max_page_bytes", 6,
        "must be between 1 and 1073741824, got 2147483648");
    assertOnlyProblem(in("retries: {initial_backoff: 2s, max_wait: 1s}"), "source.http.retries.max_wait", 6,
        "max_wait 1s is shorter than initial_backoff 2s");
    assertOnlyProblem(http("    records: /x\n").replace("    url: https://api.example/v1/orders\n", ""), "source.http.url", 4,
        "missing required key \"url\"");
  }

  @Test
  public void urlsMustBeAbsoluteHttpWithoutCredentials() {
    assertOnlyProblem(http("").replace("https://api.example/v1/orders", "/v1/orders"), "source.http.url", 5,
        "must be an http:// or https:// URL, got \"/v1/orders\"");
    assertOnlyProblem(http("").replace("https://api.example/v1/orders", "https://user:pw@api.example/v1"), "source.http.url", 5,
        "credentials in the URL are not allowed");
    assertOnlyProblem(http("").replace("https://api.example/v1/orders", "https://api.example/v1#top"), "source.http.url", 5,
        "the URL must not have a #fragment");
    assertOnlyProblem(http("").replace("https://api.example/v1/orders", "https://api.example/${env:PATH}"), "source.http.url", 5,
        "placeholders such as ${env:NAME} are only allowed in params and headers values");
    assertOnlyProblem(http("").replace("https://api.example/v1/orders", "https://api.example/v1?region=eu&apikey=abc"),
        "source.http.url", 5, "the URL's parameter apikey looks secret: do not write its value in the spec; give it under"
            + " params, read from the environment, e.g. apikey: \"${env:API_KEY}\"");
    assertThat(parse(http("").replace("https://api.example/v1/orders", "http://127.0.0.1:8765/api/orders?region=eu")).source()
        .http().url(), equalTo("http://127.0.0.1:8765/api/orders?region=eu"));
  }

  @Test
  public void secretsMustComeFromTheEnvironment() {
    SpecException e = fails(in("""
        headers:
          Authorization: Bearer abc123
          X-Api-Key: "${env:lower-case}"
          X-Trace: "${vault:secret/x}"
          Host: api.example
        params:
          api_key: abc123
          access_token: "${env:TOKEN}"
        """));
    assertProblem(problemAt(e, "source.http.headers.Authorization"), 7, "header Authorization looks secret: do not write"
        + " its value in the spec; read it from the environment with ${env:NAME}, e.g. \"Bearer ${env:API_TOKEN}\"");
    assertThat(e.problems().stream().filter(p -> p.path().equals("source.http.headers.X-Api-Key")).count(), equalTo(2L));
    assertProblem(problemAt(e, "source.http.headers.X-Trace"), 9, "unknown placeholder \"${vault:secret/x}\"; allowed: ${env:NAME}");
    assertProblem(problemAt(e, "source.http.headers.Host"), 10, "the header Host is set by the HTTP client and cannot be given");
    assertProblem(problemAt(e, "source.http.params.api_key"), 12, "parameter api_key looks secret");
    assertThat(e.problems().size(), equalTo(6));
  }

  @Test
  public void paramsMustNotRepeatThePaginationsParameters() {
    assertOnlyProblem(in("""
        params: {page: 3, status: all}
        pagination: {style: page, size_param: per_page, size: 10}
        """), "source.http.params.page", 6, "\"page\" is set by the pagination (page); remove it from params");
  }

  @Test
  public void malformedPageIsAReasonCodeForQualityLimits() {
    PipelineSpec spec = parse(http("") + "quality:\n  limits:\n    malformed_page: {max_count: 0}\n");
    assertThat(spec.quality().limits().get("malformed_page").maxCount(), equalTo(0L));
  }

  @Test
  public void anHttpSourceTakesADuplicateKeysPolicy() {
    assertThat(parse(http("")).source().duplicateKeys(), equalTo(SourceSpec.DuplicateKeys.REJECT));
    String yaml = http("").replace("  type: http\n", "  type: http\n  duplicate_keys: last\n");
    assertThat(parse(yaml).source().duplicateKeys(), equalTo(SourceSpec.DuplicateKeys.LAST));
    assertOnlyProblem(yaml.replace(": last", ": newest"), "source.duplicate_keys", 4,
        "unknown duplicate_keys policy \"newest\"; allowed: reject, first, last");
  }

  @Test
  public void fileSourcesAreUnchanged() {
    SourceSpec s = parse(SpecTesting.BASE).source();
    assertThat(s, equalTo(new SourceSpec("in/*.jsonl", SourceSpec.Format.JSONL, PipelineSpec.CsvSpec.DEFAULT)));
    assertThat(s.isHttp(), equalTo(false));
    assertThat(parse(SpecTesting.BASE.replace("source:\n", "source:\n  type: file\n")).source(), equalTo(s));
  }
}
