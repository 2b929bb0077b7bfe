package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.ExitCode;
import dev.cauce.gcs.FakeGcsServer.Call;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.TestName;

/**
 * cauce end to end on {@code gs://}: the driver, the Beam job on the Direct runner, staging,
 * publishing and the run report, all against a {@link FakeGcsServer} on 127.0.0.1.
 *
 * <p>What these tests prove: cauce's reads, writes, renames, deletes and listings through Beam's
 * GCS filesystem work over the GCS JSON API as {@link FakeGcsServer} implements it (the calls Beam
 * 2.62 was measured to make), with the exact counts and outputs of a local run, leaving no
 * temporary or staging object behind, and never connecting anywhere but 127.0.0.1. What they do not
 * prove: anything about authentication, IAM, or real GCS's error, retry and consistency behaviour.
 */
public class GcsEndToEndTest {
  private static final String BUCKET = "bucket";
  private static final Path ORDERS_DATA = Path.of("pipelines/data/orders");
  private static final List<String> ORDERS_FILES =
      List.of("orders-2024-01.jsonl.gz", "orders-2024-02.jsonl", "orders-2024-03.jsonl");

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final OutboundConnections connections = new OutboundConnections();
  @Rule public final TestName name = new TestName();

  private FakeGcsServer gcs;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket(BUCKET);
  }

  /** Keeps each test's call log in target/fake-gcs/ for reading after the fact. */
  @After
  public void stop() throws IOException {
    gcs.close();
    Path logs = Files.createDirectories(Path.of("target", "fake-gcs"));
    Files.writeString(logs.resolve(getClass().getSimpleName() + "." + name.getMethodName() + ".log"), gcs.log());
  }

  // ------------------------------------------------------------------ sample pipeline

  @Test
  public void theOrdersSampleReadsAGlobFromTheBucketAndPutsEveryOutputInIt() throws IOException {
    uploadOrders("in/");
    gcs.putObject(BUCKET, "in/notes.txt", "not an input\n");
    gcs.putObject(BUCKET, "in/older/orders-2023-12.jsonl", "{\"order_id\":\"not matched: * stops at /\"}\n");

    GcsRun run = GcsRun.run(gcs, "--spec=pipelines/orders.yaml", "--input=gs://bucket/in/*.jsonl*",
        "--output=gs://bucket/out/orders", "--runId=gcs-1");

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 157 = written 116 + rejected 33 + duplicates 8  OK"));
    assertThat(run.stdout, containsString(
        "published: gs://bucket/out/orders/orders/, gs://bucket/out/orders/orders_parquet/, gs://bucket/out/orders/rejected/"));
    assertThat(run.stdout, containsString("report: gs://bucket/out/orders/_runs/gcs-1/run-report.json"));
    assertOrdersOutputsInBucket("out/orders/", "gcs-1", "gs://bucket/in/");

    // every object the run left: published data with manifests, the dead letter, the report; no
    // Beam temporary (.temp-beam), staging or manifest temporary object
    List<String> out = gcs.list(BUCKET, "out/");
    List<String> parquet = GcsRun.manifestFiles(gcs, BUCKET, "out/orders/orders_parquet/");
    List<String> expected = new ArrayList<>();
    expected.add("out/orders/_COMMIT.json");
    expected.addAll(runFiles("out/orders/_runs/gcs-1/"));
    expected.add("out/orders/orders/_MANIFEST.json");
    expected.add("out/orders/orders/gcs-1-00000-of-00001.jsonl");
    expected.add("out/orders/orders_parquet/_MANIFEST.json");
    parquet.forEach(f -> expected.add("out/orders/orders_parquet/" + f));
    expected.add("out/orders/rejected/_MANIFEST.json");
    expected.add("out/orders/rejected/gcs-1-00000-of-00001.jsonl");
    assertThat(out, equalTo(expected.stream().sorted().toList()));
    assertThat(parquet.size(), greaterThan(0));
    assertThat(parquet, everyItem(startsWith("gcs-1-")));

    JsonNode report = GcsRun.json(gcs, BUCKET, "out/orders/_runs/gcs-1/run-report.json");
    assertThat(report.get("status").asText(), equalTo("SUCCEEDED"));
    assertThat(report.get("counts").get("read").asLong(), equalTo(157L));
    List<String> inputs = new ArrayList<>();
    for (JsonNode f : report.get("inputs")) {
      inputs.add(f.get("path").asText() + " " + f.get("size_bytes").asLong());
    }
    List<String> expectedInputs = new ArrayList<>();
    for (String f : ORDERS_FILES) {
      expectedInputs.add("gs://bucket/in/" + f + " " + Files.size(ORDERS_DATA.resolve(f)));
    }
    assertThat(inputs, equalTo(expectedInputs));

    List<Call> calls = gcs.calls();
    assertThat(gcs.log(), calls, hasItem(call("GET", "/storage/v1/b/bucket/o", "prefix=in/")));
    for (String f : ORDERS_FILES) {
      assertThat(gcs.log(), calls, hasItem(call("GET", "/download/storage/v1/b/bucket/o/in%2F" + f, "alt=media")));
    }
    assertOnlyLoopback();
  }

  @Test
  public void localInputToTheBucketAndBucketInputToALocalFolderGiveTheSameRecords() throws IOException {
    GcsRun toBucket = GcsRun.run(gcs, "--spec=pipelines/orders.yaml", "--output=gs://bucket/from-local", "--runId=mix-1");
    assertThat(toBucket.toString(), toBucket.code, equalTo(ExitCode.OK));
    assertThat(toBucket.stdout, containsString("check: read 157 = written 116 + rejected 33 + duplicates 8  OK"));
    assertOrdersOutputsInBucket("from-local/", "mix-1", "pipelines/data/orders/");
    assertThat(gcs.list(BUCKET, "from-local/_staging/"), empty());

    uploadOrders("in/");
    Path local = tmp.getRoot().toPath().resolve("to-local");
    GcsRun toLocal = GcsRun.run(gcs, "--spec=pipelines/orders.yaml", "--input=gs://bucket/in/orders-*",
        "--output=" + local, "--runId=mix-2");
    assertThat(toLocal.toString(), toLocal.code, equalTo(ExitCode.OK));
    assertThat(toLocal.stdout, containsString("check: read 157 = written 116 + rejected 33 + duplicates 8  OK"));
    List<String> localLines = Files.readAllLines(local.resolve("orders").resolve("mix-2-00000-of-00001.jsonl"));
    assertThat(sorted(localLines), equalTo(golden()));
    assertThat(sorted(localLines), equalTo(sorted(GcsRun.published(gcs, BUCKET, "from-local/orders/"))));
    List<String> dead = Files.readAllLines(local.resolve("rejected").resolve("mix-2-00000-of-00001.jsonl"));
    assertThat(dead.size(), equalTo(33));
    for (String d : dead) {
      assertThat(new ObjectMapper().readTree(d).get("source").asText(), startsWith("gs://bucket/in/orders-2024-0"));
    }
    JsonNode report = new ObjectMapper().readTree(local.resolve("_runs").resolve("mix-2").resolve("run-report.json").toFile());
    assertThat(report.get("status").asText(), equalTo("SUCCEEDED"));
    assertThat("nothing local was left in staging", Files.exists(local.resolve("_staging").resolve("mix-2")), equalTo(false));
    assertThat(filter(gcs.list(BUCKET, ""), n -> n.contains(".temp-beam") || n.contains("_staging/")), empty());
    assertOnlyLoopback();
  }

  // ------------------------------------------------------------------ writing: chunks and empty shards

  /**
   * A spec whose source and output are gs:// in the YAML itself; with a 256 KiB upload buffer its
   * ~570 KB output goes up in three chunks (two answered 308, the last 200).
   */
  @Test
  public void aLargeOutputIsUploadedInSeveralChunks() throws IOException {
    StringBuilder input = new StringBuilder();
    List<String> expected = new ArrayList<>();
    String text = "x".repeat(150);
    for (int i = 1; i <= 3000; i++) {
      String id = String.format("r%05d", i);
      input.append("{\"id\":\"").append(id).append("\",\"n\":\"").append(i).append("\",\"text\":\"").append(text).append("\"}\n");
      expected.add("{\"id\":\"" + id + "\",\"n\":" + i + ",\"text\":\"" + text + "\"}");
    }
    input.append("{\"id\":\"r00001\",\"n\":\"1\",\"text\":\"a duplicate\"}\n");
    input.append("{\"id\":\"bad1\",\"n\":\"one\"}\n");
    input.append("{\"id\":\"bad2\",\"n\":\"two\"}\n");
    gcs.putObject(BUCKET, "big/part-1.jsonl", input.toString());
    Path spec = writeSpec("big.yaml", """
        name: big
        source: {path: "gs://bucket/big/*.jsonl", format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: n, type: long}
          - {name: text, type: string}
        dedupe: {key: [id]}
        output: gs://bucket/big-out
        sinks:
          - {name: big, format: jsonl, shards: 1}
          - {name: big_csv, format: csv, shards: 1}
        """);

    GcsRun run = GcsRun.run(gcs, "--spec=" + spec, "--runId=big-1", "--gcsUploadBufferSizeBytes=262144");

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 3003 = written 3000 + rejected 2 + duplicates 1  OK"));
    String jsonl = "big-out/big/big-1-00000-of-00001.jsonl";
    assertThat(GcsRun.manifestFiles(gcs, BUCKET, "big-out/big/"), equalTo(List.of("big-1-00000-of-00001.jsonl")));
    assertThat(sorted(GcsRun.published(gcs, BUCKET, "big-out/big/")), equalTo(expected));
    int size = gcs.bytes(BUCKET, jsonl).length;
    assertThat(size, greaterThan(2 * 262144));
    List<String> csv = GcsRun.published(gcs, BUCKET, "big-out/big_csv/");
    assertThat(csv.size(), equalTo(3001));
    assertThat(csv.get(0), equalTo("id,n,text"));
    assertThat(GcsRun.published(gcs, BUCKET, "big-out/rejected/").size(), equalTo(2));

    List<String> puts = new ArrayList<>();
    for (Call c : gcs.calls()) {
      if (c.method().equals("PUT") && c.status() == 308) {
        puts.add(c.note());
      }
    }
    // in 256 KiB chunks: the JSONL file (over 512 KiB) in three, the CSV file (under) in two; and so
    // each sink's one part before them (this ~1 MB input is one dedupe bucket on the Direct runner)
    int csvSize = gcs.bytes(BUCKET, "big-out/big_csv/big-1-00000-of-00001.csv").length;
    assertThat(csvSize, greaterThan(262144));
    assertThat(gcs.log(), sorted(puts), equalTo(List.of(
        "Content-Range: bytes 0-262143/*", "Content-Range: bytes 0-262143/*", "Content-Range: bytes 0-262143/*",
        "Content-Range: bytes 0-262143/*", "Content-Range: bytes 262144-524287/*", "Content-Range: bytes 262144-524287/*")));
    assertThat(gcs.log(), gcs.calls(), hasItem(note("PUT", 200, "Content-Range: bytes 262144-" + (csvSize - 1) + "/" + csvSize)));
    assertThat(gcs.log(), gcs.calls(), hasItem(note("PUT", 200, "Content-Range: bytes 524288-" + (size - 1) + "/" + size)));
    assertThat(filter(gcs.list(BUCKET, ""), n -> n.contains(".temp-beam") || n.contains("_staging/")), empty());
    assertOnlyLoopback();
  }

  /**
   * Fixed shard counts above the number of records give empty shards (uploaded as {@code bytes
   * *}{@code /0}); an empty input gives empty but valid files in every sink; and an overwrite
   * publish on gs:// replaces the previous run's objects.
   */
  @Test
  public void emptyShardsAndAnEmptyInputPublishValidFiles() throws IOException {
    gcs.putObject(BUCKET, "few/one.jsonl", "{\"id\":\"a\",\"n\":\"7\"}\n");
    gcs.putObject(BUCKET, "empty/none.jsonl", "");
    Path spec = writeSpec("few.yaml", """
        name: few
        source: {path: "gs://bucket/few/*.jsonl", format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: n, type: long}
        output: gs://bucket/few-out
        sinks:
          - {name: few, format: jsonl, shards: 3}
          - {name: few_csv, format: csv, shards: 3}
          - {name: few_parquet, format: parquet, shards: 2}
        quality: {min_records: 0}
        """);

    GcsRun one = GcsRun.run(gcs, "--spec=" + spec, "--runId=few-1");
    assertThat(one.toString(), one.code, equalTo(ExitCode.OK));
    assertThat(one.stdout, containsString("check: read 1 = written 1 + rejected 0 + duplicates 0  OK"));
    assertThat(GcsRun.manifestFiles(gcs, BUCKET, "few-out/few/"),
        equalTo(List.of("few-1-00000-of-00003.jsonl", "few-1-00001-of-00003.jsonl", "few-1-00002-of-00003.jsonl")));
    assertThat(GcsRun.published(gcs, BUCKET, "few-out/few/"), equalTo(List.of("{\"id\":\"a\",\"n\":7}")));
    assertThat(sizes("few-out/few/"), equalTo(List.of(0, 0, 17)));
    assertThat(sorted(GcsRun.published(gcs, BUCKET, "few-out/few_csv/")), equalTo(List.of("a,7", "id,n", "id,n", "id,n")));
    assertThat(parquetIds("few-out/few_parquet/"), equalTo(List.of("a")));
    assertThat(GcsRun.manifestFiles(gcs, BUCKET, "few-out/few_parquet/").size(), equalTo(2));
    assertThat(GcsRun.manifestFiles(gcs, BUCKET, "few-out/rejected/"), equalTo(List.of("few-1-00000-of-00001.jsonl")));
    assertThat(gcs.bytes(BUCKET, "few-out/rejected/few-1-00000-of-00001.jsonl").length, equalTo(0));
    long emptyUploads = gcs.calls().stream()
        .filter(c -> c.method().equals("PUT") && c.status() == 200 && "Content-Range: bytes */0".equals(c.note())).count();
    assertThat(gcs.log(), emptyUploads, equalTo(3L)); // two empty jsonl shards and the empty dead letter

    GcsRun empty = GcsRun.run(gcs, "--spec=" + spec, "--runId=few-2", "--input=gs://bucket/empty/*.jsonl");
    assertThat(empty.toString(), empty.code, equalTo(ExitCode.OK));
    assertThat(empty.stdout, containsString("check: read 0 = written 0 + rejected 0 + duplicates 0  OK"));
    assertThat(GcsRun.published(gcs, BUCKET, "few-out/few/"), empty());
    assertThat(sizes("few-out/few/"), equalTo(List.of(0, 0, 0)));
    assertThat(GcsRun.published(gcs, BUCKET, "few-out/few_csv/"), equalTo(List.of("id,n", "id,n", "id,n")));
    assertThat(parquetIds("few-out/few_parquet/"), empty());
    assertThat(GcsRun.manifestFiles(gcs, BUCKET, "few-out/few_parquet/").size(), equalTo(2));
    List<String> expected = new ArrayList<>(List.of("few-out/_COMMIT.json"));
    for (String sink : List.of("few", "few_csv", "few_parquet", "rejected")) {
      expected.add("few-out/" + sink + "/_MANIFEST.json");
      GcsRun.manifestFiles(gcs, BUCKET, "few-out/" + sink + "/").forEach(f -> expected.add("few-out/" + sink + "/" + f));
    }
    expected.addAll(runFiles("few-out/_runs/few-1/"));
    expected.addAll(runFiles("few-out/_runs/few-2/"));
    assertThat("only run few-2's files are left", gcs.list(BUCKET, "few-out/"), equalTo(sorted(expected)));
    assertThat(filter(gcs.list(BUCKET, "few-out/"), n -> n.contains("few-1-")), empty());
    assertOnlyLoopback();
  }

  // ------------------------------------------------------------------ refused runs and replay

  @Test
  public void aRefusedRunLeavesThePublishedObjectsUnchangedAndKeepsItsStagingInTheBucket() throws IOException {
    Path spec = gateSpec();
    GcsRun first = GcsRun.run(gcs, "--spec=" + spec, "--runId=run-1");
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    assertThat(first.stdout, containsString("check: read 4 = written 2 + rejected 1 + duplicates 1  OK"));
    Map<String, String> published = publishedSnapshot();
    assertThat(GcsRun.published(gcs, BUCKET, "gate/gate/").size(), equalTo(2));

    GcsRun refused = GcsRun.run(gcs, "--spec=" + spec, "--runId=run-2", "--input=gs://bucket/dirty/*.jsonl");
    assertThat(refused.toString(), refused.code, equalTo(ExitCode.REFUSED));
    assertThat(refused.stdout, containsString("rejected 2 of 3 records (66.67%), over max_rejected_ratio 50.00% by 16.67%"));
    assertThat("same objects, same generations", publishedSnapshot(), equalTo(published));
    assertThat(gcs.list(BUCKET, "gate/_staging/"), equalTo(List.of(
        "gate/_staging/run-2/gate/run-2-00000-of-00001.jsonl",
        "gate/_staging/run-2/gate_csv/run-2-00000-of-00001.csv",
        "gate/_staging/run-2/rejected/run-2-00000-of-00001.jsonl")));
    JsonNode report = GcsRun.json(gcs, BUCKET, "gate/_runs/run-2/run-report.json");
    assertThat(report.get("status").asText(), equalTo("REFUSED"));
    assertThat(report.get("outputs").get("staging_kept").asText(), equalTo("gs://bucket/gate/_staging/run-2/"));

    GcsRun rerun = GcsRun.run(gcs, "--spec=" + spec, "--runId=run-3", "--reprocess"); // the same input again
    assertThat(rerun.toString(), rerun.code, equalTo(ExitCode.OK));
    assertThat(sorted(GcsRun.published(gcs, BUCKET, "gate/gate/")), equalTo(sorted(List.of(
        "{\"id\":\"1\",\"amount\":10.00}", "{\"id\":\"2\",\"amount\":20.50}"))));
    assertThat(gcs.list(BUCKET, "gate/gate/"), equalTo(List.of("gate/gate/_MANIFEST.json", "gate/gate/run-3-00000-of-00001.jsonl")));
    assertThat("the refused run's staging is still kept; run-3 left none", gcs.list(BUCKET, "gate/_staging/").size(), equalTo(3));
    assertOnlyLoopback();
  }

  @Test
  public void fixedDeadLetterRecordsCanBeReplayedFromTheBucket() throws IOException {
    Path spec = gateSpec();
    GcsRun first = GcsRun.run(gcs, "--spec=" + spec, "--runId=run-1");
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    List<String> dead = GcsRun.published(gcs, BUCKET, "gate/rejected/");
    assertThat(dead.size(), equalTo(1));
    assertThat(new ObjectMapper().readTree(dead.get(0)).get("source").asText(), equalTo("gs://bucket/good/a.jsonl"));
    gcs.putObject(BUCKET, "fixed/fixed.jsonl",
        dead.get(0).replace("\\\"amount\\\":\\\"-1\\\"", "\\\"amount\\\":\\\"1\\\"") + "\n");

    // into the root of another bucket; the same files replayed again are skipped: their records are live
    gcs.createBucket("replayed");
    List<String> expectedObjects = List.of("_COMMIT.json",
        "_runs/replay-1/run-report.html", "_runs/replay-1/run-report.json", "_runs/replay-1/run.log",
        "gate/_MANIFEST.json", "gate/replay-1-00000-of-00001.jsonl",
        "gate_csv/_MANIFEST.json", "gate_csv/replay-1-00000-of-00001.csv",
        "rejected/_MANIFEST.json", "rejected/replay-1-00000-of-00001.jsonl");
    GcsRun replay = GcsRun.run(gcs, "--spec=" + spec, "--runId=replay-1", "--replay=gs://bucket/fixed/*.jsonl",
        "--output=gs://replayed");
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertThat(replay.stdout, containsString("check: read 1 = written 1 + rejected 0 + duplicates 0  OK"));
    assertThat(replay.stdout, containsString("published: gs://replayed/gate/, gs://replayed/gate_csv/, gs://replayed/rejected/"));
    assertThat(GcsRun.published(gcs, "replayed", "gate/"), equalTo(List.of("{\"id\":\"3\",\"amount\":1}")));
    JsonNode report = GcsRun.json(gcs, "replayed", "_runs/replay-1/run-report.json");
    assertThat(report.get("inputs").get(0).get("path").asText(), equalTo("gs://bucket/fixed/fixed.jsonl"));
    assertThat(gcs.list("replayed", ""), equalTo(expectedObjects));

    GcsRun again = GcsRun.run(gcs, "--spec=" + spec, "--runId=replay-2", "--replay=gs://bucket/fixed/*.jsonl",
        "--output=gs://replayed");
    assertThat(again.toString(), again.code, equalTo(ExitCode.OK));
    assertThat(again.stdout, containsString("already replayed: every file of gs://bucket/fixed/*.jsonl was replayed into gs://replayed"));
    assertThat(GcsRun.published(gcs, "replayed", "gate/"), equalTo(List.of("{\"id\":\"3\",\"amount\":1}")));
    List<String> withSkippedLog = new java.util.ArrayList<>(expectedObjects);
    withSkippedLog.add(4, "_runs/replay-2/run.log"); // the skipped run's log, nothing else
    assertThat(gcs.list("replayed", ""), equalTo(withSkippedLog));
    assertOnlyLoopback();
  }

  // ------------------------------------------------------------------ failures before the job

  @Test
  public void aGlobMatchingNoObjectExitsWith2BeforeTheJob() {
    gcs.putObject(BUCKET, "in/a.jsonl", "{}\n");
    GcsRun run = GcsRun.run(gcs, "--spec=pipelines/orders.yaml", "--input=gs://bucket/nothing/*.jsonl",
        "--output=gs://bucket/out", "--runId=missing-1");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("no input files match \"gs://bucket/nothing/*.jsonl\""));
    assertThat(gcs.list(BUCKET, "out/"), empty());
    // the plan makes every check, so the output folder is still listed and its owner read after the input matched nothing
    assertThat(gcs.log(), gcs.calls().size(), equalTo(3));
    assertThat(gcs.log(), gcs.calls().get(0), call("GET", "/storage/v1/b/bucket/o", "prefix=nothing/"));
    assertThat(gcs.log(), gcs.calls().get(1), call("GET", "/storage/v1/b/bucket/o", "prefix=out/_runs/missing-1/"));
    assertThat(gcs.log(), gcs.calls().get(2).path(), equalTo("/storage/v1/b/bucket/o/out%2F_COMMIT.json"));
    assertOnlyLoopback();
  }

  @Test
  public void aDryRunListsTheInputObjectsAndWritesNothing() throws IOException {
    uploadOrders("in/");
    GcsRun run = GcsRun.run(gcs, "--spec=pipelines/orders.yaml", "--input=gs://bucket/in/*.jsonl*",
        "--output=gs://bucket/out", "--runId=dry-1", "--dryRun=true");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    StringBuilder expected = new StringBuilder("cauce: spec pipelines/orders.yaml is valid; 3 input file(s) match; dry run, nothing ran.\n");
    for (String f : ORDERS_FILES) {
      expected.append("  gs://bucket/in/").append(f).append(" (").append(Files.size(ORDERS_DATA.resolve(f))).append(" bytes)\n");
    }
    assertThat(run.stdout, equalTo(expected.toString()));
    assertThat(gcs.calls().stream().filter(c -> !c.method().equals("GET")).toList(), empty());
    assertThat(gcs.list(BUCKET, "out/"), empty());
    assertOnlyLoopback();
  }

  @Test
  public void aDryRunReadsTheHeaderOfEveryCsvObjectCompressedToo() throws IOException {
    gcs.putObject(BUCKET, "csv/a.csv", "id,amount\n1,10.00\n");
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write("ID,note\n2,x\n".getBytes(StandardCharsets.UTF_8));
    }
    gcs.putObject(BUCKET, "csv/b.csv.gz", gz.toByteArray());
    Path spec = writeSpec("headers.yaml", """
        name: headers
        source: {path: "gs://bucket/csv/*.csv*", format: csv}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        """);
    GcsRun run = GcsRun.run(gcs, "--spec=" + spec, "--output=gs://bucket/out", "--runId=hdr-1", "--dryRun=true");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: input gs://bucket/csv/b.csv.gz: its CSV header does not fit the schema:"
        + " lacks columns `id`, `amount` (missing_columns: refuse); has extra columns `ID`, `note`: ignored (extra_columns: ignore);"
        + " header has `ID` where the schema expects `id`: rename the column in the file or the field in the schema;"
        + " fix the file's header, or change source.csv in the spec (missing_columns: fill)"));
    assertThat(run.stderr, not(containsString("gs://bucket/csv/a.csv:")));
    assertThat(gcs.calls().stream().filter(c -> !c.method().equals("GET")).toList(), empty());
    assertThat(gcs.list(BUCKET, "out/"), empty());
    assertOnlyLoopback();
  }

  @Test
  public void anOutputBucketThatDoesNotExistExitsWith2BeforeTheJob() throws IOException {
    Path spec = gateSpec();
    GcsRun run = GcsRun.run(gcs, "--spec=" + spec, "--runId=nob-1", "--output=gs://nobucket/out");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("cauce: cannot use the output folder gs://nobucket/out/: "
        + "Unable to match files in bucket nobucket, prefix out/_runs/nob-1/."));
    assertThat(run.stderr, containsString("check --output (or output in the spec), that the bucket exists"));
    List<String> calls = gcs.calls().stream().map(c -> c.method() + " " + c.path() + "?" + c.query() + " " + c.status()).toList();
    assertThat(gcs.log(), calls, equalTo(List.of(
        "GET /storage/v1/b/bucket/o?maxResults=1024&prefix=good/ 200",
        "GET /storage/v1/b/nobucket/o?maxResults=1024&prefix=out/_runs/nob-1/ 404",
        "GET /storage/v1/b/nobucket/o/out%2F_COMMIT.json?null 404")));
    assertOnlyLoopback();
  }

  // ------------------------------------------------------------------ helpers

  private Path writeSpec(String name, String yaml) throws IOException {
    Path p = tmp.getRoot().toPath().resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  /** PublishAndGateTest's spec and inputs, in the bucket: good/a.jsonl is accepted, dirty/b.jsonl refused. */
  private Path gateSpec() throws IOException {
    gcs.putObject(BUCKET, "good/a.jsonl", """
        {"id":"1","amount":"10.00"}
        {"id":"2","amount":"20.50"}
        {"id":"2","amount":"20.50"}
        {"id":"3","amount":"-1"}
        """);
    gcs.putObject(BUCKET, "dirty/b.jsonl", """
        {"id":"7","amount":"70"}
        {"id":"8","amount":"x"}
        not json
        """);
    return writeSpec("gate.yaml", """
        name: gate
        source: {path: "gs://bucket/good/*.jsonl", format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0, min_inclusive: false}
        dedupe: {key: [id]}
        output: gs://bucket/gate
        sinks:
          - {name: gate, format: jsonl}
          - {name: gate_csv, format: csv}
        quality:
          max_rejected_ratio: 0.5
        """);
  }

  /** The published folders of the gate spec: every object with its generation and content. */
  private Map<String, String> publishedSnapshot() {
    Map<String, String> m = new java.util.TreeMap<>();
    for (String d : List.of("gate/gate/", "gate/gate_csv/", "gate/rejected/")) {
      m.putAll(gcs.snapshot(BUCKET, d));
    }
    assertThat(m.size(), equalTo(6));
    return m;
  }

  /** The sizes of a published folder's files, smallest first (which shard gets a record is the runner's choice). */
  private List<Integer> sizes(String prefix) throws IOException {
    return GcsRun.manifestFiles(gcs, BUCKET, prefix).stream().map(f -> gcs.bytes(BUCKET, prefix + f).length).sorted().toList();
  }

  private List<String> parquetIds(String prefix) throws IOException {
    List<String> ids = new ArrayList<>();
    for (String f : GcsRun.manifestFiles(gcs, BUCKET, prefix)) {
      ids.addAll(parquetColumn(gcs.bytes(BUCKET, prefix + f), "id"));
    }
    return sorted(ids);
  }

  private List<String> parquetColumn(byte[] file, String column) throws IOException {
    Path copy = tmp.newFile().toPath();
    Files.write(copy, file);
    List<String> values = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(copy.toUri()), new Configuration())).build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        values.add(r.get(column).toString());
      }
    }
    return values;
  }

  private static org.hamcrest.Matcher<Call> note(String method, int status, String note) {
    return new org.hamcrest.TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(Call c) {
        return c.method().equals(method) && c.status() == status && note.equals(c.note());
      }

      @Override
      public void describeTo(org.hamcrest.Description d) {
        d.appendText(method + " -> " + status + " (" + note + ")");
      }
    };
  }

  private void uploadOrders(String prefix) throws IOException {
    for (String f : ORDERS_FILES) {
      gcs.putObject(BUCKET, prefix + f, Files.readAllBytes(ORDERS_DATA.resolve(f)));
    }
  }

  /** The orders sample's published outputs under {@code prefix} in the bucket, checked exactly. */
  private void assertOrdersOutputsInBucket(String prefix, String runId, String sourcePrefix) throws IOException {
    assertThat(GcsRun.manifestFiles(gcs, BUCKET, prefix + "orders/"), equalTo(List.of(runId + "-00000-of-00001.jsonl")));
    assertThat(sorted(GcsRun.published(gcs, BUCKET, prefix + "orders/")), equalTo(golden()));

    List<String> parquetKeys = new ArrayList<>();
    for (String f : GcsRun.manifestFiles(gcs, BUCKET, prefix + "orders_parquet/")) {
      parquetKeys.addAll(parquetColumn(gcs.bytes(BUCKET, prefix + "orders_parquet/" + f), "order_id"));
    }
    assertThat(sorted(parquetKeys), equalTo(goldenKeys()));

    List<String> dead = GcsRun.published(gcs, BUCKET, prefix + "rejected/");
    assertThat(dead.size(), equalTo(33));
    for (String d : dead) {
      assertThat(new ObjectMapper().readTree(d).get("source").asText(), containsString(sourcePrefix));
    }
  }

  private static List<String> golden() throws IOException {
    return sorted(Files.readAllLines(Path.of("src/test/resources/expected/orders.written.jsonl"), StandardCharsets.UTF_8));
  }

  private static List<String> goldenKeys() throws IOException {
    List<String> keys = new ArrayList<>();
    for (String l : golden()) {
      keys.add(new ObjectMapper().readTree(l).get("order_id").asText());
    }
    return sorted(keys);
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  private static List<String> filter(List<String> l, java.util.function.Predicate<String> p) {
    return l.stream().filter(p).toList();
  }

  /** A matcher for a logged call by method, path and a fragment of its query. */
  private static org.hamcrest.Matcher<Call> call(String method, String path, String queryPart) {
    return new org.hamcrest.TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(Call c) {
        return c.method().equals(method) && c.path().equals(path) && c.query() != null && c.query().contains(queryPart);
      }

      @Override
      public void describeTo(org.hamcrest.Description d) {
        d.appendText(method + " " + path + "?..." + queryPart + "...");
      }
    };
  }

  /** Every call came from 127.0.0.1, none was unimplemented, and the JVM connected nowhere else. */
  private void assertOnlyLoopback() {
    assertThat(gcs.log(), gcs.remoteAddresses(), equalTo(Set.of("127.0.0.1")));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
    assertThat(connections.targets(), equalTo(Set.of("http://127.0.0.1:" + gcs.port())));
  }

  /** What every run leaves in its _runs/<run id>/ folder: the HTML and JSON reports and its log. */
  private static List<String> runFiles(String runDir) {
    return List.of(runDir + "run-report.html", runDir + "run-report.json", runDir + "run.log");
  }
}
