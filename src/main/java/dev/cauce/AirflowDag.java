package dev.cauce;

import dev.cauce.files.AtomicFiles;
import dev.cauce.spec.PipelineSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code make airflow-dag}: writes an Airflow DAG file with one task per pipeline spec, each a
 * BashOperator calling the launcher {@code runners/cauce} by its absolute path with the spec's
 * absolute path, Airflow's {@code {{ run_id }}} as the run id and {@code --nothingNewExitCode=99};
 * edges from {@code depends_on}; {@code max_active_runs=1}. The tasks read cauce's exit codes
 * ({@link ExitCode}): 0 success, 99 skipped (nothing new), 1 failed and retried, any other failed at
 * once (AirflowFailException: 2 bad options/spec/input and 3 refused by the quality gate are not
 * worth retrying). A task runs when no upstream failed (a skipped upstream had nothing new).
 *
 * <p>Usage: {@code dev.cauce.AirflowDag [--pipelines=pipelines] [--dagFile=out/airflow/cauce_dag.py]
 * [--launcher=runners/cauce] [--dagId=cauce] [--runnerProfile=direct] [--schedule=@daily]
 * [--retries=2] [--retryDelaySeconds=300] [cauce options for every task, e.g. --stateStore=redis://...]}.
 */
public final class AirflowDag {
  private AirflowDag() {}

  /** What the DAG is made of besides the specs; {@code schedule} null: runs only when triggered. */
  record Settings(Path pipelines, Path dagFile, Path launcher, String dagId, String runnerProfile, String schedule, int retries,
      int retryDelaySeconds, List<String> taskArgs) {}

  private static final Pattern DAG_ID = Pattern.compile("[A-Za-z0-9_.-]{1,250}");
  private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9_./=:,+@%-]+");

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Settings s;
    try {
      s = settings(args);
    } catch (IllegalArgumentException e) {
      err.println("airflow-dag: " + e.getMessage());
      return ExitCode.USAGE.code;
    }
    Map<String, PipelineSpec> specs = RunAll.specsInOrder(s.pipelines(), "airflow-dag", err);
    if (specs == null) {
      return ExitCode.USAGE.code;
    }
    try {
      AtomicFiles.write(s.dagFile(), render(specs, s).getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      err.println("airflow-dag: cannot write " + s.dagFile() + ": " + e.getMessage());
      return ExitCode.FAILED.code;
    }
    out.println("airflow-dag: wrote " + s.dagFile() + ": DAG " + s.dagId() + ", " + specs.size() + " task(s) in dependency order: "
        + String.join(", ", specs.keySet()) + "; copy it into Airflow's dags folder");
    return ExitCode.OK.code;
  }

  static Settings settings(String[] args) {
    Path pipelines = Path.of("pipelines");
    Path dagFile = Path.of("out/airflow/cauce_dag.py");
    Path launcher = Path.of("runners/cauce");
    String dagId = "cauce";
    String profile = "direct";
    String schedule = null;
    int retries = 2;
    int delay = 300;
    List<String> taskArgs = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      String value = eq < 0 ? "" : a.substring(eq + 1);
      switch (name) {
        case "--pipelines" -> pipelines = Path.of(value);
        case "--dagFile" -> dagFile = Path.of(value);
        case "--launcher" -> launcher = Path.of(value);
        case "--dagId" -> dagId = value;
        case "--runnerProfile" -> profile = value;
        case "--schedule" -> schedule = value.isBlank() ? null : value;
        case "--retries" -> retries = number(name, value, 0, 100);
        case "--retryDelaySeconds" -> delay = number(name, value, 0, 86_400);
        case "--spec", "--runId", "--input", "--output", "--nothingNewExitCode" -> throw new IllegalArgumentException(
            name + " cannot be given: each task has its own spec, input and output, the run id is Airflow's and nothing new exits "
                + ExitCode.AIRFLOW_SKIP);
        default -> {
          if (!a.startsWith("--")) {
            throw new IllegalArgumentException("unknown argument \"" + a + "\"; options are --name=value");
          }
          taskArgs.add(a);
        }
      }
    }
    if (!DAG_ID.matcher(dagId).matches()) {
      throw new IllegalArgumentException("--dagId must be 1-250 letters, digits, '_', '.' or '-', got \"" + dagId + "\"");
    }
    if (!profile.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("--runnerProfile names a file runners/<name>.args, got \"" + profile + "\"");
    }
    Path absLauncher = launcher.toAbsolutePath().normalize();
    if (!Files.isExecutable(absLauncher)) {
      throw new IllegalArgumentException("no executable launcher at " + absLauncher + "; give --launcher=<path of runners/cauce>");
    }
    for (String a : taskArgs) {
      if (a.contains("{{") || a.contains("{%") || a.contains("{#")) {
        throw new IllegalArgumentException("\"" + a + "\" holds {{, {% or {#, which Airflow would read as a Jinja template");
      }
    }
    return new Settings(pipelines.toAbsolutePath().normalize(), dagFile, absLauncher, dagId, profile, schedule, retries, delay,
        List.copyOf(taskArgs));
  }

  private static int number(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got \"" + value + "\"");
  }

  /** The bash command of one pipeline's task; the run id comes from the task's environment (CAUCE_RUN_ID). */
  static String command(Settings s, String pipeline) {
    List<String> words = new ArrayList<>();
    words.add(shell(s.launcher().toString()));
    words.add(shell("--runner-profile=" + s.runnerProfile()));
    words.add(shell("--spec=" + s.pipelines().resolve(pipeline + ".yaml")));
    words.add("\"--runId=$CAUCE_RUN_ID\"");
    words.add("--nothingNewExitCode=" + ExitCode.AIRFLOW_SKIP);
    s.taskArgs().forEach(a -> words.add(shell(a)));
    return String.join(" ", words);
  }

  /** The DAG file's Python text. */
  static String render(Map<String, PipelineSpec> specs, Settings s) {
    StringBuilder tasks = new StringBuilder();
    StringBuilder edges = new StringBuilder();
    for (Map.Entry<String, PipelineSpec> e : specs.entrySet()) {
      String name = e.getKey();
      tasks.append("    tasks[").append(py(name)).append("] = CauceOperator(\n")
          .append("        task_id=").append(py(name)).append(",\n")
          .append("        bash_command=").append(py(command(s, name))).append(",\n");
      if (!e.getValue().dependsOn().isEmpty()) {
        tasks.append("        trigger_rule=\"none_failed\",  # a skipped upstream had nothing new; this one checks its own input\n");
      }
      tasks.append("    )\n");
      for (String up : e.getValue().dependsOn()) {
        edges.append("    tasks[").append(py(up)).append("] >> tasks[").append(py(name)).append("]\n");
      }
    }
    String codes = ExitCode.FIXED.stream().map(c -> c.code + ": " + py(c.name)).collect(Collectors.joining(", "));
    return TEMPLATE
        .replace("@PIPELINES@", s.pipelines().toString().replace("\\", "/").replace("\"", "'"))
        .replace("@CODES@", codes + ", " + ExitCode.AIRFLOW_SKIP + ": \"NOTHING_NEW\"")
        .replace("@FAILED@", String.valueOf(ExitCode.FAILED.code))
        .replace("@SKIP@", String.valueOf(ExitCode.AIRFLOW_SKIP))
        .replace("@DAG_ID@", py(s.dagId()))
        .replace("@SCHEDULE@", s.schedule() == null ? "None" : py(s.schedule()))
        .replace("@RETRIES@", String.valueOf(s.retries()))
        .replace("@DELAY@", String.valueOf(s.retryDelaySeconds()))
        .replace("@TASKS@", tasks.toString())
        .replace("@EDGES@", edges.length() == 0 ? "    pass  # no depends_on\n" : edges.toString());
  }

  /** A word for bash: as it is when plain, else in single quotes. */
  static String shell(String word) {
    return SHELL_PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** A Python string literal. */
  static String py(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static final String TEMPLATE = """
      \"""Airflow DAG of the cauce pipelines in @PIPELINES@: one task per spec, edges from depends_on.

      Generated by `make airflow-dag` (dev.cauce.AirflowDag); generate it again when specs change rather
      than editing it. Each task runs the launcher runners/cauce, which exits with cauce's own code:
      0 success; @SKIP@ nothing new to ingest (the task is skipped); @FAILED@ the job failed (retried); any
      other code fails the task at once (2: bad options, spec or input; 3: refused by the quality gate).
      \"""
      import datetime
      import re

      from airflow import DAG
      from airflow.exceptions import AirflowException, AirflowFailException, AirflowSkipException

      try:  # Airflow 3 (and 2 with apache-airflow-providers-standard)
          from airflow.providers.standard.operators.bash import BashOperator
      except ImportError:  # Airflow 2
          from airflow.operators.bash import BashOperator

      # cauce's exit codes (dev.cauce.ExitCode) and what a task makes of them
      EXIT_CODES = {@CODES@}
      RETRIED = {@FAILED@}
      NOTHING_NEW = @SKIP@


      def outcome(exit_code):
          \"""What a task does for a cauce exit code: "success", "skipped", "retry" or "fail" (no retry).\"""
          if exit_code == 0:
              return "success"
          if exit_code == NOTHING_NEW:
              return "skipped"
          return "retry" if exit_code in RETRIED else "fail"


      def exit_code_of(operator, error):
          \"""The exit code of the command that just failed, from the subprocess or the error message; None if unknown.\"""
          process = getattr(getattr(operator, "subprocess_hook", None), "sub_process", None)
          code = getattr(process, "returncode", None)
          if code is None:
              found = re.search(r"exit code (-?\\d+)", str(error))
              code = int(found.group(1)) if found else None
          return code


      class CauceOperator(BashOperator):
          \"""A BashOperator that reads cauce's exit codes: only a failed job (1) is retried.\"""

          def __init__(self, **kwargs):
              kwargs.setdefault("env", {"CAUCE_RUN_ID": "{{ run_id }}"})
              kwargs.setdefault("append_env", True)
              super().__init__(skip_on_exit_code=[NOTHING_NEW], **kwargs)

          def execute(self, context):
              try:
                  return super().execute(context)
              except AirflowSkipException:
                  raise
              except AirflowException as error:
                  code = exit_code_of(self, error)
                  if code is None or outcome(code) == "retry":
                      raise
                  raise AirflowFailException(
                      f"cauce exited with {code} ({EXIT_CODES.get(code, 'not a cauce exit code')}): not retried"
                  ) from error


      with DAG(
          dag_id=@DAG_ID@,
          description="cauce pipelines, one task each, in depends_on order",
          schedule=@SCHEDULE@,
          start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
          catchup=False,
          max_active_runs=1,
          default_args={"retries": @RETRIES@, "retry_delay": datetime.timedelta(seconds=@DELAY@)},
          tags=["cauce"],
      ) as dag:
          tasks = {}
      @TASKS@
      @EDGES@""";
}
