package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Commit.SinkFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import dev.cauce.fault.FaultPoints;
import dev.cauce.gcs.FakeGcsServer;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * Kills a real publishing JVM ({@link PublishCrashMain}, SIGKILL) at every step of a publish and
 * checks what is left: the live dataset (every sink's and the dead letter's rows, read through the
 * commit, and the ledger) is exactly the previous commit's before the commit step and exactly the
 * new one's after it; recovery leaves no unlisted data file, staging, temporary commit or stale
 * manifest; and the next run (choosing its inputs from the live ledger, as the driver does) gives
 * exactly the reference result of an uninterrupted pair of runs. With overwrite and with append
 * sinks, for an output's first publish, and in a {@code gs://} bucket ({@link FakeGcsServer}, the
 * killed JVM talking to it over loopback).
 */
@RunWith(Parameterized.class)
public class PublishCrashTest {
  private static final List<String> COMMITTED = List.of("publish:committed", "publish:cleaned");
  private static final List<String> IN_1 = List.of("in-1");
  private static final List<String> BOTH = List.of("in-1", "in-2");

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(180); // a safety net: the test waits on the pause line

  @Parameters(name = "{0} killed at {1}{2}")
  public static List<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (WriteMode mode : WriteMode.values()) {
      for (String step : List.of("publish:before-move", "publish:moved:orders", "publish:moved:orders_csv",
          "publish:moved:rejected", "publish:moved-all", "publish:commit-temp", "publish:committed", "publish:cleaned")) {
        cases.add(new Object[] {mode, step, ""});
      }
    }
    cases.add(new Object[] {WriteMode.APPEND, "publish:moved-all", FIRST});
    cases.add(new Object[] {WriteMode.OVERWRITE, "publish:committed", FIRST});
    cases.add(new Object[] {WriteMode.APPEND, "publish:moved:orders", GCS});
    cases.add(new Object[] {WriteMode.OVERWRITE, "publish:moved-all", GCS});
    cases.add(new Object[] {WriteMode.APPEND, "publish:committed", GCS});
    for (String step : List.of("publish:moved-all", "publish:participant-committed", "publish:committed")) {
      cases.add(new Object[] {WriteMode.OVERWRITE, step, PARTICIPANT});
    }
    cases.add(new Object[] {WriteMode.APPEND, "publish:participant-committed", PARTICIPANT});
    return cases;
  }

  /** The publish has a participant (as PostgreSQL tables are): killed after it committed, recovery makes the commit. */
  private static final String PARTICIPANT = " (with a participant)";

  private static final String FIRST = " (first publish)";
  private static final String GCS = " (gs://)";

  private final WriteMode mode;
  private final String step;
  private final boolean first;
  private final boolean gs;
  private FakeGcsServer gcs;
  private PipelineOptions options;
  private final List<String> beamArgs = new ArrayList<>();

  public PublishCrashTest(WriteMode mode, String step, String variant) {
    this.mode = mode;
    this.step = step;
    this.first = variant.equals(FIRST);
    this.gs = variant.equals(GCS);
    this.participant = variant.equals(PARTICIPANT);
  }

  private final boolean participant;

  @Before
  public void startGcs() throws IOException {
    markers("markers-reference");
    if (gs) {
      gcs = FakeGcsServer.start();
      gcs.createBucket("bucket");
      beamArgs.addAll(gcs.beamArgs());
      options = PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new)).create();
      FileSystems.setDefaultPipelineOptions(options);
    }
  }

  @After
  public void stopGcs() {
    System.clearProperty(PublishCrashMain.PARTICIPANT);
    if (gcs != null) {
      assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
      gcs.close();
    }
  }

  /** With a participant: its markers from now on in a new folder {@code name} (one per output, as run ids repeat). */
  private void markers(String name) throws IOException {
    if (participant) {
      System.setProperty(PublishCrashMain.PARTICIPANT, tmp.newFolder(name).toString());
    }
  }

  /** A new output folder: local, or in the fake bucket. */
  private String folder(String name) throws IOException {
    return gs ? "gs://bucket/" + name : tmp.newFolder(name).toPath().toString();
  }

  @Test
  public void theLiveDatasetIsThePreviousOrTheNewOneAndARerunGivesTheReference() throws Exception {
    String reference = folder("reference");
    Map<String, List<String>> empty = live(reference);
    if (!first) {
      PublishCrashMain.run(reference, "r1", mode, IN_1, options);
    }
    Map<String, List<String>> previous = live(reference);
    PublishCrashMain.run(reference, "r2", mode, BOTH, options);
    Map<String, List<String>> next = live(reference);

    String out = folder("out");
    markers("markers");
    if (!first) {
      PublishCrashMain.run(out, "r1", mode, IN_1, options);
    }
    assertThat(live(out), equalTo(first ? empty : previous));

    killAt(out, "r2");
    boolean committed = COMMITTED.contains(step);
    Map<String, List<String>> crashed = live(out);
    assertThat("live after a kill at " + step, crashed, equalTo(committed ? next : previous));

    // the participant committed: recovery makes the files' commit; otherwise it changes nothing live
    boolean decided = committed || (participant && step.equals("publish:participant-committed"));
    new Publisher(options).recover(out, PublishCrashMain.OWNER, null, participant
        ? new MarkerParticipant(Path.of(System.getProperty(PublishCrashMain.PARTICIPANT))) : null);
    assertThat("live after recovery", live(out), equalTo(decided ? next : previous));
    assertTidy(out);

    String rerun = PublishCrashMain.run(out, "r3", mode, BOTH, options);
    assertThat(rerun, decided ? equalTo("nothing new") : startsWith("published"));
    assertThat(live(out), equalTo(next));
    assertTidy(out);
  }

  /** Runs {@link PublishCrashMain} in a JVM paused at {@link #step}, and kills it there. */
  private void killAt(String out, String runId) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-D" + PublishCrashMain.PARTICIPANT + "=" + System.getProperty(PublishCrashMain.PARTICIPANT, ""),
        "-cp", System.getProperty("java.class.path"), PublishCrashMain.class.getName(),
        out, runId, mode.name(), String.join(",", BOTH)));
    command.addAll(beamArgs);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put(FaultPoints.ENV, step);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    List<String> seen = new ArrayList<>();
    try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null && !line.equals("cauce: paused at " + step)) {
        seen.add(line);
      }
      assertThat("the publish reached " + step + "; it printed " + seen, line, equalTo("cauce: paused at " + step));
      p.destroyForcibly(); // SIGKILL
      p.waitFor();
    } finally {
      p.destroyForcibly();
    }
  }

  /** Every sink's and the dead letter's rows (sorted: a multiset) and the ledger's inputs, read through the commit. */
  private static Map<String, List<String>> live(String out) throws IOException {
    Map<String, List<String>> rows = new TreeMap<>();
    for (String sink : PublishCrashMain.SINKS) {
      rows.put(sink, Publisher.readPublishedLines(Layout.published(out, sink).toString()).stream().sorted().toList());
    }
    rows.put("ledger", LiveOutput.read(out).ledger().stream().map(i -> i.path()).sorted().toList());
    return rows;
  }

  /** No data file the commit does not list, no staging, no temporary commit; every manifest repeats the commit. */
  private static void assertTidy(String out) throws IOException {
    Commit commit = LiveOutput.read(out).commit().orElse(null);
    if (commit == null) { // nothing was ever committed: no data file at all
      for (String sink : PublishCrashMain.SINKS) {
        assertThat(sink, Publisher.dataFiles(Layout.published(out, sink)), empty());
      }
    }
    for (SinkFiles s : commit == null ? List.<SinkFiles>of() : commit.sinks()) {
      List<String> files = new ArrayList<>();
      for (ResourceId f : Publisher.dataFiles(Layout.published(out, s.name()))) {
        files.add(f.getFilename());
      }
      assertThat(s.name() + ": data files", files, containsInAnyOrder(s.files().toArray()));
      assertThat(Manifest.read(Layout.published(out, s.name())).orElseThrow(),
          equalTo(new Manifest(commit.runId(), commit.committedAt(), s.mode(), s.files())));
    }
    List<String> left = new ArrayList<>();
    for (String glob : List.of(Layout.STAGING + "/**", Layout.COMMIT + ".tmp-*")) {
      MatchResult m = FileSystems.match(Layout.dir(out) + glob, EmptyMatchTreatment.ALLOW);
      if (m.status() == MatchResult.Status.OK) {
        m.metadata().forEach(f -> left.add(f.resourceId().toString()));
      }
    }
    assertThat("staging or a temporary commit left", left, empty());
    if (!out.startsWith("gs://")) {
      try (Stream<Path> staging = Files.list(Files.createDirectories(Path.of(out, Layout.STAGING)))) {
        assertThat("staging folders left", staging.toList(), empty());
      }
    }
  }
}
