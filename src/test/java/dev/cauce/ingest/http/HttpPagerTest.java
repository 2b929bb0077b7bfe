package dev.cauce.ingest.http;

import dev.cauce.model.RecordSink;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.fail;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit.WireMockRule;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.cauce.model.Reasons;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import dev.cauce.spec.HttpSourceSpec;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.Rule;
import org.junit.Test;

/**
 * Paging and resilience of an HTTP source, without Beam, against WireMock on 127.0.0.1: every
 * pagination style, empty and nested responses, and the faults APIs have (5xx, 429 with Retry-After,
 * slow answers, malformed pages, connection resets, an API that stays down, client errors). Counts
 * are exact: the records read, the requests the server saw, and each counter.
 */
public class HttpPagerTest {
  @Rule public final WireMockRule api = new WireMockRule(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

  static final String SECRET = "s3cr3t-t0ken-value";
  static final Map<String, String> ENV = Map.of("API_TOKEN", SECRET);

  /** What one run of a pager produced. */
  static final class Run {
    final List<SourceRecord> records = new ArrayList<>();
    final List<SourceRecord> rejectedOrigins = new ArrayList<>();
    final List<Violation> rejections = new ArrayList<>();
    final Map<HttpEvent, Long> events = new EnumMap<>(HttpEvent.class);
    HttpPager.Outcome outcome;
    HttpSourceException failure;
    long millis;

    long count(HttpEvent e) {
      return events.getOrDefault(e, 0L);
    }

    List<String> texts() {
      return records.stream().map(SourceRecord::text).toList();
    }
  }

  static Run run(HttpSourceSpec spec) {
    return run(spec, 1 << 20);
  }

  static Run run(HttpSourceSpec spec, int maxRecordBytes) {
    Run r = new Run();
    long start = System.nanoTime();
    HttpPager pager = new HttpPager(spec, ENV::get, e -> r.events.merge(e, 1L, Long::sum), maxRecordBytes);
    try {
      r.outcome = pager.run(new RecordSink() {
        @Override
        public void record(SourceRecord rec) {
          r.records.add(rec);
        }

        @Override
        public void reject(SourceRecord origin, Violation v) {
          r.rejectedOrigins.add(origin);
          r.rejections.add(v);
        }
      });
    } catch (HttpSourceException e) {
      r.failure = e;
    }
    r.millis = (System.nanoTime() - start) / 1_000_000;
    return r;
  }

  String url(String path) {
    return "http://127.0.0.1:" + api.port() + path;
  }

  /** The requests the server saw, oldest first. */
  List<ServeEvent> journal() {
    List<ServeEvent> events = new ArrayList<>(api.getAllServeEvents());
    events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    return events;
  }

  List<String> requestedUrls() {
    return journal().stream().map(e -> e.getRequest().getUrl()).toList();
  }

  static String items(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "{\"id\":" + i + "}").collect(Collectors.joining(",", "[", "]"));
  }

  static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "{\"id\":" + i + "}").toList();
  }

  MappingBuilder page(String param, String value) {
    return get(urlPathEqualTo("/items")).withQueryParam(param, WireMock.equalTo(value));
  }

  // ---- pagination styles ------------------------------------------------------------------------

  @Test
  public void pageStyleStopsAtAShortPage() {
    api.stubFor(page("page", "1").willReturn(okJson(items(1, 2))));
    api.stubFor(page("page", "2").willReturn(okJson(items(3, 4))));
    api.stubFor(page("page", "3").willReturn(okJson(items(5, 5))));
    Run r = run(HttpSpecs.at(url("/items")).param("status", "all").page("page", 1, "per_page", 2, 100).build());
    assertThat(r.texts(), equalTo(ids(1, 5)));
    assertThat(requestedUrls(), contains("/items?status=all&page=1&per_page=2", "/items?status=all&page=2&per_page=2",
        "/items?status=all&page=3&per_page=2"));
    assertThat(r.records.get(2).source(), equalTo(url("/items?status=all&page=2&per_page=2")));
    assertThat(r.records.get(2).line(), equalTo(1L)); // the record's index within its page
    assertThat(r.records.get(3).line(), equalTo(2L));
    assertThat(r.outcome.stop(), containsString("fewer than size 2"));
    assertThat(r.count(HttpEvent.REQUEST), equalTo(3L));
    assertThat(r.count(HttpEvent.PAGE), equalTo(3L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(0L));
  }

  @Test
  public void pageStyleWithoutASizeStopsAtAnEmptyPage() {
    api.stubFor(page("p", "0").willReturn(okJson(items(1, 3))));
    api.stubFor(page("p", "1").willReturn(okJson(items(4, 4))));
    api.stubFor(page("p", "2").willReturn(okJson("[]")));
    Run r = run(HttpSpecs.at(url("/items")).page("p", 0, null, null, 100).build());
    assertThat(r.texts(), equalTo(ids(1, 4)));
    assertThat(requestedUrls(), contains("/items?p=0", "/items?p=1", "/items?p=2"));
    assertThat(r.outcome.stop(), equalTo("an empty page"));
  }

  @Test
  public void offsetStyleAdvancesByTheRecordsReceived() {
    api.stubFor(page("offset", "0").willReturn(okJson(items(1, 3))));
    api.stubFor(page("offset", "3").willReturn(okJson(items(4, 6))));
    api.stubFor(page("offset", "6").willReturn(okJson("[]")));
    Run r = run(HttpSpecs.at(url("/items")).offset("offset", "limit", 3, 100).build());
    assertThat(r.texts(), equalTo(ids(1, 6)));
    assertThat(requestedUrls(), contains("/items?offset=0&limit=3", "/items?offset=3&limit=3", "/items?offset=6&limit=3"));
  }

  @Test
  public void offsetStyleStopsAtAShortPage() {
    api.stubFor(page("skip", "0").willReturn(okJson(items(1, 2))));
    api.stubFor(page("skip", "2").willReturn(okJson(items(3, 3))));
    Run r = run(HttpSpecs.at(url("/items")).offset("skip", "take", 2, 100).build());
    assertThat(r.texts(), equalTo(ids(1, 3)));
    assertThat(requestedUrls(), contains("/items?skip=0&take=2", "/items?skip=2&take=2"));
  }

  @Test
  public void cursorStyleSendsBackTheCursorUntilThereIsNone() {
    api.stubFor(get(urlPathEqualTo("/items")).withQueryParam("after", WireMock.absent())
        .willReturn(okJson("{\"items\":" + items(1, 2) + ",\"meta\":{\"next\":\"c2 x\"}}")));
    api.stubFor(page("after", "c2 x").willReturn(okJson("{\"items\":" + items(3, 4) + ",\"meta\":{\"next\":42}}")));
    api.stubFor(page("after", "42").willReturn(okJson("{\"items\":" + items(5, 5) + ",\"meta\":{\"next\":null}}")));
    Run r = run(HttpSpecs.at(url("/items")).records("/items").cursor("after", "/meta/next", 100).build());
    assertThat(r.texts(), equalTo(ids(1, 5)));
    assertThat(requestedUrls(), contains("/items", "/items?after=c2%20x", "/items?after=42"));
    assertThat(r.outcome.stop(), equalTo("no cursor at /meta/next"));
  }

  @Test
  public void nextLinkStyleFollowsRelativeAndAbsoluteLinks() {
    api.stubFor(get(urlPathEqualTo("/v1/items")).withQueryParam("page", WireMock.absent())
        .willReturn(okJson("{\"data\":" + items(1, 2) + ",\"links\":{\"next\":\"items?page=2\"}}")));
    api.stubFor(get(urlPathEqualTo("/v1/items")).withQueryParam("page", WireMock.equalTo("2"))
        .willReturn(okJson("{\"data\":" + items(3, 4) + ",\"links\":{\"next\":\"" + url("/v1/items?page=3") + "\"}}")));
    api.stubFor(get(urlPathEqualTo("/v1/items")).withQueryParam("page", WireMock.equalTo("3"))
        .willReturn(okJson("{\"data\":" + items(5, 5) + ",\"links\":{\"next\":\"\"}}")));
    Run r = run(HttpSpecs.at(url("/v1/items")).records("/data").nextLink("/links/next", 100).build());
    assertThat(r.texts(), equalTo(ids(1, 5)));
    assertThat(requestedUrls(), contains("/v1/items", "/v1/items?page=2", "/v1/items?page=3"));
  }

  @Test
  public void linkHeaderStyleFollowsRelNext() {
    api.stubFor(get(urlPathEqualTo("/items")).withQueryParam("page", WireMock.absent())
        .willReturn(okJson(items(1, 2)).withHeader("Link",
            "<" + url("/items?page=2") + ">; rel=\"next\", <" + url("/items?page=3") + ">; rel=\"last\"")));
    api.stubFor(page("page", "2").willReturn(okJson(items(3, 4)).withHeader("Link", "</items?page=3>; rel=\"next last\"")));
    api.stubFor(page("page", "3").willReturn(okJson(items(5, 5)).withHeader("Link", "</items?page=1>; rel=\"first\"")));
    Run r = run(HttpSpecs.at(url("/items")).linkHeader(100).build());
    assertThat(r.texts(), equalTo(ids(1, 5)));
    assertThat(requestedUrls(), contains("/items", "/items?page=2", "/items?page=3"));
    assertThat(r.outcome.stop(), containsString("no Link header with rel=\"next\""));
  }

  @Test
  public void styleNoneMakesOneRequest() {
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(items(1, 3))));
    Run r = run(HttpSpecs.at(url("/items")).build());
    assertThat(r.texts(), equalTo(ids(1, 3)));
    assertThat(requestedUrls(), contains("/items"));
  }

  @Test
  public void anEmptyApiGivesNoRecordsAndNoRejections() {
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson("{\"data\":{\"items\":[]}}")));
    Run r = run(HttpSpecs.at(url("/items")).records("/data/items").page("page", 1, null, null, 100).build());
    assertThat(r.records.size(), equalTo(0));
    assertThat(r.rejections.size(), equalTo(0));
    assertThat(requestedUrls(), contains("/items?page=1"));
    assertThat(r.outcome.stop(), equalTo("an empty page"));
  }

  @Test
  public void recordsAtANestedPointerKeepTheirExactText() {
    String body = "{\"meta\":{\"items\":[\"decoy\"]},\"data\":{\"items\":[\n"
        + "  {\"id\": 1, \"amount\": 12.50, \"note\": \"caf\\u00e9 \\\"x\\\"\"},\n"
        + "  {\n    \"id\": 2,\n    \"tags\": [1, 2]\n  },\n"
        + "  7, \"text\", null, [1]\n]}}";
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(body)));
    Run r = run(HttpSpecs.at(url("/items")).records("/data/items").build());
    assertThat(r.texts(), contains(
        "{\"id\": 1, \"amount\": 12.50, \"note\": \"caf\\u00e9 \\\"x\\\"\"}",
        "{\n    \"id\": 2,\n    \"tags\": [1, 2]\n  }",
        "7", "\"text\"", "null", "[1]")); // not objects: left to the parser (not_an_object)
    assertThat(r.records.stream().map(SourceRecord::line).toList(), contains(1L, 2L, 3L, 4L, 5L, 6L));
  }

  @Test
  public void pagingStopsAtMaxPagesAndSaysSo() {
    for (int i = 1; i <= 5; i++) {
      api.stubFor(page("page", String.valueOf(i)).willReturn(okJson(items(i * 10, i * 10 + 1))));
    }
    Run r = run(HttpSpecs.at(url("/items")).page("page", 1, null, 2, 3).build());
    assertThat(r.records.size(), equalTo(6));
    assertThat(requestedUrls().size(), equalTo(3));
    assertThat(r.outcome.truncated(), equalTo(true));
    assertThat(r.outcome.stop(), containsString("max_pages 3"));
    assertThat(r.count(HttpEvent.MAX_PAGES_REACHED), equalTo(1L));
  }

  @Test
  public void aLinkBackToAPageAlreadyReadEndsPaging() {
    api.stubFor(get(urlPathEqualTo("/a")).willReturn(okJson("{\"d\":" + items(1, 1) + ",\"next\":\"/b\"}")));
    api.stubFor(get(urlPathEqualTo("/b")).willReturn(okJson("{\"d\":" + items(2, 2) + ",\"next\":\"/a\"}")));
    Run r = run(HttpSpecs.at(url("/a")).records("/d").nextLink("/next", 100).build());
    assertThat(r.texts(), equalTo(ids(1, 2)));
    assertThat(requestedUrls(), contains("/a", "/b"));
    assertThat(r.outcome.stop(), containsString("a page already read"));
  }

  @Test
  public void aNextLinkToAnotherAddressFailsInsteadOfSendingTheHeadersThere() {
    api.stubFor(get(urlPathEqualTo("/a")).willReturn(okJson("{\"d\":" + items(1, 1) + ",\"next\":\"http://localhost:1/steal\"}")));
    Run r = run(HttpSpecs.at(url("/a")).header("Authorization", "Bearer ${env:API_TOKEN}").records("/d").nextLink("/next", 100).build());
    assertThat(r.failure.getMessage(), containsString("links to http://localhost:1/steal, another address than source.http.url"));
    assertThat(requestedUrls(), contains("/a"));
  }

  // ---- faults -----------------------------------------------------------------------------------

  @Test
  public void a500ThenSuccessIsRetriedOnce() {
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("flaky").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(500).withBody("boom")).willSetStateTo("up"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("flaky").whenScenarioStateIs("up").willReturn(okJson(items(1, 3))));
    Run r = run(HttpSpecs.at(url("/items")).build());
    assertThat(r.texts(), equalTo(ids(1, 3)));
    assertThat(requestedUrls(), contains("/items", "/items"));
    assertThat(r.count(HttpEvent.REQUEST), equalTo(2L));
    assertThat(r.count(HttpEvent.SERVER_ERROR), equalTo(1L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(1L));
    assertThat(r.rejections.size(), equalTo(0));
  }

  @Test
  public void a429WaitsAsLongAsRetryAfterSays() {
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("throttle").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("throttle").whenScenarioStateIs("ok").willReturn(okJson(items(1, 2))));
    // the computed backoff would be 20 ms: the server asked for 1 s
    Run r = run(HttpSpecs.at(url("/items")).retries(3, 20, 2, 0, 5_000).build());
    assertThat(r.texts(), equalTo(ids(1, 2)));
    List<ServeEvent> seen = journal();
    assertThat(seen.size(), equalTo(2));
    long gap = seen.get(1).getRequest().getLoggedDate().getTime() - seen.get(0).getRequest().getLoggedDate().getTime();
    assertThat("ms between the 429 and the retry, on the server's clock", gap, allOf(greaterThanOrEqualTo(1000L), lessThan(5000L)));
    assertThat(r.count(HttpEvent.THROTTLED), equalTo(1L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(1L));
  }

  @Test
  public void retryAfterIsCappedByMaxWait() {
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("throttle").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600")).willSetStateTo("ok"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("throttle").whenScenarioStateIs("ok").willReturn(okJson(items(1, 1))));
    Run r = run(HttpSpecs.at(url("/items")).retries(3, 20, 2, 0, 300).build());
    assertThat(r.texts(), equalTo(ids(1, 1)));
    List<ServeEvent> seen = journal();
    long gap = seen.get(1).getRequest().getLoggedDate().getTime() - seen.get(0).getRequest().getLoggedDate().getTime();
    assertThat(gap, allOf(greaterThanOrEqualTo(300L), lessThan(2000L)));
  }

  @Test
  public void aResponseSlowerThanTheTimeoutIsRetried() {
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("slow").whenScenarioStateIs(STARTED)
        .willReturn(okJson(items(9, 9)).withFixedDelay(2_000)).willSetStateTo("fast"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("slow").whenScenarioStateIs("fast").willReturn(okJson(items(1, 2))));
    Run r = run(HttpSpecs.at(url("/items")).timeout(java.time.Duration.ofMillis(300)).build());
    assertThat(r.texts(), equalTo(ids(1, 2))); // the slow answer's record is never used
    assertThat(requestedUrls(), contains("/items", "/items"));
    assertThat(r.count(HttpEvent.TIMEOUT), equalTo(1L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(1L));
    List<ServeEvent> seen = journal();
    long gap = seen.get(1).getRequest().getLoggedDate().getTime() - seen.get(0).getRequest().getLoggedDate().getTime();
    // gave up on the slow answer at the timeout (300 ms, counted above), not when it came (2 s); the
    // server's log times can sit tens of ms late under load, so only the upper bound is checked here
    assertThat(gap, lessThan(1_900L));
  }

  @Test
  public void aPageThatStaysMalformedBecomesOneRejectionAndPagingGoesOn() {
    api.stubFor(page("page", "1").willReturn(okJson(items(1, 2))));
    api.stubFor(page("page", "2").willReturn(aResponse().withStatus(200).withBody("<html>upstream error</html>")));
    api.stubFor(page("page", "3").willReturn(okJson(items(5, 5))));
    Run r = run(HttpSpecs.at(url("/items")).page("page", 1, null, 2, 100).retries(3, 10, 2, 0, 100).build());
    assertThat(r.texts(), equalTo(List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":5}")));
    assertThat(r.rejections.size(), equalTo(1));
    Violation v = r.rejections.get(0);
    assertThat(v.reason(), equalTo(Reasons.MALFORMED_PAGE));
    assertThat(v.message(), containsString("after 3 attempts: the body is not JSON"));
    assertThat(r.rejectedOrigins.get(0).source(), equalTo(url("/items?page=2")));
    assertThat(r.rejectedOrigins.get(0).line(), equalTo(0L));
    assertThat(r.rejectedOrigins.get(0).text(), equalTo("<html>upstream error</html>"));
    assertThat(requestedUrls(), contains("/items?page=1", "/items?page=2", "/items?page=2", "/items?page=2", "/items?page=3"));
    assertThat(r.count(HttpEvent.RETRY), equalTo(2L));
    assertThat(r.count(HttpEvent.PAGE), equalTo(3L));
  }

  @Test
  public void aMalformedPageEndsCursorPagingWithARejectionThatSaysSo() {
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson("{\"items\": {\"id\": 1}}")));
    Run r = run(HttpSpecs.at(url("/items")).records("/items").cursor("c", "/next", 100).retries(2, 10, 2, 0, 100).build());
    assertThat(r.records.size(), equalTo(0));
    assertThat(r.rejections.size(), equalTo(1));
    assertThat(r.rejections.get(0).message(), equalTo("the page stayed malformed after 2 attempts: the value at /items is an"
        + " object, not an array of records (source.http.records); paging stopped here: a malformed page: the next cursor was in it"));
  }

  @Test
  public void aPageCutShortOnceIsReadAgain() {
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("cut").whenScenarioStateIs(STARTED)
        .willReturn(okJson("[{\"id\":1},{\"id\"")).willSetStateTo("whole"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("cut").whenScenarioStateIs("whole").willReturn(okJson(items(1, 2))));
    Run r = run(HttpSpecs.at(url("/items")).build());
    assertThat(r.texts(), equalTo(ids(1, 2)));
    assertThat(r.rejections.size(), equalTo(0));
    assertThat(r.count(HttpEvent.RETRY), equalTo(1L));
  }

  @Test
  public void aConnectionResetIsRetried() {
    // java.net.http.HttpClient itself retries a GET once when the connection closes before any
    // response: two resets in a row reach cauce as one connection error, which cauce retries
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("reset").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("again"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("reset").whenScenarioStateIs("again")
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
    api.stubFor(get(urlPathEqualTo("/items")).inScenario("reset").whenScenarioStateIs("ok").willReturn(okJson(items(1, 3))));
    Run r = run(HttpSpecs.at(url("/items")).build());
    assertThat(r.texts(), equalTo(ids(1, 3)));
    assertThat(requestedUrls(), contains("/items", "/items", "/items"));
    assertThat(r.count(HttpEvent.REQUEST), equalTo(2L));
    assertThat(r.count(HttpEvent.CONNECTION_ERROR), equalTo(1L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(1L));
    assertThat(r.rejections.size(), equalTo(0));
  }

  @Test
  public void anApiThatStaysDownOpensTheBreakerWithinBoundedCallsAndTime() {
    api.stubFor(page("page", "1").willReturn(okJson(items(1, 2))));
    api.stubFor(page("page", "2").willReturn(aResponse().withStatus(503).withBody("down for maintenance")));
    // 10 attempts allowed per request, but the breaker opens once 4 of the last 4 calls failed
    Run r = run(HttpSpecs.at(url("/items")).page("page", 1, null, 2, 100)
        .retries(10, 100, 2, 0, 10_000).breaker(0.5, 4, 4).build());
    long failedAt = System.currentTimeMillis();
    assertThat(r.failure, not(equalTo(null)));
    assertThat(r.records.size(), equalTo(2)); // page 1 (the job fails: nothing is published)
    // calls: page 1 (success), then page 2 three times: 3 of the last 4 calls failed = 75% >= 50%
    assertThat(requestedUrls(), contains("/items?page=1", "/items?page=2", "/items?page=2", "/items?page=2"));
    assertThat(r.count(HttpEvent.BREAKER_OPENED), equalTo(1L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(2L));
    // from the first request the server saw to the failure: the waits of 100 + 200 ms, never the
    // backoffs of 10 attempts (100 ms doubling: 51 s)
    long firstRequest = journal().get(0).getRequest().getLoggedDate().getTime();
    assertThat(failedAt - firstRequest, allOf(greaterThanOrEqualTo(300L), lessThan(5_000L)));
    assertThat(r.failure.getMessage(), allOf(
        containsString("the circuit breaker opened: 3 of the last 4 calls to the API failed"),
        containsString("4 requests in"),
        containsString("Last error: GET " + url("/items?page=2") + ": HTTP 503 Service Unavailable"),
        containsString("check that it is up and reachable")));
  }

  @Test
  public void anApiDownFromTheStartSeesExactlyMinimumCallsRequests() {
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(502)));
    Run r = run(HttpSpecs.at(url("/items")).retries(20, 50, 2, 0, 10_000).breaker(0.5, 5, 10).build());
    List<ServeEvent> seen = journal();
    assertThat(seen.size(), equalTo(5));
    assertThat(r.count(HttpEvent.REQUEST), equalTo(5L));
    assertThat(r.count(HttpEvent.RETRY), equalTo(4L)); // none after the fifth call: the breaker had opened
    assertThat(r.count(HttpEvent.BREAKER_OPENED), equalTo(1L));
    long first = seen.get(0).getRequest().getLoggedDate().getTime();
    long last = seen.get(4).getRequest().getLoggedDate().getTime();
    // waits 50 + 100 + 200 + 400 ms between the five calls
    assertThat(last - first, allOf(greaterThanOrEqualTo(750L), lessThan(5_000L)));
    assertThat(r.failure.getMessage(), containsString("the circuit breaker opened: 5 of the last 5 calls to the API failed"
        + " (failure rate 100%, threshold 50%); 5 requests in "));
  }

  @Test
  public void retriesRunOutBeforeTheBreakerOpensWithAClearMessage() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Run r = run(HttpSpecs.at("http://127.0.0.1:" + closedPort + "/items").retries(3, 10, 2, 0, 100).build());
    assertThat(r.failure.getMessage(), allOf(
        containsString("GET http://127.0.0.1:" + closedPort + "/items failed 3 times"),
        containsString("connection failed (ConnectException"),
        containsString("Check that the API at http://127.0.0.1:" + closedPort + " is up")));
    assertThat(r.count(HttpEvent.CONNECTION_ERROR), equalTo(3L));
    assertThat(r.count(HttpEvent.BREAKER_OPENED), equalTo(0L));
  }

  @Test
  public void clientErrorsAreNotRetriedAndSayWhatToCheck() {
    api.stubFor(get(urlPathEqualTo("/401")).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"bad token " + SECRET + "\"}")));
    api.stubFor(get(urlPathEqualTo("/403")).willReturn(aResponse().withStatus(403)));
    api.stubFor(get(urlPathEqualTo("/404")).willReturn(aResponse().withStatus(404)));
    api.stubFor(get(urlPathEqualTo("/301")).willReturn(aResponse().withStatus(301).withHeader("Location", "https://elsewhere.example/items")));
    Run r401 = run(HttpSpecs.at(url("/401")).header("Authorization", "Bearer ${env:API_TOKEN}").build());
    assertThat(r401.failure.getMessage(), allOf(containsString("GET " + url("/401") + " answered HTTP 401 Unauthorized"),
        containsString("did not accept the credentials"), containsString("(API_TOKEN)"), containsString("bad token ****"),
        not(containsString(SECRET))));
    assertThat(run(HttpSpecs.at(url("/403")).build()).failure.getMessage(), containsString("HTTP 403 Forbidden: the credentials were accepted but lack permission"));
    assertThat(run(HttpSpecs.at(url("/404")).build()).failure.getMessage(), containsString("HTTP 404 Not Found: there is no such resource. Check source.http.url"));
    assertThat(run(HttpSpecs.at(url("/301")).build()).failure.getMessage(), containsString("a redirect to https://elsewhere.example/items; cauce does not follow redirects"));
    assertThat(requestedUrls(), contains("/401", "/403", "/404", "/301"));
    // and the secret header was sent
    api.verify(1, getRequestedFor(urlPathEqualTo("/401")).withHeader("Authorization", WireMock.equalTo("Bearer " + SECRET)));
  }

  @Test
  public void aSecretParameterIsSentButMaskedInRecordSources() {
    api.stubFor(get(urlPathEqualTo("/items")).withQueryParam("api_key", WireMock.equalTo(SECRET)).willReturn(okJson(items(1, 1))));
    Run r = run(HttpSpecs.at(url("/items")).param("api_key", "${env:API_TOKEN}").build());
    assertThat(r.records.get(0).source(), equalTo(url("/items?api_key=****")));
  }

  @Test
  public void aRecordLongerThanTheLimitIsRejectedAtIngest() {
    String big = "{\"id\":2,\"pad\":\"" + "x".repeat(200) + "\"}";
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson("[{\"id\":1}," + big + "]")));
    Run r = run(HttpSpecs.at(url("/items")).build(), 100);
    assertThat(r.texts(), contains("{\"id\":1}"));
    assertThat(r.rejections.get(0).reason(), equalTo(Reasons.RECORD_TOO_LONG));
    assertThat(r.rejectedOrigins.get(0).line(), equalTo(2L));
  }

  // ---- rate limit -------------------------------------------------------------------------------

  @Test
  public void theRateLimitHoldsOnTheServersClock() {
    int pages = 16;
    for (int i = 1; i <= pages; i++) {
      api.stubFor(page("page", String.valueOf(i)).willReturn(okJson(i == pages ? "[]" : items(i, i))));
    }
    double perSecond = 10;
    Run r = run(HttpSpecs.at(url("/items")).page("page", 1, null, null, 100).rateLimit(perSecond).build());
    assertThat(r.records.size(), equalTo(pages - 1));
    List<Long> at = journal().stream().map(e -> e.getRequest().getLoggedDate().getTime()).toList();
    assertThat(at.size(), equalTo(pages));
    // Permits are handed out one per 100 ms cycle: in any second, at most 10 requests, plus one when
    // a request at the very end of a cycle is followed by one at the start of the next.
    int most = 0;
    for (int i = 0; i < at.size(); i++) {
      int inWindow = 0;
      for (long t : at) {
        if (t >= at.get(i) && t < at.get(i) + 1000) {
          inWindow++;
        }
      }
      most = Math.max(most, inWindow);
    }
    assertThat("most requests within any 1 s window", most, lessThanOrEqualTo((int) perSecond + 1));
    long span = at.get(at.size() - 1) - at.get(0);
    assertThat("16 requests at 10/s take at least 1.4 s", span, greaterThanOrEqualTo(1400L));
  }

  @Test
  public void anUnsetEnvironmentVariableIsAClearFailure() {
    try {
      new HttpPager(HttpSpecs.at(url("/items")).header("X-Api-Key", "${env:NOT_SET_ANYWHERE}").build(), n -> null, e -> {}, 100);
      fail("expected an HttpSourceException");
    } catch (HttpSourceException e) {
      assertThat(e.getMessage(), containsString("environment variable NOT_SET_ANYWHERE is not set (source.http headers.X-Api-Key"));
    }
  }
}
