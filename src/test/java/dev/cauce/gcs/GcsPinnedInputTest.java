package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Inputs are pinned, end to end through {@code Cauce.run} on {@code gs://}: an object replaced or
 * deleted between the plan (the driver's match) and the job's read of it fails the run with exit 1,
 * naming the object, publishes nothing and ledgers nothing, so the next run reads it. The change is
 * made by the {@link FakeGcsServer} just before it answers the job's first download of the object.
 */
public class GcsPinnedInputTest {
  private static final String BUCKET = "bucket";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private FakeGcsServer gcs;
  private Path spec;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket(BUCKET);
    spec = tmp.getRoot().toPath().resolve("pin.yaml");
    Files.writeString(spec, """
        name: pin
        source: {path: "gs://bucket/in/*.jsonl", format: jsonl}
        schema:
          - {name: id, type: string, required: true}
        output: gs://bucket/out
        sinks:
          - {name: rows, format: jsonl}
        """);
  }

  @After
  public void stop() {
    gcs.close();
  }

  @Test
  public void anInputRewrittenAsTheJobReadsItFailsTheRunAndThePublishedDataStays() throws IOException {
    gcs.putObject(BUCKET, "in/a.jsonl", "{\"id\":\"a1\"}\n{\"id\":\"a2\"}\n");
    GcsRun first = GcsRun.run(gcs, "--spec=" + spec, "--runId=pin-1");
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    Map<String, String> published = published();

    gcs.putObject(BUCKET, "in/b.jsonl", "{\"id\":\"b1\"}\n");
    gcs.beforeFirstDownload(BUCKET, "in/b.jsonl", () -> gcs.putObject(BUCKET, "in/b.jsonl", "{\"id\":\"b1\"}\n{\"id\":\"b2\"}\n"));
    GcsRun changed = GcsRun.run(gcs, "--spec=" + spec, "--runId=pin-2");

    assertThat(changed.toString(), changed.code, equalTo(ExitCode.FAILED));
    assertThat(changed.stderr, containsString("cauce: run pin-2 FAILED: the job failed: PinnedInputException: "
        + "input gs://bucket/in/b.jsonl changed during the run: size 12 -> 24 bytes, "));
    assertThat(changed.stderr, containsString("(pinned when the run was planned); nothing was published"));
    assertThat("same objects, same generations", published(), equalTo(published));
    JsonNode report = GcsRun.json(gcs, BUCKET, "out/_runs/pin-2/run-report.json");
    assertThat(report.get("status").asText(), equalTo("FAILED"));
    assertThat(report.get("error").asText(), containsString("input gs://bucket/in/b.jsonl changed during the run"));

    GcsRun rerun = GcsRun.run(gcs, "--spec=" + spec, "--runId=pin-3");
    assertThat(rerun.toString(), rerun.code, equalTo(ExitCode.OK));
    assertThat("the failed run ledgered nothing", rerun.stdout, not(containsString("nothing new to ingest")));
    assertThat(sorted(GcsRun.published(gcs, BUCKET, "out/rows/")),
        equalTo(List.of("{\"id\":\"a1\"}", "{\"id\":\"a2\"}", "{\"id\":\"b1\"}", "{\"id\":\"b2\"}")));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  @Test
  public void anInputDeletedAsTheJobReadsItFailsTheRunAndPublishesNothing() throws IOException {
    gcs.putObject(BUCKET, "in/a.jsonl", "{\"id\":\"a1\"}\n");
    gcs.putObject(BUCKET, "in/b.jsonl", "{\"id\":\"b1\"}\n");
    gcs.beforeFirstDownload(BUCKET, "in/b.jsonl", () -> gcs.deleteObject(BUCKET, "in/b.jsonl"));

    GcsRun gone = GcsRun.run(gcs, "--spec=" + spec, "--runId=gone-1");

    assertThat(gone.toString(), gone.code, equalTo(ExitCode.FAILED));
    assertThat(gone.stderr, containsString("input gs://bucket/in/b.jsonl disappeared during the run (pinned when the run was planned: 12 bytes, modified "));
    assertThat(gone.stderr, containsString("Nothing was published."));
    assertThat(gcs.list(BUCKET, "out/rows/"), empty());
    assertThat(gcs.list(BUCKET, "out/rejected/"), empty());

    gcs.putObject(BUCKET, "in/b.jsonl", "{\"id\":\"b1\"}\n");
    GcsRun rerun = GcsRun.run(gcs, "--spec=" + spec, "--runId=gone-2");
    assertThat(rerun.toString(), rerun.code, equalTo(ExitCode.OK));
    assertThat(sorted(GcsRun.published(gcs, BUCKET, "out/rows/")), equalTo(List.of("{\"id\":\"a1\"}", "{\"id\":\"b1\"}")));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  /** Every published object (not the run reports or staging): name → generation and content. */
  private Map<String, String> published() {
    Map<String, String> m = new TreeMap<>(gcs.snapshot(BUCKET, "out/rows/"));
    m.putAll(gcs.snapshot(BUCKET, "out/rejected/"));
    assertThat(m.isEmpty(), equalTo(false));
    return m;
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }
}
