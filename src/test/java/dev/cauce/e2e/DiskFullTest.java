package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.fault.FaultPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * A full disk, without filling one: {@code CAUCE_NO_SPACE_AT} makes a staging write and the run
 * report's write fail as ENOSPC does. The run says where and how much is free, removes its partial
 * staging (unless {@code --keepFailedStaging}), never leaves a partial report in place of a good one,
 * and the next run succeeds.
 */
public class DiskFullTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300); // a safety net: the tests wait on exits

  private static CauceProcess run(Path work, Path spec, Path out, String runId, String noSpaceAt, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--runner=DirectRunner", "--spec=" + spec,
        "--stateStore=" + out.resolveSibling(out.getFileName() + "-state"), "--output=" + out, "--runId=" + runId));
    args.addAll(List.of(more));
    CauceProcess p = CauceProcess.start(work, Map.of(FaultPoints.NO_SPACE_ENV, noSpaceAt), args);
    p.exitCode();
    return p;
  }

  private static List<String> files(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
    }
  }

  @Test
  public void noSpaceWhileStagingSaysWhereRemovesTheStagingAndKeepsThePreviousReportWhole() throws Exception {
    FaultSuite.Prepared o = FaultSuite.overwriteOutput(tmp.getRoot().toPath());
    Path out = o.out();
    Path report = out.resolve("_runs/prev/run-report.json");
    byte[] before = Files.readAllBytes(report);
    assertThat(JSON.readTree(before).get("status").asText(), equalTo("SUCCEEDED"));

    // the run id used again: its report would replace the good one, and the disk is full when it is written
    long t0 = System.nanoTime();
    CauceProcess p = run(o.work(), o.spec(), out, "prev", "write:staging,atomic:run-report.json");
    long millis = FaultSuite.millisSince(t0);
    assertThat(FaultSuite.describe(p), p.exitCode(), equalTo(1));
    String staging = out + "/_staging/prev/";
    assertThat(p.stderr(), matchesPattern("(?s).*\ncauce: run prev FAILED: no space left on " + Pattern.quote(staging)
        + ": [0-9.]+ (bytes|KB|MB|GB|TB) free; the job failed: IOException: No space left on device \\(CAUCE_NO_SPACE_AT=write:staging\\);"
        + " its partial staging " + Pattern.quote(staging) + " was removed \\(--keepFailedStaging keeps it\\)\nNothing was published.\n.*"));
    assertThat(p.stderr(), containsString("cauce: could not write the run report to " + out + "/_runs/prev/: no space left on "
        + out + "/_runs/prev/: "));
    assertThat("the previous report, whole", Files.readAllBytes(report), equalTo(before));
    assertThat(files(out.resolve("_runs/prev")), equalTo(List.of("run-report.html", "run-report.json", "run.log")));
    assertThat("partial staging removed", files(out.resolve("_staging")), equalTo(List.of()));
    assertThat(FaultSuite.live(out), equalTo(o.previous()));
    JsonNode record = JSON.readTree(out.resolveSibling("out-state/runs/faults/prev.json").toFile());
    assertThat(record.get("status").asText(), equalTo("FAILED"));
    assertThat(record.get("error").asText(), startsWith("no space left on " + staging + ": "));

    long t1 = System.nanoTime();
    try (CauceProcess next = FaultSuite.run(o.work(), o.spec(), out, "run-3")) {
      assertThat(FaultSuite.describe(next), next.exitCode(), equalTo(0));
    }
    assertThat(FaultSuite.live(out), equalTo(o.reference()));
    FaultSuite.assertOnlyCommittedFiles(out);
    o.ws().figure("no space while staging (and while writing the report): exit 1 in %d ms naming %s and the bytes free; partial"
        + " staging removed (0 files left); the previous run-report.json (%d bytes) byte for byte intact; the next run exit 0"
        + " in %d ms: 180/20 = reference", millis, staging, before.length, FaultSuite.millisSince(t1));
  }

  @Test
  public void keepFailedStagingKeepsThePartialStagingOfARunWithNoSpace() throws Exception {
    FaultSuite.Prepared o = FaultSuite.overwriteOutput(tmp.getRoot().toPath());
    Path out = o.out();
    CauceProcess p = run(o.work(), o.spec(), out, "run-2", "write:staging", "--keepFailedStaging");
    assertThat(FaultSuite.describe(p), p.exitCode(), equalTo(1));
    String staging = out + "/_staging/run-2/";
    assertThat(p.stderr(), containsString("\nNothing was published. Staging output (if any) is kept at " + staging + "\n"));
    List<String> kept = files(out.resolve("_staging/run-2"));
    assertThat("partial staging kept: " + kept, kept.isEmpty(), equalTo(false));
    JsonNode report = JSON.readTree(out.resolve("_runs/run-2/run-report.json").toFile());
    assertThat(report.get("status").asText(), equalTo("FAILED"));
    assertThat(report.get("error").asText(), startsWith("no space left on " + staging + ": "));
    assertThat(report.at("/outputs/staging_kept").asText(), equalTo(staging));
    assertThat(FaultSuite.live(out), equalTo(o.previous()));
    o.ws().figure("no space while staging with --keepFailedStaging: exit 1, %d partial staging file(s) kept, report FAILED"
        + " naming the staging folder", kept.size());
  }
}
