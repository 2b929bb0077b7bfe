package dev.cauce.ingest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.fail;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit.WireMockRule;
import dev.cauce.beam.Staged;
import dev.cauce.ingest.http.HttpSourceException;
import dev.cauce.ingest.http.HttpSpecs;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.Reasons;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/** {@link HttpSource} in a pipeline, as the job applies it: its records, its ingest rejections and the counters. */
public class HttpSourceTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient WireMockRule api = new WireMockRule(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

  private String url(String path) {
    return "http://127.0.0.1:" + api.port() + path;
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(CauceMetrics.NAMESPACE, name)).build()).getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  @Test
  public void pagesBecomeSourceRecordsAndAMalformedPageOneRejection() {
    api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", WireMock.equalTo("1"))
        .willReturn(okJson("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}")));
    api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", WireMock.equalTo("2"))
        .willReturn(okJson("{\"data\":\"oops\"}")));
    api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", WireMock.equalTo("3"))
        .willReturn(okJson("{\"data\":[{\"id\":\"c\"},7]}")));
    api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", WireMock.equalTo("4"))
        .willReturn(okJson("{\"data\":[]}")));
    PipelineSpec spec = TestSpecs.spec(SourceSpec.http(HttpSpecs.at(url("/orders")).records("/data")
        .page("page", 1, null, null, 10).retries(2, 10, 2, 0, 100).build()), "id");

    Staged<SourceRecord> out = p.apply(new HttpSource(spec, "run-1", 1 << 20));
    PAssert.that(out.output()).containsInAnyOrder(
        SourceRecord.of(url("/orders?page=1"), 1, "{\"id\":\"a\"}"),
        SourceRecord.of(url("/orders?page=1"), 2, "{\"id\":\"b\"}"),
        SourceRecord.of(url("/orders?page=3"), 1, "{\"id\":\"c\"}"),
        SourceRecord.of(url("/orders?page=3"), 2, "7"));
    PAssert.that(out.rejections().apply(MapElements.into(TypeDescriptors.strings())
            .via((Rejection r) -> r.stage() + " " + r.reason() + " " + r.source() + ":" + r.line() + " " + r.raw())))
        .containsInAnyOrder("ingest malformed_page " + url("/orders?page=2") + ":0 {\"data\":\"oops\"}");
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(counter(result, CauceMetrics.READ), equalTo(5L));
    assertThat(counter(result, CauceMetrics.rejected("ingest")), equalTo(1L));
    assertThat(counter(result, CauceMetrics.reason("ingest", Reasons.MALFORMED_PAGE)), equalTo(1L));
    assertThat(counter(result, CauceMetrics.HTTP_PAGES), equalTo(4L));
    assertThat(counter(result, CauceMetrics.HTTP_REQUESTS), equalTo(5L)); // page 2 twice
    assertThat(counter(result, CauceMetrics.HTTP_RETRIES), equalTo(1L));
  }

  @Test
  public void anApiThatRefusesTheRequestFailsThePipelineClearly() {
    api.stubFor(get(urlPathEqualTo("/orders")).willReturn(aResponse().withStatus(404)));
    PipelineSpec spec = TestSpecs.spec(SourceSpec.http(HttpSpecs.at(url("/orders")).build()), "id");
    p.apply(new HttpSource(spec, "run-1", 1 << 20));
    try {
      p.run().waitUntilFinish();
      fail("expected the pipeline to fail");
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertThat(root.getClass().getName(), equalTo(HttpSourceException.class.getName()));
      assertThat(root.getMessage(), containsString("GET " + url("/orders") + " answered HTTP 404 Not Found"));
    }
    api.verify(1, WireMock.getRequestedFor(urlPathEqualTo("/orders")));
  }

  @Test
  public void onlyHttpSourcesAreAccepted() {
    try {
      new HttpSource(TestSpecs.spec(TestSpecs.jsonlSource("in/*.jsonl"), "id"), "run-1", 100);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), equalTo("spec orders has no http source"));
    }
  }
}
