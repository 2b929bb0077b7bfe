package dev.cauce.ingest.http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.cauce.spec.HttpSourceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** The plain parts of an HTTP source: page bodies, Link and Retry-After headers, placeholders and masking. */
public class HttpPartsTest {

  private static PageBody body(String text, String pointer) {
    return PageBody.parse(text.getBytes(StandardCharsets.UTF_8), pointer);
  }

  @Test
  public void theWholeBodyIsTheArrayByDefault() {
    PageBody b = body("\uFEFF[{\"a\":1}, {\"a\": 2.50}]", "");
    assertThat(b.isMalformed(), equalTo(false));
    assertThat(b.records(), contains("{\"a\":1}", "{\"a\": 2.50}"));
  }

  @Test
  public void recordsAreFoundThroughObjectsAndArrayIndexes() {
    PageBody b = body("{\"pages\":[{\"x\":[9]},{\"items\":[{\"n\":\"a,b\"},{\"n\":\"]\"}]}]}", "/pages/1/items");
    assertThat(b.records(), contains("{\"n\":\"a,b\"}", "{\"n\":\"]\"}"));
    assertThat(body("{\"a/b\":{\"~\":[1]}}", "/a~1b/~0").records(), contains("1"));
  }

  @Test
  public void escapesAndUnicodeStayAsSent() {
    PageBody b = body("[{\"s\":\"\\u0000 é \\\" \\n\"}]", "");
    assertThat(b.records(), contains("{\"s\":\"\\u0000 é \\\" \\n\"}"));
  }

  @Test
  public void malformedBodiesSayWhy() {
    assertThat(body("", "").problem(), equalTo("the body is empty"));
    assertThat(body("<html></html>", "").problem(), containsString("the body is not JSON: Unexpected character ('<'"));
    assertThat(body("[1] [2]", "").problem(), containsString("the body is not JSON"));
    assertThat(body("[{\"a\":1},", "").problem(), containsString("the body is not JSON"));
    assertThat(body("[NaN]", "").problem(), containsString("the body is not JSON"));
    assertThat(body("{\"data\":[]}", "/items").problem(), equalTo("the body has no value at /items (source.http.records)"));
    assertThat(body("{\"data\":null}", "/data").problem(), equalTo("the value at /data is null, not an array of records (source.http.records)"));
    assertThat(body("{\"data\":1}", "").problem(), equalTo("the body is an object, not an array of records (source.http.records)"));
    PageBody bad = PageBody.parse(new byte[] {'[', '"', (byte) 0xC3, '"', ']'}, "");
    assertThat(bad.problem(), equalTo("the body is not valid UTF-8"));
    assertThat(bad.records(), empty());
    assertThat(bad.root(), nullValue());
  }

  @Test
  public void aKeyRepeatedOnTheWayToTheRecordsMakesThePageMalformed() {
    // a JSON tree keeps the last "data", a reader of the text the first: no record may vanish unseen
    PageBody twice = body("{\"data\":[{\"a\":1},{\"a\":2}],\"data\":[{\"a\":3}]}", "/data");
    assertThat(twice.problem(), equalTo("the body gives the key \"data\" twice on the way to the records (/data):"
        + " which one holds the records is ambiguous (source.http.records)"));
    assertThat(twice.records(), empty());
    assertThat(body("{\"meta\":{\"items\":1,\"x\":0,\"items\":[2]}}", "/meta/items").problem(),
        containsString("the key \"items\" twice on the way to the records (/meta/items)"));
    assertThat(body("{\"meta\":{\"items\":[1]},\"meta\":{\"items\":[2]}}", "/meta/items").problem(),
        containsString("the key \"meta\" twice"));
    // repeated keys inside records (parse: duplicate_key) or beside the path are not the page's problem
    PageBody ok = body("{\"data\":[{\"a\":1,\"a\":2}],\"n\":1,\"n\":2,\"pages\":[{\"data\":0},{\"data\":1}]}", "/data");
    assertThat(ok.problem(), nullValue());
    assertThat(ok.records(), contains("{\"a\":1,\"a\":2}"));
    assertThat(body("[{\"data\":[1]},{\"data\":[2]}]", "/0/data").records(), contains("1"));
    assertThat(body("[{\"a\":1,\"a\":2}]", "").records(), contains("{\"a\":1,\"a\":2}"));
  }

  @Test
  public void linkHeadersGiveTheNextTarget() {
    assertThat(LinkHeader.next(List.of("<https://api.example/x?page=2>; rel=\"next\", <https://api.example/x?page=9>; rel=\"last\"")),
        equalTo(Optional.of("https://api.example/x?page=2")));
    assertThat(LinkHeader.next(List.of("</x?page=1>; rel=\"prev first\"", "</x?page=3>; title=\"a, b; c\"; REL=next")),
        equalTo(Optional.of("/x?page=3")));
    assertThat(LinkHeader.next(List.of("</x?page=3>; rel=\"last next\"")), equalTo(Optional.of("/x?page=3")));
    assertThat(LinkHeader.next(List.of("</x?page=1>; rel=prev", "</x?page=2>; rel=\"nextish\"")), equalTo(Optional.empty()));
    assertThat(LinkHeader.next(List.of()), equalTo(Optional.empty()));
  }

  @Test
  public void retryAfterIsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2024-05-01T10:00:00Z");
    assertThat(RetryAfter.parse("7", now), equalTo(Optional.of(Duration.ofSeconds(7))));
    assertThat(RetryAfter.parse(" 0 ", now), equalTo(Optional.of(Duration.ZERO)));
    assertThat(RetryAfter.parse("Wed, 01 May 2024 10:00:30 GMT", now), equalTo(Optional.of(Duration.ofSeconds(30))));
    assertThat(RetryAfter.parse("Wed, 01 May 2024 09:00:00 GMT", now), equalTo(Optional.of(Duration.ZERO)));
    assertThat(RetryAfter.parse("soon", now), equalTo(Optional.empty()));
    assertThat(RetryAfter.parse("-1", now), equalTo(Optional.empty()));
    assertThat(RetryAfter.parse(null, now), equalTo(Optional.empty()));
  }

  @Test
  public void placeholdersAreFilledAndTheirValuesMasked() {
    HttpSourceSpec spec = HttpSpecs.at("https://api.example/v1/orders")
        .param("key", "${env:API_KEY}").param("q", "a b")
        .header("Authorization", "Bearer ${env:API_TOKEN}").header("Accept", "application/json").build();
    Map<String, String> env = Map.of("API_TOKEN", "tok/en+value=", "API_KEY", "k3y-k3y");
    EnvPlaceholders.Resolved r = EnvPlaceholders.resolve(spec, env::get);
    assertThat(r.headers().get("Authorization"), equalTo("Bearer tok/en+value="));
    assertThat(r.params().get("key"), equalTo("k3y-k3y"));
    Masker m = r.masker();
    assertThat(m.mask("sent Bearer tok/en+value= and ?key=k3y-k3y&t=tok%2Fen%2Bvalue%3D"),
        equalTo("sent Bearer **** and ?key=****&t=****"));
    assertThat(m.mask("https://u:pw@host/x?password=abc"), equalTo("https://u:****@host/x?password=****"));
    assertThat(spec.envNames(), contains("API_KEY", "API_TOKEN"));
  }

  @Test
  public void unsetVariablesAreListedWithWhereTheyAreUsed() {
    HttpSourceSpec spec = HttpSpecs.at("https://api.example/v1")
        .header("Authorization", "Bearer ${env:TOKEN_A}").header("X-Other", "${env:TOKEN_A}-${env:TOKEN_B}").build();
    assertThat(EnvPlaceholders.missing(spec, Map.of("TOKEN_B", "x")::get), contains(
        "environment variable TOKEN_A is not set (source.http headers.Authorization, headers.X-Other reads it with"
            + " ${env:TOKEN_A}); set it before running, e.g. export TOKEN_A=..."));
    assertThat(EnvPlaceholders.missing(spec, Map.of("TOKEN_A", "a", "TOKEN_B", "")::get).size(), equalTo(1));
  }

  @Test
  public void queryParametersAreEncodedAndAppended() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("a b", "x&y=z");
    q.put("page", "2");
    assertThat(Paging.withQuery("http://h/x", q).toString(), equalTo("http://h/x?a%20b=x%26y%3Dz&page=2"));
    assertThat(Paging.withQuery("http://h/x?fixed=1", q).toString(), equalTo("http://h/x?fixed=1&a%20b=x%26y%3Dz&page=2"));
    assertThat(Paging.withQuery("http://h/x", Map.of()).toString(), equalTo("http://h/x"));
  }

  @Test
  public void theReportedInputMasksParametersReadFromTheEnvironment() {
    HttpSourceSpec spec = HttpSpecs.at("https://api.example/v1/orders").param("api_key", "${env:K}").param("status", "all")
        .page("page", 1, "per_page", 50, 10).build();
    assertThat(dev.cauce.ingest.HttpSource.describe(spec),
        equalTo("https://api.example/v1/orders?api_key=****&status=all&page=1&per_page=50"));
  }
}
