package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.ExitCode;
import dev.cauce.e2e.FaultSuite.Live;
import dev.cauce.write.Commit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Fault suite, the run's own faults against the real driver: an input deleted or rewritten while it
 * is read (cauce in a JVM of its own, paused at {@code read:opened}), two pipelines with one output
 * folder, a replay of fixed dead-letter records, and a run that rejects every record with no
 * quality limits. Each checks the live dataset (row multisets through the commit) and the ledger
 * exactly, and where the run failed, that a re-run gives exactly the reference.
 */
public class FaultSuiteTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300); // a safety net: the tests wait on pause lines and exits

  /** Own inputs (this test changes in-2), the append spec over them, and the output holding in-1. */
  private record Changing(Path work, Path spec, Path in1, Path in2, Path out, Live previous) {}

  private Changing changing() throws Exception {
    Path work = tmp.getRoot().toPath();
    Path in = work.resolve("in");
    Path in1 = FaultSuite.input(in, "in-1", FaultSuite.RECORDS_PER_INPUT);
    Path in2 = FaultSuite.input(in, "in-2", FaultSuite.RECORDS_PER_INPUT);
    Path spec = FaultSuite.spec(work, "faults-append", in, "append", null);
    Path out = work.resolve("out");
    CauceRun first = CauceRun.run(out, "prev", "--spec=" + spec, "--input=" + in1);
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    Live previous = FaultSuite.live(out);
    FaultSuite.assertSizes(previous, 90, 10);
    return new Changing(work, spec, in1, in2, out, previous);
  }

  /** Runs the spec paused at read:opened (only in-2 is new), lets {@code change} act, resumes; returns the ended process. */
  private static CauceProcess changedWhileRead(Changing c, ThrowingRunnable change) throws Exception {
    try (CauceProcess p = FaultSuite.start(c.work(), c.spec(), c.out(), "run-2", "read:opened")) {
      p.awaitPause("read:opened");
      change.run();
      p.resume();
      p.exitCode();
      return p;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  public void anInputDeletedWhileItIsReadFailsTheRunAndPublishesNothing() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("append");
    Changing c = changing();
    String content = Files.readString(c.in2());

    long t0 = System.nanoTime();
    CauceProcess run = changedWhileRead(c, () -> Files.delete(c.in2()));
    assertThat(FaultSuite.describe(run), run.exitCode(), equalTo(1));
    assertThat(run.stderr(), containsString("cauce: run run-2 FAILED: the job failed: PinnedInputException: input " + c.in2()
        + " disappeared during the run (pinned when the run was planned: "));
    assertThat(FaultSuite.live(c.out()), equalTo(c.previous()));
    assertThat(FaultSuite.live(c.out()).ledger(), equalTo(FaultSuite.ledgerOf(c.in1())));
    long failedMillis = FaultSuite.millisSince(t0);

    Files.writeString(c.in2(), content, StandardCharsets.UTF_8); // put back: a re-run reads it
    long t1 = System.nanoTime();
    try (CauceProcess rerun = FaultSuite.run(c.work(), c.spec(), c.out(), "run-3")) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
    }
    Live again = FaultSuite.live(c.out());
    assertThat(again.rows(), equalTo(reference.rows()));
    assertThat(again.ledger(), equalTo(FaultSuite.ledgerOf(c.in1(), c.in2())));
    FaultSuite.assertOnlyCommittedFiles(c.out());
    ws.figure("input deleted while read: exit 1 in %d ms naming %s; live rows/rejected 90/10 and ledger in-1 unchanged;"
        + " put back, re-run exit 0 in %d ms: rows/rejected %d/%d = reference", failedMillis, c.in2().getFileName(),
        FaultSuite.millisSince(t1), again.count("rows"), again.count("rejected"));
  }

  @Test
  public void anInputRewrittenWithTheSameSizeWhileItIsReadFailsTheRunAndPublishesNothing() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("append");
    Changing c = changing();
    String content = Files.readString(c.in2());
    String rewritten = content.replace("{\"id\":\"in-2-0\",\"amount\":\"0.50\"}", "{\"id\":\"in-2-0\",\"amount\":\"7.50\"}");
    assertThat(rewritten.length(), equalTo(content.length()));
    long size = Files.size(c.in2());

    long t0 = System.nanoTime();
    CauceProcess run = changedWhileRead(c, () -> Files.writeString(c.in2(), rewritten, StandardCharsets.UTF_8)); // in place
    assertThat(Files.size(c.in2()), equalTo(size));
    assertThat(FaultSuite.describe(run), run.exitCode(), equalTo(1));
    assertThat(run.stderr(), containsString("cauce: run run-2 FAILED: the job failed: PinnedInputException: input " + c.in2()
        + " changed during the run: "));
    assertThat(FaultSuite.live(c.out()), equalTo(c.previous()));
    long failedMillis = FaultSuite.millisSince(t0);

    // the re-run reads in-2 as it is now: the reference with in-2-0's new amount
    long t1 = System.nanoTime();
    try (CauceProcess rerun = FaultSuite.run(c.work(), c.spec(), c.out(), "run-3")) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
    }
    Map<String, List<String>> want = new TreeMap<>(reference.rows());
    want.put("rows", replaced(want.get("rows"), "{\"id\":\"in-2-0\",\"amount\":0.50}", "{\"id\":\"in-2-0\",\"amount\":7.50}"));
    want.put("rows_csv", replaced(want.get("rows_csv"), "in-2-0,0.50", "in-2-0,7.50"));
    Live again = FaultSuite.live(c.out());
    assertThat(again.rows(), equalTo(want));
    assertThat(again.ledger(), equalTo(FaultSuite.ledgerOf(c.in1(), c.in2())));
    FaultSuite.assertOnlyCommittedFiles(c.out());
    ws.figure("input rewritten (same size, %d bytes) while read: exit 1 in %d ms naming %s; live 90/10 and ledger in-1 unchanged;"
        + " re-run exit 0 in %d ms: rows/rejected %d/%d = reference with the rewritten row", size, failedMillis,
        c.in2().getFileName(), FaultSuite.millisSince(t1), again.count("rows"), again.count("rejected"));
  }

  /** {@code lines} with {@code from} (which must be there once) replaced by {@code to}, sorted. */
  private static List<String> replaced(List<String> lines, String from, String to) {
    assertThat(lines, hasItem(from));
    List<String> out = new ArrayList<>(lines);
    out.set(out.indexOf(from), to);
    out.sort(null);
    return out;
  }

  @Test
  public void aSecondPipelineIsRefusedTheFirstOnesOutputFolder() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    Live previous = ws.previousInto("overwrite", out);
    Commit before = FaultSuite.commit(out);
    Path other = work.resolve("other.yaml");
    Files.writeString(other, Files.readString(ws.spec("overwrite")).replace("name: faults\n", "name: other\n"));

    CauceRun second = CauceRun.run(out, "other-1", "--spec=" + other);
    assertThat(second.toString(), second.code, equalTo(ExitCode.USAGE));
    assertThat(second.stderr, containsString("the output folder " + out + "/ belongs to pipeline faults (its _COMMIT.json,"
        + " last committed by run prev); pipeline other cannot write into it"));
    assertThat(FaultSuite.live(out), equalTo(previous));
    assertThat(FaultSuite.commit(out), equalTo(before));
    FaultSuite.assertOnlyCommittedFiles(out);
    ws.figure("second pipeline into the folder of pipeline faults: exit 2 naming the owner; live rows/rejected %d/%d,"
        + " commit sequence %d unchanged", previous.count("rows"), previous.count("rejected"), before.sequence());
  }

  /**
   * An orchestrator that starts a run again with the same run id while the first process still
   * runs (a retry after a timeout): the second is refused the lock, so it cannot roll back the
   * first one's publish under its feet, and the first one publishes exactly its result.
   */
  @Test
  public void aSecondProcessWithTheSameRunIdIsRefusedWhileTheFirstOnePublishes() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference("overwrite");
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    ws.previousInto("overwrite", out);

    String step = "publish:moved-all"; // every file moved into place, the commit not yet replaced
    try (CauceProcess first = FaultSuite.start(work, ws.spec("overwrite"), out, "run-2", step)) {
      first.awaitPause(step);
      try (CauceProcess second = FaultSuite.run(work, ws.spec("overwrite"), out, "run-2")) {
        assertThat(FaultSuite.describe(second), second.exitCode(), equalTo(2));
        assertThat(second.stderr(), containsString("cauce: pipeline faults is already running: run run-2 (pid "));
      }
      first.resume();
      assertThat(FaultSuite.describe(first), first.exitCode(), equalTo(0));
    }
    assertThat(FaultSuite.live(out), equalTo(reference));
    FaultSuite.assertOnlyCommittedFiles(out);
    ws.figure("the same run id started again while the first process paused at %s: the second exit 2 (lock held);"
        + " the first resumed: exit 0, rows/rejected 180/20 = reference", step);
  }

  /** An output holding in-1 (overwrite), a file of 4 of its dead-letter records edited, and what a replay of it must give. */
  private record Replay(Path out, Live previous, Path fixedFile, Map<String, List<String>> want, List<String> ledger) {}

  private Replay replay() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    Live previous = ws.previousInto("overwrite", out);
    List<String> deadLetter = new ArrayList<>();
    for (String f : dev.cauce.write.LiveOutput.read(out.toString()).files("rejected")) {
      deadLetter.addAll(Files.readAllLines(Path.of(f), StandardCharsets.UTF_8));
    }
    assertThat(deadLetter.size(), equalTo(10));

    // in-1-9, in-1-19 and in-1-29 fixed; in-1-39 "fixed" to another negative amount: it fails again
    Map<String, String> fixes = Map.of("in-1-9", "9.50", "in-1-19", "19.50", "in-1-29", "29.50", "in-1-39", "-2");
    List<String> fixed = new ArrayList<>();
    List<String> rejections = new ArrayList<>(); // the live dead letter after the replay
    for (String line : deadLetter) {
      ObjectNode r = (ObjectNode) JSON.readTree(line);
      String id = JSON.readTree(r.get("raw").asText()).get("id").asText();
      if (!fixes.containsKey(id)) {
        rejections.add(line);
        continue;
      }
      r.put("raw", "{\"id\":\"" + id + "\",\"amount\":\"" + fixes.get(id) + "\"}");
      fixed.add(r.toString());
      if (id.equals("in-1-39")) {
        r.put("message", "amount must be >= 0, was -2");
        ((ObjectNode) r.get("errors").get(0)).put("message", "amount must be >= 0, was -2");
        rejections.add(r.toString());
      }
    }
    assertThat(fixed.size(), equalTo(4));
    Path fixedFile = work.resolve("rejected-fixed.jsonl");
    Files.write(fixedFile, fixed, StandardCharsets.UTF_8);

    Map<String, List<String>> want = new TreeMap<>();
    want.put("rows", sorted(previous.rows().get("rows"),
        List.of("{\"id\":\"in-1-9\",\"amount\":9.50}", "{\"id\":\"in-1-19\",\"amount\":19.50}", "{\"id\":\"in-1-29\",\"amount\":29.50}")));
    want.put("rows_csv", sorted(previous.rows().get("rows_csv"), List.of("in-1-9,9.50", "in-1-19,19.50", "in-1-29,29.50")));
    want.put("rejected", FaultSuite.normalized(rejections));
    List<String> ledger = sorted(previous.ledger(), FaultSuite.ledgerOf(fixedFile)); // so that it is not replayed twice
    return new Replay(out, previous, fixedFile, want, ledger);
  }

  private static void assertReplayed(Replay r) throws Exception {
    Live after = FaultSuite.live(r.out());
    assertThat(after.rows(), equalTo(r.want()));
    assertThat(after.ledger(), equalTo(r.ledger()));
    FaultSuite.assertRecordsMatch(r.out(), after);
    FaultSuite.assertOnlyCommittedFiles(r.out());
  }

  @Test
  public void aReplayAddsTheFixedRecordsAndTakesThemOutOfTheDeadLetter() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Replay r = replay();
    CauceRun replay = CauceRun.run(r.out(), "replay-1", "--spec=" + ws.spec("overwrite"), "--replay=" + r.fixedFile());
    assertThat(replay.toString(), replay.code, equalTo(ExitCode.OK));
    assertReplayed(r);

    Live after = FaultSuite.live(r.out());
    CauceRun again = CauceRun.run(r.out(), "replay-2", "--spec=" + ws.spec("overwrite"), "--replay=" + r.fixedFile());
    assertThat(again.toString(), again.code, equalTo(ExitCode.OK));
    assertThat(again.stdout, containsString("already replayed"));
    assertThat(FaultSuite.live(r.out()), equalTo(after));
    ws.figure("replay of 4 fixed dead-letter records (overwrite spec): exit 0; rows %d -> %d (+3 fixed), rejected %d -> %d"
            + " (-4 replayed, +1 failing again); ledger + the replayed file; the same replay again: exit 0, skipped, live unchanged",
        r.previous().count("rows"), after.count("rows"), r.previous().count("rejected"), after.count("rejected"));
  }

  @Test
  public void aReplayKilledAfterItRewroteTheDeadLetterLeavesItAsItWasAndItsRerunAppliesOnce() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Replay r = replay();
    Path work = tmp.getRoot().toPath();
    String step = "publish:moved:rejected"; // the dead letter's kept records are rewritten into new files, not yet committed
    try (CauceProcess killed = FaultSuite.start(work, ws.spec("overwrite"), r.out(), "replay-1", step, "--replay=" + r.fixedFile())) {
      killed.awaitPause(step);
      killed.kill();
    }
    assertThat(FaultSuite.live(r.out()), equalTo(r.previous()));

    long t0 = System.nanoTime();
    try (CauceProcess rerun = FaultSuite.run(work, ws.spec("overwrite"), r.out(), "replay-2", "--replay=" + r.fixedFile())) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
    }
    assertReplayed(r);
    ws.figure("replay killed at %s: exit 137, live rows/rejected %d/%d unchanged; re-run exit 0 in %d ms: rows %d, rejected %d,"
            + " exactly as an uninterrupted replay", step, r.previous().count("rows"), r.previous().count("rejected"),
        FaultSuite.millisSince(t0), r.want().get("rows").size(), r.want().get("rejected").size());
  }

  private static List<String> sorted(List<String> lines, List<String> more) {
    List<String> all = new ArrayList<>(lines);
    all.addAll(more);
    all.sort(null);
    return all;
  }

  @Test
  public void aRunThatRejectsEveryRecordIsRefusedUnlessTheSpecAllowsAnEmptyDataset() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    Live previous = ws.previousInto("overwrite", out);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      b.append("{\"id\":\"bad-").append(i).append("\",\"amount\":\"-").append(i + 1).append("\"}\n");
    }
    Path bad = work.resolve("bad").resolve("bad.jsonl");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, b, StandardCharsets.UTF_8);

    CauceRun refused = CauceRun.run(out, "bad-1", "--spec=" + ws.spec("overwrite"), "--input=" + bad);
    assertThat(refused.toString(), refused.code, equalTo(ExitCode.REFUSED));
    assertThat(refused.stdout, containsString("every record read was rejected (20 of 20); the spec sets no quality limits"));
    assertThat(FaultSuite.live(out), equalTo(previous));

    Path allowing = FaultSuite.spec(work, "allowing", ws.inputs(), "overwrite", "quality: {allow_empty: true}");
    CauceRun allowed = CauceRun.run(out, "bad-2", "--spec=" + allowing, "--input=" + bad);
    assertThat(allowed.toString(), allowed.code, equalTo(ExitCode.OK));
    Live after = FaultSuite.live(out);
    assertThat(after.count("rows"), equalTo(0));
    assertThat(after.count("rejected"), equalTo(20));
    assertThat(after.ledger(), equalTo(FaultSuite.ledgerOf(bad)));
    FaultSuite.assertRecordsMatch(out, after);
    FaultSuite.assertOnlyCommittedFiles(out, "bad-1");
    ws.figure("every record rejected (20 of 20), no quality limits: exit 3, live rows/rejected %d/%d unchanged;"
            + " with quality.allow_empty: exit 0, rows %d, rejected %d", previous.count("rows"), previous.count("rejected"),
        after.count("rows"), after.count("rejected"));
  }
}
