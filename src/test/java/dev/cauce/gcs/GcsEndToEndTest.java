package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
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

  private FakeGcsServer gcs;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket(BUCKET);
  }

  @Rule public final TestName name = new TestName();

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
    expected.add("out/orders/_runs/gcs-1/run-report.json");
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

  // ------------------------------------------------------------------ failures before the job

  @Test
  public void aGlobMatchingNoObjectExitsWith2BeforeTheJob() {
    gcs.putObject(BUCKET, "in/a.jsonl", "{}\n");
    GcsRun run = GcsRun.run(gcs, "--spec=pipelines/orders.yaml", "--input=gs://bucket/nothing/*.jsonl",
        "--output=gs://bucket/out", "--runId=missing-1");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("no input files match \"gs://bucket/nothing/*.jsonl\""));
    assertThat(gcs.list(BUCKET, "out/"), empty());
    assertThat(gcs.log(), gcs.calls().size(), equalTo(1));
    assertThat(gcs.log(), gcs.calls().get(0), call("GET", "/storage/v1/b/bucket/o", "prefix=nothing/"));
    assertOnlyLoopback();
  }

  // ------------------------------------------------------------------ helpers

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
      Path copy = tmp.newFile().toPath();
      Files.write(copy, gcs.bytes(BUCKET, prefix + "orders_parquet/" + f));
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(copy.toUri()), new Configuration())).build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          parquetKeys.add(r.get("order_id").toString());
        }
      }
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
}
