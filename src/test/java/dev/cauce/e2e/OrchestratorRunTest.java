package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.Cauce;
import dev.cauce.ExitCode;
import dev.cauce.state.LocalStateStore;
import dev.cauce.state.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What an orchestrator passes and reads: its own run ids (Airflow's), the nothing-new exit code, and a
 * spec whose relative paths resolve against its project, not against the working directory.
 */
public class OrchestratorRunTest {
  private static final String AIRFLOW_ID = "manual__2026-12-03T14:00:00+00:00";
  private static final String SAFE_ID = "manual__2026-12-03T14_00_00_00_00-a9a6c9ae";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private Path out;
  private Path spec;

  @Before
  public void setUp() throws IOException {
    root = tmp.getRoot().toPath();
    out = root.resolve("out");
    spec = OpsTesting.spec(root, "events", "overwrite", null);
    OpsTesting.input(root, "a", 20); // 2 of 20 have a negative amount
  }

  @Test
  public void anAirflowRunIdIsNamedByItsSafeFormAndTheReportKeepsIt() throws IOException {
    CauceRun run = CauceRun.run(out, AIRFLOW_ID, "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stderr, containsString("cauce: run id \"" + AIRFLOW_ID + "\" is " + SAFE_ID
        + " in file names and the state store (the run report keeps both)\n"));
    JsonNode report = new ObjectMapper().readTree(out.resolve("_runs").resolve(SAFE_ID).resolve("run-report.json").toFile());
    assertThat(report.get("run_id").asText(), equalTo(SAFE_ID));
    assertThat(report.get("run_id_given").asText(), equalTo(AIRFLOW_ID));
    assertThat(report.get("options").get("runId").asText(), equalTo(AIRFLOW_ID));
    try (Stream<Path> files = Files.list(out.resolve("events"))) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList(),
          equalTo(List.of("_MANIFEST.json", SAFE_ID + "-00000-of-00001.jsonl")));
    }
    assertThat(CauceRun.published(out.resolve("events")).size(), equalTo(18));
    try (LocalStateStore s = new LocalStateStore(root.resolve("cauce-state"))) {
      assertThat(s.run("events", SAFE_ID).orElseThrow().status(), equalTo(RunStatus.SUCCEEDED));
    }
    assertThat("a safe id is used as given: no run_id_given", CauceRun.run(out, "r2", "--spec=" + spec, "--reprocess").report()
        .has("run_id_given"), equalTo(false));
  }

  @Test
  public void onlyEmptyAndOverLongRunIdsAreRefused() {
    CauceRun empty = CauceRun.run(out, " ", "--spec=" + spec);
    assertThat(empty.toString(), empty.code, equalTo(ExitCode.USAGE));
    assertThat(empty.stderr, containsString("cauce: --runId: the run id is empty: give 1-250 characters, or leave --runId out for a new one\n"));
    CauceRun longId = CauceRun.run(out, "x".repeat(251), "--spec=" + spec);
    assertThat(longId.toString(), longId.code, equalTo(ExitCode.USAGE));
    assertThat(longId.stderr, containsString("cauce: --runId: the run id is 251 characters long; it may have at most 250\n"));
    assertThat(Files.exists(out), equalTo(false));
  }

  @Test
  public void nothingNewExitsWithTheChosenCodeAndIsRecordedSkipped() {
    CauceRun first = CauceRun.run(out, "n1", "--spec=" + spec, "--nothingNewExitCode=99");
    assertThat(first.toString(), first.code, equalTo(ExitCode.OK));
    CauceRun second = CauceRun.run(out, "n2", "--spec=" + spec, "--nothingNewExitCode=99");
    assertThat(second.toString(), second.code.code, equalTo(99));
    assertThat(second.stdout, containsString("nothing new to ingest: all 1 input file(s)"));
    CauceRun byDefault = CauceRun.run(out, "n3", "--spec=" + spec);
    assertThat(byDefault.toString(), byDefault.code, equalTo(ExitCode.OK));
    try (LocalStateStore s = new LocalStateStore(root.resolve("cauce-state"))) {
      assertThat(s.run("events", "n2").orElseThrow().status(), equalTo(RunStatus.SKIPPED));
      assertThat(s.run("events", "n3").orElseThrow().status(), equalTo(RunStatus.SKIPPED));
    }
    CauceRun clash = CauceRun.run(out, "n4", "--spec=" + spec, "--nothingNewExitCode=3");
    assertThat(clash.toString(), clash.code, equalTo(ExitCode.USAGE));
    assertThat(clash.stderr, containsString("cauce: --nothingNewExitCode must be 0 (the default: nothing new is a success) or 4-125"
        + " (e.g. 99, Airflow's skip code), not one of cauce's own codes 1, 2, 3, 130, 143 or a shell's; got 3\n"));
  }

  /**
   * A spec under {@code <project>/pipelines/} with relative paths, run from the test's working
   * directory (the repository): it reads {@code <project>/data/} and writes {@code <project>/out/}.
   */
  @Test
  public void aSpecsRelativePathsResolveAgainstItsProjectNotTheWorkingDirectory() throws IOException {
    Path project = tmp.newFolder("project").toPath();
    Path pipelines = Files.createDirectories(project.resolve("pipelines"));
    Files.writeString(pipelines.resolve("rel.yaml"), Files.readString(spec).replace(root.resolve("in") + "/*.jsonl", "data/*.jsonl")
        + "output: out/rel\n");
    Files.createDirectories(project.resolve("data"));
    Files.copy(root.resolve("in/a.jsonl"), project.resolve("data/a.jsonl"));
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    ExitCode code;
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8); PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      code = Cauce.run(new String[] {"--spec=" + pipelines.resolve("rel.yaml"), "--runner=DirectRunner", "--runId=rel-1",
          "--stateStore=" + root.resolve("rel-state")}, po, pe);
    }
    assertThat(e.toString(StandardCharsets.UTF_8), code, equalTo(ExitCode.OK));
    assertThat(CauceRun.published(project.resolve("out/rel/events")).size(), equalTo(18));
    assertThat(o.toString(StandardCharsets.UTF_8), containsString("published: " + project.resolve("out/rel/events") + "/, "));
    assertThat(Files.exists(Path.of("out/rel")), equalTo(false));
  }
}
