package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Alerts reach a local webhook for refused and failed runs; an unreachable webhook never fails a run. */
public class OpsAlertsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private HttpServer server;
  private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  /** How many requests to answer 503 before answering 200. */
  private final AtomicInteger failFirst = new AtomicInteger();
  private Path root;

  @Before
  public void setUp() throws IOException {
    root = tmp.getRoot().toPath();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      requests.incrementAndGet();
      byte[] body = exchange.getRequestBody().readAllBytes();
      int status = failFirst.getAndDecrement() > 0 ? 503 : 200;
      if (status == 200) {
        received.add(new ObjectMapper().readTree(new String(body, StandardCharsets.UTF_8)));
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  @After
  public void tearDown() {
    server.stop(0);
  }

  private String hook() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  private CauceRun run(Path spec, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("--spec=" + spec, "--stateStore=" + root.resolve("state")));
    args.addAll(List.of(more));
    return CauceRun.run(root.resolve("out"), runId, args.toArray(String[]::new));
  }

  private JsonNode nextAlert() throws InterruptedException {
    JsonNode a = received.poll(30, TimeUnit.SECONDS);
    assertThat("an alert reached the webhook", a, notNullValue());
    return a;
  }

  @Test
  public void aRefusedRunIsAlerted() throws Exception {
    Path spec = OpsTesting.spec(root, "gated", "overwrite", "{max_rejected_ratio: 0.05}");
    OpsTesting.input(root, "a", 20);
    CauceRun refused = run(spec, "run-r", "--alertWebhook=" + hook());
    assertThat(refused.toString(), refused.code, equalTo(ExitCode.REFUSED));
    JsonNode alert = nextAlert();
    assertThat(alert.get("status").asText(), equalTo("REFUSED"));
    assertThat(alert.get("pipeline").asText(), equalTo("gated"));
    assertThat(alert.get("run_id").asText(), equalTo("run-r"));
    assertThat(alert.get("text").asText(), containsString("cauce pipeline gated run run-r REFUSED: run refused by the quality gate"));
    assertThat(alert.get("counts").get("read").asLong(), equalTo(20L));
    assertThat(alert.get("counts").get("rejected").asLong(), equalTo(2L));
    assertThat(alert.get("report").asText(), equalTo(root.resolve("out/_runs/run-r/run-report.json").toString()));
    assertThat(alert.get("html_report").asText(), equalTo(root.resolve("out/_runs/run-r/run-report.html").toString()));
    assertThat("a webhook URL is a secret", refused.report().get("options").get("alertWebhook").asText(), equalTo("****"));
    assertThat(Files.readString(root.resolve("out/_runs/run-r/run-report.html")).contains("/hook"), equalTo(false));
    assertThat(Files.readString(root.resolve("out/_runs/run-r/run.log")),
        containsString("ERROR [run=run-r pipeline=gated] d.c.monitor.Alerts - ALERT pipeline gated run run-r: run refused by the quality gate"));
  }

  @Test
  public void aFailedRunIsAlertedAfterTheWebhookRecoversFromErrors() throws Exception {
    Path spec = OpsTesting.spec(root, "events", "append", null);
    OpsTesting.input(root, "a", 10);
    Files.createDirectories(root.resolve("out"));
    Files.writeString(root.resolve("out/events"), "in the way of publishing");
    failFirst.set(2);
    CauceRun failed = run(spec, "run-f", "--alertWebhook=" + hook());
    assertThat(failed.toString(), failed.code, equalTo(ExitCode.FAILED));
    JsonNode alert = nextAlert();
    assertThat(alert.get("status").asText(), equalTo("FAILED"));
    assertThat(alert.get("error").asText(), containsString("publishing failed"));
    assertThat(alert.get("alerts").get(0).asText(), containsString("run failed: publishing failed"));
    assertThat("two 503 answers, then delivered", requests.get(), equalTo(3));
  }

  @Test
  public void aRejectedRatioOverTheWarningThresholdIsAlertedButTheRunSucceeds() throws Exception {
    Path spec = OpsTesting.spec(root, "events", "append", null);
    OpsTesting.input(root, "a", 20);
    CauceRun ok = run(spec, "run-w", "--alertWebhook=" + hook(), "--alertRejectedRatio=0.05");
    assertThat(ok.toString(), ok.code, equalTo(ExitCode.OK));
    JsonNode alert = nextAlert();
    assertThat(alert.get("status").asText(), equalTo("SUCCEEDED"));
    assertThat(alert.get("alerts").get(0).asText(), equalTo("rejected ratio 10.00% (2 of 20) is above the warning threshold 5.00%"));

    OpsTesting.input(root, "b", 5);
    CauceRun quiet = run(spec, "run-q", "--alertWebhook=" + hook(), "--alertRejectedRatio=0.5");
    assertThat(quiet.code, equalTo(ExitCode.OK));
    assertThat("no alert below the threshold", received.poll(1, TimeUnit.SECONDS), nullValue());
  }

  @Test
  public void anUnreachableWebhookDoesNotFailTheRunAndGivesUpInBoundedTime() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    Path spec = OpsTesting.spec(root, "gated", "overwrite", "{max_rejected_ratio: 0.05}");
    OpsTesting.input(root, "a", 20);
    long start = System.nanoTime();
    CauceRun refused = run(spec, "run-u", "--alertWebhook=http://127.0.0.1:" + closed + "/hook");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat("the run's own outcome", refused.code, equalTo(ExitCode.REFUSED));
    assertThat(Files.readString(root.resolve("out/_runs/run-u/run.log")),
        containsString("could not deliver the alert to http://127.0.0.1:" + closed + " after 3 attempt(s)"));
    assertThat(seconds, lessThan(120L));
    Path other = OpsTesting.spec(root, "fine", "append", null);
    CauceRun fine = run(other, "run-ok", "--alertWebhook=http://127.0.0.1:" + closed + "/hook", "--alertRejectedRatio=0.01");
    assertThat(fine.toString(), fine.code, equalTo(ExitCode.OK));
  }
}
