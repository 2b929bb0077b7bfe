package dev.cauce;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The Airflow DAG generated from the specs: its graph, its tasks' commands, valid Python, and what a
 * task makes of each cauce exit code. No Airflow can be installed here: the DAG file is loaded by
 * python3 with a stand-in of the Airflow 2 classes it uses ({@code src/test/resources/airflow/}), which
 * runs a BashOperator's command as Airflow 2's does; what that proves and does not is in the README.
 */
public class AirflowDagTest {
  private static final Path LAUNCHER = Path.of("runners/cauce").toAbsolutePath();
  private static final Path RUN_DAG = Path.of("src/test/resources/airflow/run_dag.py").toAbsolutePath();
  private static final long TIMEOUT_SECONDS = 300;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private Path pipelines;

  private record Result(int code, String out, String err) {}

  @Before
  public void setUp() throws IOException {
    root = tmp.getRoot().toPath();
    pipelines = Files.createDirectories(root.resolve("project/pipelines"));
  }

  private void spec(String name, String dependsOn, String extra) throws IOException {
    Files.writeString(pipelines.resolve(name + ".yaml"), """
        name: %s
        %s
        source: {path: %s, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        sinks:
          - {name: rows, format: jsonl}
        %s
        """.formatted(name, dependsOn == null ? "" : "depends_on: [" + dependsOn + "]",
        dependsOn == null ? "data/*.jsonl" : "out/" + dependsOn.split(",")[0].strip() + "/rows/*.jsonl", extra));
  }

  private Result generate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--pipelines=" + pipelines, "--dagFile=" + root.resolve("dags/cauce_dag.py"),
        "--launcher=" + LAUNCHER));
    all.addAll(List.of(args));
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = AirflowDag.run(all.toArray(String[]::new), o, e);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A process in {@code dir} with extra environment; its exit code and output. */
  private static Result process(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("out", ".txt");
    Path err = Files.createTempFile("err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().remove("CAUCE_STATE_DIR"); // the runs' state goes to their project's .cauce/state
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not end within " + TIMEOUT_SECONDS + " s: " + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  private Result runDag(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("python3", RUN_DAG.toString(), root.resolve("dags/cauce_dag.py").toString()));
    cmd.addAll(List.of(args));
    return process(dir, env, cmd.toArray(String[]::new));
  }

  @Test
  public void oneTaskPerSpecEdgesFromDependsOnAndValidPython() throws IOException, InterruptedException {
    spec("a", null, "");
    spec("b", "a", "");
    spec("c", "a, b", "");
    spec("d", null, "");
    Result r = generate("--stateStore=/var/cauce state", "--retries=3");
    assertThat(r.err(), r.code(), equalTo(0));
    Path dag = root.resolve("dags/cauce_dag.py");
    assertThat(r.out(), equalTo("airflow-dag: wrote " + dag + ": DAG cauce, 4 task(s) in dependency order: a, b, c, d; copy it into"
        + " Airflow's dags folder\n"));
    String text = Files.readString(dag);
    assertThat(text, containsString("""
            tasks["a"] >> tasks["b"]
            tasks["a"] >> tasks["c"]
            tasks["b"] >> tasks["c"]
        """));
    assertThat(text, containsString("EXIT_CODES = {0: \"OK\", 1: \"FAILED\", 2: \"USAGE\", 3: \"REFUSED\", 130: \"INTERRUPTED\","
        + " 143: \"TERMINATED\", 99: \"NOTHING_NEW\"}\nRETRIED = {1}\nNOTHING_NEW = 99\n"));
    Result compiled = process(root, Map.of(), "python3", "-m", "py_compile", dag.toString());
    assertThat(compiled.err(), compiled.code(), equalTo(0));

    Result described = runDag(root, Map.of(), "describe");
    assertThat(described.err(), described.code(), equalTo(0));
    JsonNode d = new ObjectMapper().readTree(described.out());
    assertThat(d.get("dag_id").asText(), equalTo("cauce"));
    assertThat(d.get("max_active_runs").asInt(), equalTo(1));
    assertThat(d.get("catchup").asBoolean(), equalTo(false));
    assertThat(d.get("schedule").isNull(), equalTo(true));
    assertThat(d.get("retries").asInt(), equalTo(3));
    List<String> tasks = new ArrayList<>();
    for (JsonNode t : d.get("tasks")) {
      tasks.add(t.get("task_id").asText() + " after " + t.get("upstream") + " " + t.get("trigger_rule").asText() + " skip "
          + t.get("skip_on_exit_code") + " env " + t.get("env"));
    }
    assertThat(tasks, equalTo(List.of(
        "a after [] all_success skip [99] env {\"CAUCE_RUN_ID\":\"{{ run_id }}\"}",
        "b after [\"a\"] none_failed skip [99] env {\"CAUCE_RUN_ID\":\"{{ run_id }}\"}",
        "c after [\"a\",\"b\"] none_failed skip [99] env {\"CAUCE_RUN_ID\":\"{{ run_id }}\"}",
        "d after [] all_success skip [99] env {\"CAUCE_RUN_ID\":\"{{ run_id }}\"}")));
    assertThat(d.get("tasks").get(1).get("bash_command").asText(), equalTo(LAUNCHER + " --runner-profile=direct --spec="
        + pipelines.resolve("b.yaml") + " \"--runId=$CAUCE_RUN_ID\" --nothingNewExitCode=99 '--stateStore=/var/cauce state'"));
  }

  /** Only a failed job (1) is retried; 99 (nothing new) is skipped; 2, 3 and any other code fail at once. */
  @Test
  public void exitCodesMapToRetrySkipOrFailWithoutRetry() throws IOException, InterruptedException {
    spec("a", null, "");
    assertThat(generate().code(), equalTo(0));
    Result codes = runDag(root, Map.of(), "codes", "0", "1", "2", "3", "99", "130", "143");
    assertThat(codes.err(), codes.code(), equalTo(0));
    assertThat(codes.out(), equalTo("""
        {"exit_code": 0, "outcome": "success", "raised": null}
        {"exit_code": 1, "outcome": "retry", "raised": "AirflowException"}
        {"exit_code": 2, "outcome": "fail", "raised": "AirflowFailException"}
        {"exit_code": 3, "outcome": "fail", "raised": "AirflowFailException"}
        {"exit_code": 99, "outcome": "skipped", "raised": "AirflowSkipException"}
        {"exit_code": 130, "outcome": "fail", "raised": "AirflowFailException"}
        {"exit_code": 143, "outcome": "fail", "raised": "AirflowFailException"}
        """));
  }

  @Test
  public void whatATaskCannotBeGivenAndBadSpecsAreRefused() throws IOException {
    spec("a", null, "");
    Result runId = generate("--runId=x");
    assertThat(runId.code(), equalTo(2));
    assertThat(runId.err(), equalTo("airflow-dag: --runId cannot be given: each task has its own spec, input and output, the run id is"
        + " Airflow's and nothing new exits 99\n"));
    Result jinja = generate("--stateStore={{ var.value.store }}");
    assertThat(jinja.err(), equalTo("airflow-dag: \"--stateStore={{ var.value.store }}\" holds {{, {% or {#, which Airflow would read"
        + " as a Jinja template\n"));
    spec("b", "c", "");
    spec("c", "b", "");
    Result cycle = generate();
    assertThat(cycle.code(), equalTo(2));
    assertThat(cycle.err(), equalTo("airflow-dag: " + pipelines + ": dependency cycle: b -> c -> b; remove one of these depends_on"
        + " entries; nothing was run\n"));
    assertThat(Files.exists(root.resolve("dags")), equalTo(false));
  }

  /**
   * The generated DAG's tasks run in dependency order from a directory outside the project, through
   * runners/cauce: a publishes, b (after a) reads a's output, gate is refused (3: failed, not retried)
   * and after (downstream of gate) does not run; in the next DAG run a and b have nothing new (99: skipped).
   */
  @Test
  public void theTasksRunInDependencyOrderFromAnotherDirectory() throws IOException, InterruptedException {
    spec("a", null, "");
    spec("b", "a", "");
    spec("gate", null, "quality: {max_rejected_ratio: 0.01}");
    spec("after", "gate", "");
    Path data = Files.createDirectories(root.resolve("project/data"));
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      rows.append("{\"id\":\"r").append(i).append("\",\"amount\":\"").append(i % 10 == 9 ? "-1" : i + ".5").append("\"}\n");
    }
    Files.writeString(data.resolve("in.jsonl"), rows);
    assertThat(generate().code(), equalTo(0));
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Result run = runDag(elsewhere, Map.of("CAUCE_CLASSPATH", System.getProperty("java.class.path"),
        "JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData", "NO_GCE_CHECK", "true"),
        "run", "manual__2026-12-03T14:00:00+00:00");
    assertThat(run.err(), run.code(), equalTo(0));
    List<String> states = run.out().lines().filter(l -> l.startsWith("{\"task\"")).map(l -> l.replaceAll(", \"seconds\": [0-9.]+", ""))
        .toList();
    assertThat(run.out() + run.err(), states, equalTo(List.of(
        "{\"task\": \"a\", \"exit_codes\": [0], \"state\": \"success\"}",
        "{\"task\": \"b\", \"exit_codes\": [0], \"state\": \"success\"}",
        "{\"task\": \"gate\", \"exit_codes\": [3], \"state\": \"failed\"}",
        "{\"task\": \"after\", \"exit_codes\": [], \"state\": \"upstream_failed\"}")));
    String safeId = "manual__2026-12-03T14_00_00_00_00-a9a6c9ae";
    assertThat(Files.readAllLines(root.resolve("project/out/b/rows/" + safeId + "-00000-of-00001.jsonl")).size(), equalTo(18));
    assertThat(Files.list(elsewhere).count(), equalTo(0L));

    // the next DAG run: a and b have nothing new (99: skipped, b still runs after a skipped a), gate is refused again (3)
    Result next = runDag(elsewhere, Map.of("CAUCE_CLASSPATH", System.getProperty("java.class.path"),
        "JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData", "NO_GCE_CHECK", "true"),
        "run", "scheduled__2026-12-04T14:00:00+00:00");
    assertThat(next.err(), next.code(), equalTo(0));
    assertThat(next.out() + next.err(), next.out().lines().filter(l -> l.startsWith("{\"task\""))
        .map(l -> l.replaceAll(", \"seconds\": [0-9.]+", "")).toList(), equalTo(List.of(
        "{\"task\": \"a\", \"exit_codes\": [99], \"state\": \"skipped\"}",
        "{\"task\": \"b\", \"exit_codes\": [99], \"state\": \"skipped\"}",
        "{\"task\": \"gate\", \"exit_codes\": [3], \"state\": \"failed\"}",
        "{\"task\": \"after\", \"exit_codes\": [], \"state\": \"upstream_failed\"}")));
    assertThat(Files.list(elsewhere).count(), equalTo(0L));
  }
}
