package dev.cauce.flink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runners.MethodSorters;

/**
 * cauce on a real standalone Flink 1.19 session cluster: a JobManager and a TaskManager as separate
 * JVMs, started by {@code runners/flink/cluster.sh up} on free ports (REST, RPC; Flink picks the
 * others) before the tests and always stopped after them, so that the tests pass while another Flink
 * holds 8081. Pipelines are submitted two ways: by Beam's client in its own JVM, as {@code make
 * submit} does it ({@code java -cp <bundled jar> dev.cauce.Cauce --spec=... <runners/flink-cluster.args>
 * --filesToStage=<cluster jar>}), and by Flink's REST API as the web UI does ({@code POST /jars/upload}
 * of the lean cluster jar, then {@code /jars/<id>/run}: main runs inside the JobManager). Both must
 * give the Direct runner's results: the counts and published records that {@code
 * src/test/resources/expected/} holds for the sample pipelines, and cauce's counters as Flink's REST
 * API shows them (accumulators {@code cauce.<counter>} per vertex and per job) must equal the run
 * report's. Flink's {@code flink run} command line gives the same. A TaskManager killed in the middle of a job must end in exact output or in
 * a failed run that publishes nothing; a cluster that is not there must be reported at once. Every
 * wait is bounded.
 *
 * <p>Run by failsafe ({@code mvn verify}, {@code make test}) after {@code package} has built both
 * jars. The output of every process it starts is kept in {@code work/flink-it/it/}, the cluster's
 * logs in {@code work/flink-it/log/}.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FlinkClusterIT {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String CLUSTER_SH = ROOT.resolve("runners/flink/cluster.sh").toString();
  /** The cluster's state, apart from a cluster `make flink-up` started in this checkout (work/ is git-ignored). */
  private static final Path STATE = ROOT.resolve("work/flink-it");
  private static final int REST_PORT = freePort();
  private static final int RPC_PORT = freePort();
  private static final String MASTER = "127.0.0.1:" + REST_PORT;
  private static final String REST = "http://" + MASTER;
  /** Each child process's stdout and stderr, kept for debugging. */
  private static final Path LOGS = STATE.resolve("it");
  /** The counters of the orders run submitted by Beam's client, for the REST-submitted run to match. */
  private static JsonNode ordersByBeamClient;

  /** Cluster start, including a first resolution of its classpath by Maven. */
  private static final Duration UP_LIMIT = Duration.ofMinutes(5);
  private static final Duration DOWN_LIMIT = Duration.ofMinutes(2);
  /** One pipeline run on the cluster, submission included (~10-40 s here). */
  private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

  /** The TaskManager-failure test's input: orders-like JSON Lines (~150 MB), its job runs ~20-40 s. */
  private static final int BIG_LINES = 1_000_000;
  private static final int BIG_FILES = 4;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  /** The self-contained jar (the Beam client's classpath) and the lean one the cluster runs. */
  private static Path jar;
  private static Path clusterJar;
  private static Thread downAtExit;

  @BeforeClass
  public static void clusterUp() throws Exception {
    jar = Path.of(System.getProperty("cauce.bundledJar", "target/cauce-0.1.0-SNAPSHOT-bundled.jar")).toAbsolutePath();
    clusterJar = Path.of(System.getProperty("cauce.clusterJar", "target/cauce-0.1.0-SNAPSHOT-cluster.jar")).toAbsolutePath();
    for (Path j : List.of(jar, clusterJar)) {
      assertTrue("the job jar " + j + " is missing: build it with `mvn package` (mvn verify does)", Files.isRegularFile(j));
    }
    // if the JVM is stopped before @AfterClass (e.g. failsafe's time limit), still stop the cluster
    downAtExit = new Thread(() -> {
      try {
        Proc.run("cluster-down-at-exit", DOWN_LIMIT, CLUSTER_SH, "down");
      } catch (Exception | AssertionError e) {
        System.err.println("FlinkClusterIT: stopping the cluster at exit failed: " + e);
      }
    });
    Runtime.getRuntime().addShutdownHook(downAtExit);
    long t0 = System.nanoTime();
    Proc up = Proc.run("cluster-up", UP_LIMIT, CLUSTER_SH, "up");
    assertThat("runners/flink/cluster.sh up failed\n" + up, up.exit(), equalTo(0));
    log("cluster up in %.1f s (REST %s, RPC %d)", seconds(t0), REST, RPC_PORT);
  }

  @AfterClass
  public static void clusterDown() throws Exception {
    long t0 = System.nanoTime();
    Proc down = Proc.run("cluster-down", DOWN_LIMIT, CLUSTER_SH, "down");
    log("cluster down in %.1f s", seconds(t0));
    if (downAtExit != null) {
      Runtime.getRuntime().removeShutdownHook(downAtExit);
    }
    assertThat("runners/flink/cluster.sh down failed\n" + down, down.exit(), equalTo(0));
  }

  // ------------------------------------------------------------------------------ the samples

  @Test
  public void a_ordersOnTheClusterMatchTheOracle() throws Exception {
    samplePipeline("orders", "orders", List.of("orders", "orders_parquet"));
  }

  @Test
  public void b_tripsOnTheClusterMatchTheOracle() throws Exception {
    samplePipeline("trips", "trips_archive", List.of("trips", "trips_archive"));
  }

  private void samplePipeline(String pipeline, String jsonlSink, List<String> sinks) throws Exception {
    Set<String> before = jobs().keySet();
    Path out = TMP.newFolder(pipeline + "-out").toPath();
    String runId = pipeline + "-on-flink";
    long t0 = System.nanoTime();
    Proc run = Proc.run("submit-" + pipeline, RUN_LIMIT, submitCommand("pipelines/" + pipeline + ".yaml", "--output=" + out, "--runId=" + runId));
    log("%s: submit + run on the cluster %.1f s", pipeline, seconds(t0));
    assertThat("the " + pipeline + " run failed\n" + run, run.exit(), equalTo(0));

    Map<String, String> ran = newJobs(before);
    assertThat("the jobs this run added to " + REST + "/jobs/overview", new ArrayList<>(ran.values()), equalTo(List.of("FINISHED")));
    String job = ran.keySet().iterator().next();
    assertThat(getJson("/jobs/" + job).get("name").asText(), equalTo("cauce-" + pipeline + "-" + runId));

    JsonNode report = assertMatchesOracle(pipeline, out, runId, jsonlSink, sinks);
    assertRestCountersMatch(job, report);
    if (pipeline.equals("orders")) {
      ordersByBeamClient = report.get("counts");
    }
  }

  /** The run's report and published output against the oracle; returns the report. */
  private static JsonNode assertMatchesOracle(String pipeline, Path out, String runId, String jsonlSink, List<String> sinks) throws Exception {
    Oracle expected = Oracle.of(pipeline);
    JsonNode report = report(out, runId);
    assertThat(report.get("status").asText(), equalTo("SUCCEEDED"));
    assertThat(report.get("runner").asText(), equalTo("FlinkRunner"));
    JsonNode counts = report.get("counts");
    assertThat(counts.get("read").asLong(), equalTo(expected.read()));
    assertThat(counts.get("rejected").asLong(), equalTo(expected.rejected()));
    assertThat(counts.get("duplicates").asLong(), equalTo(expected.duplicates()));
    assertThat(counts.get("dead_lettered").asLong(), equalTo(expected.rejected()));
    assertThat(longs(counts.get("rejected_by_stage")), equalTo(expected.rejectedByStage()));
    assertThat(reasons(counts.get("violations_by_stage_and_reason")), equalTo(expected.reasons()));
    assertThat(longs(counts.get("warnings_by_rule")), equalTo(expected.warnings()));
    Map<String, Long> written = new TreeMap<>();
    sinks.forEach(s -> written.put(s, expected.written()));
    assertThat(longs(counts.get("written")), equalTo(written));

    List<String> golden = Files.readAllLines(ROOT.resolve("src/test/resources/expected/" + pipeline + ".written.jsonl"), StandardCharsets.UTF_8);
    assertThat(published(out.resolve(jsonlSink)).stream().sorted().toList(), equalTo(golden));
    return report;
  }

  // ------------------------------------------------------------------------------ Flink's REST API

  /**
   * The web UI's "Submit New Job": the lean jar uploaded ({@code POST /jars/upload}) and run ({@code
   * POST /jars/<id>/run} with program arguments): main runs inside the JobManager, which answers once
   * the run ended (published). Same counts and output as by Beam's client.
   */
  @Test
  public void e_ordersThroughFlinkRestUpload() throws Exception {
    Set<String> before = jobs().keySet();
    Path out = TMP.newFolder("orders-rest-out").toPath();
    String runId = "orders-by-rest";
    long t0 = System.nanoTime();
    String jarId = uploadJar(clusterJar);
    log("REST: %s uploaded in %.1f s", clusterJar.getFileName(), seconds(t0));
    long t1 = System.nanoTime();
    HttpResponse<String> r = runJar(jarId, List.of("--spec=" + ROOT.resolve("pipelines/orders.yaml"), "--output=" + out, "--runId=" + runId,
        "--parallelism=2"));
    log("REST: orders run through /jars/<id>/run in %.1f s (upload + run %.1f s)", seconds(t1), seconds(t0));
    assertThat("POST /jars/" + jarId + "/run: " + r.body(), r.statusCode(), equalTo(200));
    String job = JSON.readTree(r.body()).get("jobid").asText();
    assertThat(newJobs(before), equalTo(Map.of(job, "FINISHED")));
    assertOrdersAsByBeamClient(job, out, runId, "Flink's REST API");
  }

  /** An orders job run another way than by Beam's client: its name, oracle, REST counters, and the same counts. */
  private static void assertOrdersAsByBeamClient(String job, Path out, String runId, String how) throws Exception {
    assertThat(getJson("/jobs/" + job).get("name").asText(), equalTo("cauce-orders-" + runId));
    JsonNode report = assertMatchesOracle("orders", out, runId, "orders", List.of("orders", "orders_parquet"));
    assertRestCountersMatch(job, report);
    if (ordersByBeamClient != null) {
      assertThat("counts by " + how + " vs by Beam's client", report.get("counts"), equalTo(ordersByBeamClient));
    }
  }

  /**
   * Flink's own command line: {@code runners/flink/cluster.sh run -c dev.cauce.Cauce <cluster jar>
   * ...} ({@code make flink-run}, Flink's CliFrontend from the same Maven jars): main runs in that
   * client, the job on the cluster. Same counts, output and accumulators as by Beam's client.
   */
  @Test
  public void g_ordersThroughFlinkRun() throws Exception {
    Set<String> before = jobs().keySet();
    Path out = TMP.newFolder("orders-flink-run-out").toPath();
    String runId = "orders-by-flink-run";
    long t0 = System.nanoTime();
    Proc run = Proc.run("flink-run-orders", RUN_LIMIT, CLUSTER_SH, "run", "-c", "dev.cauce.Cauce", clusterJar.toString(),
        "--spec=" + ROOT.resolve("pipelines/orders.yaml"), "--output=" + out, "--runId=" + runId, "--parallelism=2");
    log("flink run: orders submitted and run in %.1f s", seconds(t0));
    assertThat("flink run failed\n" + run, run.exit(), equalTo(0));
    Map<String, String> ran = newJobs(before);
    assertThat(new ArrayList<>(ran.values()), equalTo(List.of("FINISHED")));
    assertOrdersAsByBeamClient(ran.keySet().iterator().next(), out, runId, "flink run");
  }

  /** A run that cannot start answers the REST call (HTTP 400) with cauce's reason, and the JobManager lives on. */
  @Test
  public void f_badArgumentsThroughFlinkRestSayWhy() throws Exception {
    String jarId = uploadJar(clusterJar);
    HttpResponse<String> r = runJar(jarId, List.of("--spec=" + ROOT.resolve("pipelines/no_such_pipeline.yaml"), "--runId=rest-bad"));
    assertThat(r.body(), r.statusCode(), equalTo(400)); // Flink answers 400 when main throws
    assertThat(r.body(), containsString("cauce ended with exit code 2 (USAGE)"));
    assertThat(r.body(), containsString("no_such_pipeline.yaml"));
    assertThat("the JobManager still answers", getJson("/overview").get("taskmanagers").asInt(), equalTo(1));
  }

  /**
   * cauce's counters as Flink's REST API shows them: accumulators {@code cauce.<counter>} of each
   * vertex that counts them ({@code /jobs/<id>/vertices/<vid>/accumulators}, summed over vertices) and
   * of the job ({@code /jobs/<id>/accumulators}); both must equal the run report's.
   */
  private static void assertRestCountersMatch(String job, JsonNode report) throws Exception {
    JsonNode counts = report.get("counts");
    Map<String, Long> wanted = new TreeMap<>(Map.of("cauce.read", counts.get("read").asLong(), "cauce.duplicates",
        counts.get("duplicates").asLong(), "cauce.dead_lettered", counts.get("dead_lettered").asLong()));
    counts.get("written").fields().forEachRemaining(w -> wanted.put("cauce.written." + w.getKey(), w.getValue().asLong()));
    // the REST API serves a cached execution graph (web.refresh-interval): right after a job ends a
    // vertex's accumulators can still be missing, so read again (bounded) until every counter is there
    Map<String, Long> byVertex = new TreeMap<>();
    Map<String, String> vertexOf = new TreeMap<>();
    Map<String, Long> ofJob = new TreeMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    do {
      byVertex.clear();
      ofJob.clear();
      readRestCounters(job, byVertex, vertexOf, ofJob);
    } while (!(byVertex.keySet().containsAll(wanted.keySet()) && ofJob.keySet().containsAll(wanted.keySet()))
        && System.nanoTime() < deadline && pause());
    byVertex.keySet().retainAll(wanted.keySet());
    ofJob.keySet().retainAll(wanted.keySet());
    vertexOf.keySet().retainAll(wanted.keySet());
    assertThat("cauce's accumulators in " + REST + "/jobs/" + job + "/vertices/*/accumulators", byVertex, equalTo(wanted));
    assertThat("cauce's accumulators in " + REST + "/jobs/" + job + "/accumulators", ofJob, equalTo(wanted));
    List<JsonNode> shown = new ArrayList<>(); // as Flink's REST API shows them, for the record
    getJson("/jobs/" + job + "/accumulators").path("user-task-accumulators").forEach(a -> {
      if (wanted.containsKey(a.get("name").asText())) {
        shown.add(a);
      }
    });
    log("REST /jobs/%s/accumulators: %s; counted in vertices: %s", job, shown, vertexOf.entrySet().stream()
        .map(e -> e.getKey() + " in " + e.getValue().substring(0, Math.min(60, e.getValue().length())) + "...").toList());
    logLiveMetricNames(job);
  }

  /** The cache's refresh interval is seconds: read it again after a short pause. */
  private static boolean pause() throws InterruptedException {
    Thread.sleep(500);
    return true;
  }

  /** The {@code cauce.*} accumulators of every vertex (summed by name; the vertex names kept) and of the job. */
  private static void readRestCounters(String job, Map<String, Long> byVertex, Map<String, String> vertexOf, Map<String, Long> ofJob)
      throws Exception {
    for (JsonNode v : getJson("/jobs/" + job).get("vertices")) {
      for (JsonNode acc : getJson("/jobs/" + job + "/vertices/" + v.get("id").asText() + "/accumulators").path("user-accumulators")) {
        String name = acc.get("name").asText();
        if (name.startsWith("cauce.")) {
          byVertex.merge(name, Long.parseLong(acc.get("value").asText()), Long::sum);
          vertexOf.merge(name, v.get("name").asText(), (a, b) -> a + " + " + b);
        }
      }
    }
    for (JsonNode acc : getJson("/jobs/" + job + "/accumulators").path("user-task-accumulators")) {
      if (acc.get("name").asText().startsWith("cauce.")) {
        assertThat(acc.toString(), acc.get("type").asText(), equalTo("LongCounter"));
        ofJob.put(acc.get("name").asText(), Long.parseLong(acc.get("value").asText()));
      }
    }
  }

  /**
   * The live Flink metrics of cauce's counters that the JobManager fetched while the job ran ({@code
   * <subtask>.<operator>.cauce_<counter>}); for the record only: Beam's batch translation sets them
   * when a subtask ends, so whether a fetch saw them is a matter of timing.
   */
  private static void logLiveMetricNames(String job) throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode v : getJson("/jobs/" + job).get("vertices")) {
      for (JsonNode m : getJson("/jobs/" + job + "/vertices/" + v.get("id").asText() + "/metrics")) {
        if (m.get("id").asText().contains(".cauce_")) {
          names.add(m.get("id").asText());
        }
      }
    }
    log("live Flink metrics of job %s seen by the JobManager: %s", job, names);
  }

  /** {@code POST /jars/upload} (multipart, as the web UI sends it); the uploaded jar's id. */
  private static String uploadJar(Path file) throws Exception {
    String boundary = "cauce-it-" + System.nanoTime();
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + file.getFileName()
        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(REST + "/jars/upload")).timeout(Duration.ofMinutes(2))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    assertThat("POST /jars/upload: " + r.body(), r.statusCode(), equalTo(200));
    String name = JSON.readTree(r.body()).get("filename").asText();
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /** {@code POST /jars/<id>/run}: answers when main returned (cauce waits for its job and publishes). */
  private static HttpResponse<String> runJar(String jarId, List<String> args) throws Exception {
    String body = JSON.writeValueAsString(Map.of("entryClass", "dev.cauce.Cauce", "programArgsList", args));
    return HTTP.send(HttpRequest.newBuilder(URI.create(REST + "/jars/" + jarId + "/run")).timeout(RUN_LIMIT)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // ------------------------------------------------------------------------------ a TaskManager dies

  /**
   * The TaskManager is killed (-9) while the job runs, and a new one started. Flink's restart
   * strategy (runners/flink/config.yaml) re-runs the job. Exactly two outcomes are acceptable: the
   * run succeeds with exact counts and output, or it fails (exit 1) and publishes nothing.
   */
  @Test
  public void c_taskManagerKilledDuringAJob() throws Exception {
    Path dir = TMP.newFolder("tm-kill").toPath();
    BigInput input = BigInput.write(dir.resolve("input"), BIG_LINES, BIG_FILES);
    Path out = dir.resolve("out");
    Path spec = dir.resolve("orders_big.yaml");
    Files.writeString(spec, bigSpec(dir.resolve("input") + "/*.jsonl", out.toString()), StandardCharsets.UTF_8);
    String runId = "tm-kill";

    Set<String> before = jobs().keySet();
    long t0 = System.nanoTime();
    Proc run = Proc.start("submit-tm-kill", submitCommand(spec.toString(), "--runId=" + runId));
    String job;
    try {
      job = awaitRunning(before, run, Duration.ofSeconds(5), Duration.ofMinutes(3));
      log("tm-kill: job %s RUNNING for 5 s (%.1f s after submitting): killing the TaskManager", job, seconds(t0));
      Proc kill = Proc.run("tm-kill", Duration.ofMinutes(1), CLUSTER_SH, "tm-kill");
      assertThat("cluster.sh tm-kill\n" + kill, kill.exit(), equalTo(0));
      Proc start = Proc.run("tm-start", Duration.ofMinutes(3), CLUSTER_SH, "tm-start");
      assertThat("cluster.sh tm-start\n" + start, start.exit(), equalTo(0));
      run.await(Duration.ofMinutes(8));
    } finally {
      run.stop();
    }
    log("tm-kill: the run ended with exit code %d after %.1f s; job %s %s", run.exit(), seconds(t0), job, jobs().get(job));

    // the kill must have hit the running job: Flink recorded the failure
    JsonNode history = getJson("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries");
    assertThat("job " + job + " has no failure in its exception history: did it finish before the TaskManager was killed? "
        + "(make BIG_LINES bigger)\n" + run, history.size(), greaterThan(0));

    Path sink = out.resolve("orders");
    Path deadLetter = out.resolve("rejected");
    switch (run.exit()) {
      case 0 -> {
        long written = input.lines() - input.bad() - input.duplicates();
        JsonNode counts = report(out, runId).get("counts");
        assertThat(counts.get("read").asLong(), equalTo((long) input.lines()));
        assertThat(longs(counts.get("rejected_by_stage")), equalTo(Map.of("parse", (long) input.bad())));
        assertThat(counts.get("duplicates").asLong(), equalTo((long) input.duplicates()));
        assertThat(longs(counts.get("written")), equalTo(Map.of("orders", written)));
        assertThat(counts.get("dead_lettered").asLong(), equalTo((long) input.bad()));
        // the published records: as many as counted, each order once, the latest version of each
        long lines = 0;
        long eur = 0;
        Set<String> ids = new HashSet<>();
        for (Path f : manifestFiles(sink)) {
          try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
              lines++;
              ids.add(JSON.readTree(l).get("order_id").asText());
              eur += l.contains("\"EUR\"") ? 1 : 0;
            }
          }
        }
        assertThat("published lines", lines, equalTo(written));
        assertThat("distinct order ids published", (long) ids.size(), equalTo(written));
        assertThat("re-exported orders published in their latest version", eur, equalTo((long) input.duplicates()));
        assertThat(published(deadLetter), hasSize(input.bad()));
        log("tm-kill: OUTCOME 1 - the job recovered; run SUCCEEDED with exact counts and output");
      }
      case 1 -> {
        assertThat(report(out, runId).get("status").asText(), equalTo("FAILED"));
        assertFalse("a failed run published " + sink, Files.exists(sink.resolve("_MANIFEST.json")));
        assertFalse("a failed run published " + deadLetter, Files.exists(deadLetter.resolve("_MANIFEST.json")));
        for (Path p : List.of(sink, deadLetter)) {
          if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
              assertThat("files in " + p + " after a failed run", s.toList(), is(empty()));
            }
          }
        }
        log("tm-kill: OUTCOME 2 - the run FAILED (exit 1) and published nothing");
      }
      default -> fail("after a TaskManager was killed the run must succeed with exact output (0) or fail publishing nothing (1)\n" + run);
    }
  }

  // ------------------------------------------------------------------------------ no cluster

  @Test
  public void d_unreachableClusterFailsFast() throws Exception {
    String nowhere = "127.0.0.1:" + freePort(); // nothing listens there
    assertFalse("something listens on " + nowhere + "; this test needs a port where nothing does", listening(nowhere));
    List<String> cmd = submitCommand("pipelines/orders.yaml", "--output=" + TMP.newFolder("nowhere-out"), "--runId=nowhere");
    cmd.replaceAll(a -> a.startsWith("--flinkMaster=") ? "--flinkMaster=" + nowhere : a);
    assertTrue(cmd.contains("--flinkMaster=" + nowhere));
    long t0 = System.nanoTime();
    Proc run = Proc.start("submit-nowhere", cmd);
    try {
      if (!run.await(Duration.ofSeconds(30))) {
        fail("a run against " + nowhere + ", where no cluster listens, was still going after 30 s\n" + run);
      }
    } finally {
      run.stop();
    }
    log("unreachable cluster: exit %d after %.1f s", run.exit(), seconds(t0));
    assertThat(run.toString(), run.exit(), equalTo(2));
    assertThat(run.stderr(), containsString(nowhere));
    assertThat(run.stderr(), containsString("flink-up"));
  }

  // ------------------------------------------------------------------------------ helpers

  /** What `make submit` runs (the bundled jar as the client's classpath), on this test's cluster, with these extra arguments. */
  private static List<String> submitCommand(String spec, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", jar.toString(), "dev.cauce.Cauce", "--spec=" + spec));
    for (String l : Files.readAllLines(ROOT.resolve("runners/flink-cluster.args"), StandardCharsets.UTF_8)) {
      if (!l.isBlank() && !l.strip().startsWith("#")) {
        cmd.add(l.strip().startsWith("--flinkMaster=") ? "--flinkMaster=" + MASTER : l.strip());
      }
    }
    cmd.add("--filesToStage=" + clusterJar);
    cmd.addAll(List.of(extra));
    return cmd;
  }

  /** Polls the cluster until a job submitted after {@code before} has been RUNNING for {@code running}. */
  private static String awaitRunning(Set<String> before, Proc run, Duration running, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    long runningSince = 0;
    String job = null;
    while (System.nanoTime() < deadline) {
      if (!run.alive()) {
        fail("the run ended before its job had been running for " + running.toSeconds() + " s\n" + run);
      }
      JsonNode overview = getJsonOrNull("/jobs/overview");
      for (JsonNode j : overview == null ? JSON.createArrayNode() : overview.path("jobs")) {
        if (!before.contains(j.get("jid").asText())) {
          job = j.get("jid").asText();
          boolean tasksRunning = j.path("tasks").path("running").asInt() > 0;
          if (j.get("state").asText().equals("RUNNING") && tasksRunning) {
            runningSince = runningSince == 0 ? System.nanoTime() : runningSince;
            if (System.nanoTime() - runningSince >= running.toNanos()) {
              return job;
            }
          } else if (!j.get("state").asText().equals("RUNNING")) {
            runningSince = 0;
          }
        }
      }
      Thread.sleep(200); // poll interval
    }
    fail("no job of this run was RUNNING for " + running.toSeconds() + " s within " + limit.toSeconds() + " s (job " + job + ")\n" + run);
    return null;
  }

  /** Job id → state, from the cluster's REST API. */
  private static Map<String, String> jobs() throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    getJson("/jobs/overview").path("jobs").forEach(j -> m.put(j.get("jid").asText(), j.get("state").asText()));
    return m;
  }

  private static Map<String, String> newJobs(Set<String> before) throws Exception {
    Map<String, String> m = jobs();
    m.keySet().removeAll(before);
    return m;
  }

  private static JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(REST + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat("GET " + path + ": " + r.body(), r.statusCode(), equalTo(200));
    return JSON.readTree(r.body());
  }

  private static JsonNode getJsonOrNull(String path) {
    try {
      return getJson(path);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  /** A port nothing listens on now, on the loopback interface. */
  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean listening(String hostPort) {
    String[] hp = hostPort.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode report(Path out, String runId) throws IOException {
    return JSON.readTree(out.resolve("_runs").resolve(runId).resolve("run-report.json").toFile());
  }

  /** The data files a published folder's manifest lists. */
  private static List<Path> manifestFiles(Path dir) throws IOException {
    JsonNode manifest = JSON.readTree(dir.resolve("_MANIFEST.json").toFile());
    List<Path> files = new ArrayList<>();
    manifest.get("files").forEach(f -> files.add(dir.resolve(f.asText())));
    return files;
  }

  /** The published lines of a JSONL folder, in the manifest's order. */
  private static List<String> published(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path f : manifestFiles(dir)) {
      lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
    }
    return lines;
  }

  private static Map<String, Long> longs(JsonNode node) {
    Map<String, Long> m = new TreeMap<>();
    node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  /** {@code stage/reason → violations}. */
  private static Map<String, Long> reasons(JsonNode byStage) {
    Map<String, Long> m = new TreeMap<>();
    byStage.fields().forEachRemaining(s -> s.getValue().fields().forEachRemaining(r -> m.put(s.getKey() + "/" + r.getKey(), r.getValue().asLong())));
    return m;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf("FlinkClusterIT: " + format + "%n", args);
  }

  /**
   * What {@code src/test/resources/expected/<pipeline>.tsv} says must happen (see its README): one
   * line per record read, with its outcome, stage, reasons and warnings.
   */
  record Oracle(long read, long written, long duplicates, Map<String, Long> rejectedByStage, Map<String, Long> reasons,
      Map<String, Long> warnings) {
    long rejected() {
      return rejectedByStage.values().stream().mapToLong(Long::longValue).sum();
    }

    static Oracle of(String pipeline) throws IOException {
      List<String> lines = Files.readAllLines(ROOT.resolve("src/test/resources/expected/" + pipeline + ".tsv"), StandardCharsets.UTF_8);
      long read = 0;
      long written = 0;
      long duplicates = 0;
      Map<String, Long> byStage = new TreeMap<>();
      Map<String, Long> reasons = new TreeMap<>();
      Map<String, Long> warnings = new TreeMap<>();
      for (String l : lines.subList(1, lines.size())) {
        if (l.isBlank()) {
          continue;
        }
        String[] c = l.split("\t", -1);
        read++;
        switch (c[2]) {
          case "written" -> written++;
          case "duplicate" -> duplicates++;
          case "rejected" -> {
            byStage.merge(c[3], 1L, Long::sum);
            for (String r : split(c[4])) {
              reasons.merge(c[3] + "/" + r, 1L, Long::sum);
            }
          }
          default -> throw new IllegalStateException("unknown outcome in " + pipeline + ".tsv: " + l);
        }
        for (String w : split(c[5])) {
          warnings.merge(w, 1L, Long::sum);
        }
      }
      return new Oracle(read, written, duplicates, byStage, reasons, warnings);
    }

    private static List<String> split(String s) {
      return s.isEmpty() ? List.of() : List.of(s.split(","));
    }
  }

  /**
   * Orders-like JSON Lines with a known number of bad lines (truncated JSON: rejected at parse) and
   * re-exported orders (the same order_id again with a later updated_at and currency EUR: the
   * original becomes a duplicate, the re-export is published).
   */
  record BigInput(int lines, int bad, int duplicates) {
    static BigInput write(Path dir, int lines, int files) throws IOException {
      Files.createDirectories(dir);
      List<BufferedWriter> out = new ArrayList<>();
      for (int f = 0; f < files; f++) {
        out.add(Files.newBufferedWriter(dir.resolve(String.format("part-%d.jsonl", f)), StandardCharsets.UTF_8));
      }
      int bad = 0;
      int duplicates = 0;
      try {
        for (int i = 0; i < lines; i++) {
          BufferedWriter w = out.get((int) ((long) i * files / lines));
          if (i % 1000 == 999) {
            w.write(String.format("{\"order_id\": \"ORD-%08d\", \"amount\": %n", i));
            bad++;
          } else if (i % 100 == 50) { // line i-1 (i % 100 == 49) is never a bad line
            w.write(order(i - 1, i, "eur", "2024-03-02T10:05:00Z"));
            duplicates++;
          } else {
            w.write(order(i, i, "usd", "2024-03-01T10:05:00Z"));
          }
        }
      } finally {
        for (BufferedWriter w : out) {
          w.close();
        }
      }
      return new BigInput(lines, bad, duplicates);
    }

    private static String order(int id, int i, String currency, String updatedAt) {
      return String.format("{\"order_id\":\"ORD-%08d\",\"customer_email\":\"Customer%d@Example.com\",\"amount\":%d.%02d,"
          + "\"currency\":\"%s\",\"created_at\":\"2024-03-01T10:00:00Z\",\"updated_at\":\"%s\"}%n", id, i, i % 5000, i % 100, currency, updatedAt);
    }
  }

  private static String bigSpec(String inputGlob, String output) {
    return String.join("\n",
        "name: orders_big",
        "description: orders-like records written by FlinkClusterIT for the TaskManager-failure test",
        "source:",
        "  path: " + inputGlob,
        "  format: jsonl",
        "schema:",
        "  - {name: order_id, type: string, required: true}",
        "  - {name: customer_email, type: string, required: true}",
        "  - {name: amount, type: decimal, required: true}",
        "  - {name: currency, type: string}",
        "  - {name: created_at, type: timestamp, required: true}",
        "  - {name: updated_at, type: timestamp, required: true}",
        "clean:",
        "  fields:",
        "    customer_email: [lower]",
        "    currency:",
        "      steps: [upper]",
        "      default: USD",
        "validate:",
        "  - {name: order_id_format, rule: regex, field: order_id, pattern: \"^ORD-[0-9]{8}$\"}",
        "  - {name: amount_in_range, rule: range, field: amount, min: 0, max: 10000}",
        "  - {name: currency_known, rule: in, field: currency, values: [USD, EUR, GBP, CAD]}",
        "dedupe:",
        "  key: [order_id]",
        "  keep: latest",
        "  order_by: updated_at",
        "  buckets: 16",
        "output: " + output,
        "sinks:",
        "  - {name: orders, format: jsonl, shards: 2, mode: overwrite}",
        "dead_letter: {name: rejected, format: jsonl, mode: overwrite}",
        "quality:",
        "  max_rejected_ratio: 0.01",
        "  min_records: 1000",
        "");
  }

  /** A child process with its output in files; every wait on it is bounded. */
  static final class Proc {
    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private Proc(String name, List<String> command, Process process, Path stdout, Path stderr) {
      this.name = name;
      this.command = command;
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    static Proc start(String name, List<String> command) throws IOException {
      Files.createDirectories(LOGS);
      Path out = LOGS.resolve(name + ".out");
      Path err = LOGS.resolve(name + ".err");
      ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("NO_GCE_CHECK", "true");
      pb.environment().put("FLINK_REST_PORT", String.valueOf(REST_PORT));
      pb.environment().put("FLINK_RPC_PORT", String.valueOf(RPC_PORT));
      pb.environment().put("FLINK_STATE_DIR", STATE.toString());
      return new Proc(name, command, pb.start(), out, err);
    }

    /** Runs to the end; a process still running after {@code limit} is killed and the test fails. */
    static Proc run(String name, Duration limit, String... command) throws Exception {
      return run(name, limit, List.of(command));
    }

    static Proc run(String name, Duration limit, List<String> command) throws Exception {
      Proc p = start(name, command);
      try {
        if (!p.await(limit)) {
          fail(name + " still running after " + limit.toSeconds() + " s: killed\n" + p);
        }
      } finally {
        p.stop();
      }
      return p;
    }

    boolean await(Duration limit) throws InterruptedException {
      return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean alive() {
      return process.isAlive();
    }

    int exit() {
      return process.exitValue();
    }

    /** Kills the process and its children if still running (bounded). */
    void stop() throws InterruptedException {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }

    String stdoutText() {
      return read(stdout);
    }

    String stderr() {
      return read(stderr);
    }

    private static String read(Path p) {
      try {
        return Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static String tail(String s, int lines) {
      List<String> l = s.lines().toList();
      return l.subList(Math.max(0, l.size() - lines), l.size()).stream().collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
      return "--- " + name + ": " + String.join(" ", command) + "\n--- exit "
          + (process.isAlive() ? "(running)" : String.valueOf(process.exitValue()))
          + "\n--- stdout (last 40 lines)\n" + tail(stdoutText(), 40) + "\n--- stderr (last 60 lines)\n" + tail(stderr(), 60);
    }
  }
}
