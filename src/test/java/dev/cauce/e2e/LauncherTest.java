package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.Cauce;
import dev.cauce.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code runners/cauce} as a real process started from a directory outside the project: cauce's exit
 * codes come through unchanged (0, 99 with --nothingNewExitCode, 2 for a bad spec, 3 for a quality
 * refusal), and a spec with relative paths gives the same output as a run from the repository.
 */
public class LauncherTest {
  private static final Path LAUNCHER = Path.of("runners/cauce").toAbsolutePath();
  private static final long TIMEOUT_SECONDS = 240;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path project;
  private Path elsewhere;

  private record Launched(int code, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  @Before
  public void setUp() throws IOException {
    Path root = tmp.getRoot().toPath();
    project = root.resolve("project");
    elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Path pipelines = Files.createDirectories(project.resolve("pipelines"));
    Path template = OpsTesting.spec(root, "events", "overwrite", null);
    OpsTesting.input(root, "a", 20); // 2 of 20 have a negative amount
    String relative = Files.readString(template).replace(root.resolve("in") + "/*.jsonl", "data/*.jsonl");
    Files.writeString(pipelines.resolve("good.yaml"), relative.replace("name: events", "name: good"));
    Files.writeString(pipelines.resolve("gate.yaml"), relative.replace("name: events", "name: gate") + "quality: {max_rejected_ratio: 0.01}\n");
    Files.writeString(pipelines.resolve("bad.yaml"), relative.replace("format: jsonl}", "format: xml}").replace("name: events", "name: bad"));
    Files.createDirectories(project.resolve("data"));
    Files.copy(root.resolve("in/a.jsonl"), project.resolve("data/a.jsonl"));
  }

  /** runners/cauce with these arguments, in {@code elsewhere}, on the test's class path (no Maven), without CAUCE_STATE_DIR. */
  private Launched launch(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp.getRoot().toPath(), "stdout", ".txt");
    Path err = Files.createTempFile(tmp.getRoot().toPath(), "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(elsewhere.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("CAUCE_STATE_DIR");
    pb.environment().put("CAUCE_CLASSPATH", System.getProperty("java.class.path"));
    // a short run: the C1 compiler only and the serial collector start it in about half the time
    pb.environment().put("JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData");
    pb.environment().put("NO_GCE_CHECK", "true");
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runners/cauce did not end within " + TIMEOUT_SECONDS + " s: " + Files.readString(err));
    }
    return new Launched(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  public void exitCodesComeThroughUnchangedFromAnyDirectory() throws IOException, InterruptedException {
    Launched ok = launch("--spec=../project/pipelines/good.yaml", "--runId=l-1");
    assertThat(ok.toString(), ok.code(), equalTo(ExitCode.OK.code));
    assertThat(ok.stdout(), containsString("cauce run l-1  pipeline good  runner DirectRunner  status SUCCEEDED"));
    List<String> fromElsewhere = CauceRun.published(project.resolve("out/good/good")).stream().sorted().toList();
    assertThat(fromElsewhere.size(), equalTo(18));
    assertThat("the default state store is the project's", Files.exists(project.resolve(".cauce/state/runs/good/l-1.json")), equalTo(true));
    assertThat("nothing in the working directory", Files.list(elsewhere).count(), equalTo(0L));

    Launched nothingNew = launch("--spec=../project/pipelines/good.yaml", "--runId=l-2", "--nothingNewExitCode=99");
    assertThat(nothingNew.toString(), nothingNew.code(), equalTo(99));

    Launched bad = launch("--spec=" + project.resolve("pipelines/bad.yaml"));
    assertThat(bad.toString(), bad.code(), equalTo(ExitCode.USAGE.code));
    assertThat(bad.stderr(), containsString("  - source.format (line 2): unknown format \"xml\""));

    Launched refused = launch("--runner-profile", "direct", "--spec=../project/pipelines/gate.yaml", "--runId=l-4");
    assertThat(refused.toString(), refused.code(), equalTo(ExitCode.REFUSED.code));
    assertThat(refused.stdout(), containsString("status REFUSED"));

    Launched noProfile = launch("--runner-profile=nope", "--spec=../project/pipelines/good.yaml");
    assertThat(noProfile.toString(), noProfile.code(), equalTo(ExitCode.USAGE.code));
    assertThat(noProfile.stderr(), containsString("runners/cauce: no runner profile runners/nope.args; available: direct flink-cluster flink-local"));

    // the same spec run from the repository (this JVM's working directory) publishes the same records
    // (in another order: the Direct runner's bundles write in no fixed order)
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ExitCode code;
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8)) {
      code = Cauce.run(new String[] {"--spec=" + project.resolve("pipelines/good.yaml"), "--runner=DirectRunner", "--runId=l-5",
          "--reprocess", "--stateStore=" + tmp.getRoot().toPath().resolve("state")}, po, po);
    }
    assertThat(o.toString(StandardCharsets.UTF_8), code, equalTo(ExitCode.OK));
    assertThat(CauceRun.published(project.resolve("out/good/good")).stream().sorted().toList(), equalTo(fromElsewhere));
  }
}
