package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cauce.ExitCode;
import dev.cauce.demo.ApiDemo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The driver with an HTTP source: what it refuses before running, a dry run, and an API that refuses the token. */
public class HttpCliTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path out() {
    return tmp.getRoot().toPath().resolve("out");
  }

  private Path specCopy(String from, String to) throws IOException {
    String text = Files.readString(Path.of(ApiDemo.SPEC), StandardCharsets.UTF_8);
    assertThat(text.contains(from), equalTo(true));
    Path p = tmp.getRoot().toPath().resolve("api_orders.yaml");
    Files.writeString(p, text.replace(from, to), StandardCharsets.UTF_8);
    return p;
  }

  @Test
  public void inputIsForFileSourcesOnly() {
    CauceRun run = CauceRun.run(out(), "r1", "--spec=" + ApiDemo.SPEC, "--input=data/*.jsonl");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: --input applies to file sources only; pipelines/api_orders.yaml reads"
        + " from an HTTP API (source.type: http): change source.http.url or source.http.params instead"));
  }

  @Test
  public void anUnsetEnvironmentVariableStopsTheRunBeforeItStarts() throws IOException {
    Path spec = specCopy("${env:CAUCE_DEMO_TOKEN}", "${env:CAUCE_TEST_UNSET_TOKEN}");
    CauceRun run = CauceRun.run(out(), "r2", "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: environment variable CAUCE_TEST_UNSET_TOKEN is not set (source.http"
        + " headers.Authorization reads it with ${env:CAUCE_TEST_UNSET_TOKEN}); set it before running"));
    assertThat(Files.exists(out()), equalTo(false));
  }

  @Test
  public void aDryRunNamesTheApiAndSendsNothing() {
    CauceRun run = CauceRun.run(out(), "r3", "--spec=" + ApiDemo.SPEC, "--dryRun=true");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("cauce: spec pipelines/api_orders.yaml is valid; it reads from the HTTP API"
        + " http://127.0.0.1:8765/api/orders?status=all&page=1&per_page=10; dry run, nothing ran."));
  }

  @Test
  public void aBadHttpSpecListsEveryProblemWithItsLine() throws IOException {
    Path spec = specCopy("    records: /data", "    records: data\n    method: POST");
    CauceRun run = CauceRun.run(out(), "r4", "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, allOf(containsString("2 problems"),
        containsString("source.http.records (line 20): invalid JSON pointer \"data\""),
        containsString("source.http.method (line 21): unknown key \"method\"; allowed: url, params, headers")));
  }

  @Test
  public void aRefusedTokenFailsTheRunClearlyWithoutShowingIt() throws IOException {
    WireMockServer api = ApiDemo.startApi(0);
    try {
      CauceRun run = runOnDemoApi(api, "r5", "Bearer ${env:CAUCE_DEMO_TOKEN}", "Bearer x${env:CAUCE_DEMO_TOKEN}");
      assertFailedAfterOneRequest(run, api, "GET http://127.0.0.1:" + api.port() + "/api/orders?status=all&page=1&per_page=10"
          + " answered HTTP 401 Unauthorized: the API did not accept the credentials. Check the headers in"
          + " source.http.headers and that the environment variables they read hold valid credentials (CAUCE_DEMO_TOKEN).");
      assertThat(api.getAllServeEvents().get(0).getRequest().getHeader("Authorization"), equalTo("Bearer x" + HttpApiRunTest.TOKEN));
      assertThat(run.report().toString(), not(containsString(HttpApiRunTest.TOKEN)));
    } finally {
      api.stop();
    }
  }

  @Test
  public void aPageOverMaxPageBytesFailsTheRunAtOnceNamingUrlAndLimit() throws IOException {
    WireMockServer api = ApiDemo.startApi(0);
    try {
      CauceRun run = runOnDemoApi(api, "r6", "    rate_limit: 20", "    max_page_bytes: 100\n    rate_limit: 20");
      // not retried either: the same page would come back as large
      assertFailedAfterOneRequest(run, api, "GET http://127.0.0.1:" + api.port() + "/api/orders?status=all&page=1&per_page=10:"
          + " the response is larger than source.http.max_page_bytes (100 bytes); reading stopped there.");
      assertThat(run.stderr, not(containsString("OutOfMemoryError")));
    } finally {
      api.stop();
    }
  }

  /** Runs the demo spec against {@code api} with {@code text} in it replaced. */
  private CauceRun runOnDemoApi(WireMockServer api, String runId, String text, String replacement) throws IOException {
    Path spec = specCopy("http://127.0.0.1:" + ApiDemo.PORT, "http://127.0.0.1:" + api.port());
    String edited = Files.readString(spec);
    assertThat(edited.contains(text), equalTo(true));
    Files.writeString(spec, edited.replace(text, replacement));
    return CauceRun.run(out(), runId, "--spec=" + spec);
  }

  /** The run failed on its first request, which was not retried, saying {@code message}; nothing was published. */
  private void assertFailedAfterOneRequest(CauceRun run, WireMockServer api, String message) {
    assertThat(run.toString(), run.code, equalTo(ExitCode.FAILED));
    assertThat(run.stderr, allOf(containsString(message), containsString("Nothing was published."),
        not(containsString(HttpApiRunTest.TOKEN))));
    assertThat(api.getAllServeEvents().size(), equalTo(1));
    assertThat(Files.exists(out().resolve("orders")), equalTo(false));
  }
}
