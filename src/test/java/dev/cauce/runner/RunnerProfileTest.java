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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.client.program.ContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.junit.Rule;
import org.junit.Test;

/**
 * What each runner's profile chooses, the check of a remote Flink cluster before submission, and a
 * run hosted by a Flink client (the context environment {@code flink run} and Flink's REST API set).
 */
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

  /** What Flink's clients do before they call main: {@code attached} false for the REST API / web UI. */
  private static void hostedByAFlinkClient(boolean attached) {
    Configuration c = new Configuration();
    c.set(DeploymentOptions.ATTACHED, attached);
    ContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), c, RunnerProfileTest.class.getClassLoader(), true, false);
  }

  @Test
  public void outsideAFlinkClientTheArgumentsStayAsGiven() {
    assertThat(RunnerProfile.hostedByFlink(), equalTo(false));
    String[] args = {"--spec=x.yaml", "--flinkMaster=127.0.0.1:8081"};
    List<String> warnings = new ArrayList<>();
    assertThat(RunnerProfile.hostedArgs(args, warnings), equalTo(args));
    assertThat(warnings, equalTo(List.of()));
  }

  @Test
  public void underTheRestApiTheJobGoesDetachedToThatClustersFlinkRunner() {
    hostedByAFlinkClient(false);
    try {
      assertThat(RunnerProfile.hostedByFlink(), equalTo(true));
      List<String> warnings = new ArrayList<>();
      String[] args = RunnerProfile.hostedArgs(new String[] {"--spec=x.yaml", "--flinkMaster=127.0.0.1:8081", "--parallelism=2"}, warnings);
      assertThat(List.of(args), equalTo(List.of("--runner=FlinkRunner", "--attachedMode=false",
          "--spec=x.yaml", "--parallelism=2", "--flinkMaster=[auto]")));
      assertThat(warnings, equalTo(List.of("cauce: warning: --flinkMaster=127.0.0.1:8081 ignored: a Flink client runs this job,"
          + " it goes to that client's cluster")));
      assertThat(RunnerProfile.of(options("--runner=FlinkRunner", "--flinkMaster=[auto]")).preflight(), equalTo(Optional.empty()));
    } finally {
      ContextEnvironment.unsetAsContext();
    }
    assertThat(RunnerProfile.hostedByFlink(), equalTo(false));
  }

  @Test
  public void underFlinkRunAttachedBeamWaitsForTheJobItself() {
    hostedByAFlinkClient(true);
    try {
      List<String> warnings = new ArrayList<>();
      assertThat(List.of(RunnerProfile.hostedArgs(new String[] {"--spec=x.yaml"}, warnings)),
          equalTo(List.of("--runner=FlinkRunner", "--spec=x.yaml", "--flinkMaster=[auto]")));
      assertThat(warnings, equalTo(List.of()));
    } finally {
      ContextEnvironment.unsetAsContext();
    }
  }

  @Test
  public void anotherRunnerUnderAFlinkClientIsRefused() {
    hostedByAFlinkClient(false);
    try {
      assertThat(RunnerProfile.of(options("--runner=DirectRunner")).preflight(), equalTo(Optional.of(
          "a Flink client runs this job (flink run, or a jar run through Flink's REST API or web UI): leave --runner out"
              + " or give --runner=FlinkRunner, not DirectRunner")));
    } finally {
      ContextEnvironment.unsetAsContext();
    }
  }
}
