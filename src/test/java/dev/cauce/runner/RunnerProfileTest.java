package dev.cauce.runner;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.github.tomakehurst.wiremock.junit.WireMockRule;
import dev.cauce.dedupe.Deduplicate;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;

/** What each runner's profile chooses, and the check of a remote Flink cluster before submission. */
public class RunnerProfileTest {
  @Rule public final WireMockRule jobManager = new WireMockRule(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

  private static PipelineOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).create();
  }

  @Test
  public void theDirectRunnerGroupsDedupeByBucketReadsLargePartsAndDoesNotBlockOnRun() {
    PipelineOptions o = options("--runner=DirectRunner");
    RunnerProfile direct = RunnerProfile.of(o);
    assertThat(direct.dedupeGrouping(), equalTo(Deduplicate.Grouping.BUCKET));
    assertThat(direct.splitBytes(0), equalTo(16L << 20));
    assertThat(direct.splitBytes(2000), equalTo(2000L));
    assertThat(o.as(DirectOptions.class).isBlockOnRun(), equalTo(true));
    direct.prepare(o);
    assertThat(o.as(DirectOptions.class).isBlockOnRun(), equalTo(false));
    assertThat(direct.preflight(), equalTo(Optional.empty()));
  }

  @Test
  public void flinkGroupsDedupeByKeyAndReadsSmallParts() {
    RunnerProfile flink = RunnerProfile.of(options("--runner=FlinkRunner", "--flinkMaster=[local]"));
    assertThat(flink.dedupeGrouping(), equalTo(Deduplicate.Grouping.KEY));
    assertThat(flink.splitBytes(0), equalTo(1L << 20));
    assertThat(flink.splitBytes(1500), equalTo(1500L));
    assertThat(flink.preflight(), equalTo(Optional.empty())); // embedded: no cluster to reach
  }

  @Test
  public void aRemoteFlinkClusterMustAnswerWithSlots() {
    String master = "127.0.0.1:" + jobManager.port();
    RunnerProfile flink = RunnerProfile.of(options("--runner=FlinkRunner", "--flinkMaster=" + master));

    jobManager.stubFor(get(urlPathEqualTo("/overview")).willReturn(okJson("{\"taskmanagers\":1,\"slots-total\":2}")));
    assertThat(flink.preflight(), equalTo(Optional.empty()));

    jobManager.stubFor(get(urlPathEqualTo("/overview")).willReturn(okJson("{\"taskmanagers\":0,\"slots-total\":0}")));
    assertThat(flink.preflight(), equalTo(Optional.of("the Flink cluster at " + master
        + " has no TaskManager slots; check `make flink-status` and the TaskManager log")));

    jobManager.stubFor(get(urlPathEqualTo("/overview")).willReturn(aResponse().withStatus(404)));
    assertThat(flink.preflight(), equalTo(Optional.of("the Flink cluster at " + master
        + " answered 404 to GET /overview; is it a Flink JobManager's REST address?")));
  }

  @Test
  public void anUnreachableFlinkClusterIsAProblemBeforeSubmission() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String master = "http://127.0.0.1:" + port + "/";
    Optional<String> problem = RunnerProfile.of(options("--runner=FlinkRunner", "--flinkMaster=" + master)).preflight();
    assertThat(problem.orElseThrow(), startsWith("cannot reach the Flink cluster at " + master + " ("));
  }
}
