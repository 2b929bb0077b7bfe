package dev.cauce.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.cauce.ExitCode;
import dev.cauce.demo.ApiDemo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;
import org.slf4j.LoggerFactory;

/**
 * The HTTP sample end to end, as {@code make demo-api} runs it: {@code pipelines/api_orders.yaml}
 * against the sample API ({@code pipelines/data/api}, WireMock on 127.0.0.1, a free port), on the
 * Direct runner and on embedded Flink with parallelism 2. Both must give exactly the oracle's
 * outcome ({@code expected/api_orders.tsv}), the same published records, the same source counters
 * and the same requests on the server; the token never appears in logs, output, report or dead
 * letter. An API that stays down fails the run with exit code 1 within a bounded number of calls
 * and time, and publishes nothing.
 */
@RunWith(Parameterized.class)
public class HttpApiRunTest {
  static final String TOKEN = "demo-token-123"; // pom.xml gives the tests CAUCE_DEMO_TOKEN=demo-token-123
  private static final Pattern PAGE = Pattern.compile("[?&]page=(\\d+)");

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Parameters(name = "{0}")
  public static List<Object[]> runners() {
    return Runners.directAndFlinkP2();
  }

  @Parameter(0)
  public String runnerName;

  @Parameter(1)
  public String[] runnerArgs;

  private WireMockServer api;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;
  private Level cauceLevel;

  @Before
  public void startApiAndCaptureLogs() {
    api = ApiDemo.startApi(0);
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%level %logger %msg%n%ex");
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setEncoder(encoder);
    appender.setOutputStream(logs);
    appender.start();
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    cauceLevel = ctx.getLogger("dev.cauce").getLevel();
    ctx.getLogger("dev.cauce").setLevel(Level.TRACE);
  }

  @After
  public void stop() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    ctx.getLogger("dev.cauce").setLevel(cauceLevel);
    api.stop();
  }

  /** The sample spec with the API's port changed to the test server's. */
  private Path spec(String... replacements) throws IOException {
    String text = Files.readString(Path.of(ApiDemo.SPEC), StandardCharsets.UTF_8)
        .replace("http://127.0.0.1:" + ApiDemo.PORT, "http://127.0.0.1:" + api.port());
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat("spec has " + replacements[i], text.contains(replacements[i]), equalTo(true));
      text = text.replace(replacements[i], replacements[i + 1]);
    }
    Path p = tmp.getRoot().toPath().resolve("api_orders.yaml");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private CauceRun run(Path spec) {
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.add("--spec=" + spec);
    return CauceRun.run(tmp.getRoot().toPath().resolve("out"), "api-" + runnerName, args.toArray(String[]::new));
  }

  private List<ServeEvent> journal() {
    List<ServeEvent> events = new ArrayList<>(api.getAllServeEvents());
    events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    return events;
  }

  private static String page(String url) {
    Matcher m = PAGE.matcher(url);
    return m.find() ? "page-" + m.group(1) : url;
  }

  @Test
  public void theSamplePipelineGivesExactlyTheOraclesOutcome() throws IOException {
    CauceRun run = run(spec());
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    List<SamplePipelinesTest.Expected> expected = oracle();

    // counts: every record read is written, rejected once or a duplicate
    JsonNode counts = run.report().get("counts");
    assertThat(counts.get("read").asLong(), equalTo(37L));
    assertThat(counts.get("read").asLong(), equalTo((long) expected.size()));
    assertThat(counts.get("written").get("orders").asLong(), equalTo(27L));
    assertThat(counts.get("rejected").asLong(), equalTo(9L));
    assertThat(counts.get("duplicates").asLong(), equalTo(1L));
    assertThat(counts.get("dead_lettered").asLong(), equalTo(9L));
    Map<String, Long> byStage = new TreeMap<>();
    Map<String, Long> reasons = new TreeMap<>();
    for (SamplePipelinesTest.Expected e : expected) {
      if (e.outcome().equals("rejected")) {
        byStage.merge(e.stage(), 1L, Long::sum);
        e.reasons().forEach(r -> reasons.merge(e.stage() + "/" + r, 1L, Long::sum));
      }
    }
    assertThat(toMap(counts.get("rejected_by_stage")), equalTo(byStage));
    assertThat(BadInputCorpusTest.reasons(run.report()), equalTo(reasons));
    assertThat(run.report().get("conservation").get("holds").asBoolean(), equalTo(true));

    // the source section: what the API did to us, and the requests the server saw
    assertThat(toMap(counts.get("source")), equalTo(new TreeMap<>(Map.of(
        "requests", 9L, "pages", 5L, "retries", 4L, "throttled", 1L, "server_errors", 1L, "timeouts", 0L,
        "connection_errors", 0L, "breaker_opened", 0L, "max_pages_reached", 0L))));
    assertThat(journal().stream().map(e -> page(e.getRequest().getUrl()) + " " + e.getResponse().getStatus()).toList(),
        equalTo(List.of("page-1 200", "page-2 503", "page-2 200", "page-3 429", "page-3 200", "page-4 200", "page-4 200",
            "page-4 200", "page-5 200")));
    List<ServeEvent> j = journal();
    long waitedFor503 = j.get(2).getRequest().getLoggedDate().getTime() - j.get(1).getRequest().getLoggedDate().getTime();
    long waitedFor429 = j.get(4).getRequest().getLoggedDate().getTime() - j.get(3).getRequest().getLoggedDate().getTime();
    assertThat("Retry-After: 1 honoured after the 503", waitedFor503, greaterThanOrEqualTo(1000L));
    assertThat("Retry-After: 1 honoured after the 429", waitedFor429, greaterThanOrEqualTo(1000L));
    assertThat(run.stdout, containsString("source             http  requests 9, pages 5, retries 4, throttled 1, server_errors 1, breaker_opened 0"));

    // the dead letter: exactly the rejected records, each at its page URL and index
    List<String> dead = new ArrayList<>();
    for (Map<String, String> n : CauceRun.deadLetter(run.output.resolve("rejected"))) {
      assertThat(n.get("source"), containsString("http://127.0.0.1:" + api.port() + "/api/orders?status=all&page="));
      dead.add(page(n.get("source")) + ":" + n.get("line") + " " + n.get("stage") + " " + n.get("reasons"));
    }
    List<String> deadExpected = expected.stream().filter(e -> e.outcome().equals("rejected"))
        .map(e -> e.file() + ":" + e.line() + " " + e.stage() + " " + String.join(",", e.reasons())).toList();
    assertThat(dead.stream().sorted().toList(), equalTo(deadExpected.stream().sorted().toList()));

    // the published records: the oracle's written keys, equal to the reviewed golden file
    List<String> published = CauceRun.published(run.output.resolve("orders")).stream().sorted().toList();
    assertThat(published.stream().map(l -> BadInputCorpusTest.json(l).get("order_id").asText()).toList(),
        equalTo(expected.stream().filter(e -> e.outcome().equals("written")).map(SamplePipelinesTest.Expected::key).sorted().toList()));
    assertThat(published, equalTo(Files.readAllLines(Path.of("src/test/resources/expected/api_orders.written.jsonl"))));

    // the run's input is the API's first page, and the token is nowhere
    assertThat(run.report().get("inputs").get(0).get("url").asText(),
        equalTo("http://127.0.0.1:" + api.port() + "/api/orders?status=all&page=1&per_page=10"));
    assertNoToken(run);
    assertThat(logs.toString(StandardCharsets.UTF_8), containsString("page(s)")); // the capture did capture
  }

  @Test
  public void anApiThatStaysDownFailsTheRunFastAndPublishesNothing() throws IOException {
    api.listAllStubMappings().getMappings().forEach(api::removeStubMapping);
    api.stubFor(get(urlPathEqualTo("/api/orders")).willReturn(aResponse().withStatus(503).withBody("maintenance")));
    // patient retries (10 attempts), an impatient breaker: open once 4 of the last 4 calls failed
    CauceRun run = run(spec("max_attempts: 3", "max_attempts: 10", "minimum_calls: 10", "minimum_calls: 4",
        "window: 20", "window: 4"));
    long failedAt = System.currentTimeMillis();
    assertThat(run.toString(), run.code, equalTo(ExitCode.FAILED));
    List<ServeEvent> j = journal();
    assertThat("calls the server saw", j.size(), equalTo(4));
    long first = j.get(0).getRequest().getLoggedDate().getTime();
    long last = j.get(3).getRequest().getLoggedDate().getTime();
    // backoffs 200, 400, 800 ms (±20% jitter) between the four calls; nothing after the breaker opened
    assertThat(last - first, allOf(greaterThanOrEqualTo(1100L), lessThan(5_000L)));
    assertThat(failedAt - last, lessThan(60_000L)); // the job's teardown, not more calls
    String url = "http://127.0.0.1:" + api.port() + "/api/orders?status=all&page=1&per_page=10";
    assertThat(run.stderr, allOf(containsString("FAILED: the job failed: HttpSourceException: HTTP source: the circuit"
        + " breaker opened: 4 of the last 4 calls to the API failed (failure rate 100%, threshold 50%); 4 requests in "),
        containsString("Last error: GET " + url + ": HTTP 503 Service Unavailable."),
        containsString("check that it is up and reachable from here"),
        containsString("Nothing was published.")));
    assertThat(Files.exists(run.output.resolve("orders")), equalTo(false));
    assertThat(Files.exists(run.output.resolve("rejected")), equalTo(false));
    assertThat(run.report().get("status").asText(), equalTo("FAILED"));
    assertThat(run.report().get("error").asText(), containsString("the circuit breaker opened"));
    assertNoToken(run);
  }

  private void assertNoToken(CauceRun run) throws IOException {
    assertThat(run.stdout, not(containsString(TOKEN)));
    assertThat(run.stderr, not(containsString(TOKEN)));
    assertThat(logs.toString(StandardCharsets.UTF_8), not(containsString(TOKEN)));
    try (Stream<Path> files = Files.walk(run.output)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(f.toString(), Files.readString(f, StandardCharsets.ISO_8859_1), not(containsString(TOKEN)));
      }
    }
    // it was sent, though
    assertThat(api.getAllServeEvents().get(0).getRequest().getHeader("Authorization"), equalTo("Bearer " + TOKEN));
  }

  static List<SamplePipelinesTest.Expected> oracle() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("src/test/resources/expected/api_orders.tsv"), StandardCharsets.UTF_8);
    List<SamplePipelinesTest.Expected> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split("\t", -1);
      out.add(new SamplePipelinesTest.Expected(c[0], Long.parseLong(c[1]), c[2], c[3], SamplePipelinesTest.split(c[4]),
          SamplePipelinesTest.split(c[5]), c[6]));
    }
    return out;
  }

  private static Map<String, Long> toMap(JsonNode node) {
    Map<String, Long> m = new TreeMap<>();
    node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }
}
