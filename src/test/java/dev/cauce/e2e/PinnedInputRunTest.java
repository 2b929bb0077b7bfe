package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Inputs are pinned, seen from outside on local files: an input that changes between the plan (the
 * driver's match) and the job's read fails the run with exit 1 and leaves the published data as it
 * was. (On gs://, {@code dev.cauce.gcs.GcsPinnedInputTest} changes and deletes objects at that moment.)
 */
public class PinnedInputRunTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void anInputRewrittenBetweenThePlanAndTheReadFailsTheRunAndThePublishedDataStays() throws IOException {
    Path root = tmp.getRoot().toPath();
    Path in = tmp.newFolder("in").toPath();
    Path out = root.resolve("out");
    Files.writeString(in.resolve("a.jsonl"), "{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
    Path spec = root.resolve("pin.yaml");
    Files.writeString(spec, """
        name: pin
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
        sinks:
          - {name: rows, format: jsonl}
        """.formatted(in));
    CauceRun first = CauceRun.run(out, "pin-1", "--spec=" + spec);
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    List<String> published = published(out);

    // The input is the first run's own record in the local state store: a run with the same id
    // rewrites it when it starts, after it matched (pinned) its inputs and before the job reads them,
    // so the file changes at exactly that moment without any hook in cauce.
    Path runRecord = root.resolve("cauce-state").resolve("runs").resolve("pin").resolve("pin-1.json");
    assertThat(Files.exists(runRecord), equalTo(true));
    CauceRun changed = CauceRun.run(out, "pin-1", "--spec=" + spec, "--input=" + runRecord);

    assertThat(changed.toString(), changed.code, equalTo(ExitCode.FAILED));
    assertThat(changed.stderr, containsString(
        "cauce: run pin-1 FAILED: the job failed: PinnedInputException: input " + runRecord + " changed during the run: "));
    assertThat(changed.stderr, containsString(" (pinned when the run was planned); nothing was published\n"));
    assertThat(changed.stderr, containsString("Nothing was published."));
    assertThat(changed.report().get("status").asText(), equalTo("FAILED"));
    assertThat(published(out), equalTo(published));
  }

  /** The published manifests of the dataset and the dead letter, then the dataset's lines. */
  private static List<String> published(Path out) throws IOException {
    List<String> all = new ArrayList<>();
    all.add(Files.readString(out.resolve("rows").resolve("_MANIFEST.json")));
    all.add(Files.readString(out.resolve("rejected").resolve("_MANIFEST.json")));
    all.addAll(CauceRun.published(out.resolve("rows")));
    return all;
  }
}
