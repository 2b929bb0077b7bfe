package dev.cauce;

import dev.cauce.monitor.RunOutcome;
import dev.cauce.orchestrate.Dependencies;
import dev.cauce.spec.PipelineSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code make run-all}: runs every pipeline in {@code pipelines/} in dependency order ({@code
 * depends_on}), one after another in this JVM. A pipeline whose upstream failed, was refused or
 * was itself skipped for that reason is not run ("skipped: upstream … failed"); a pipeline with
 * nothing new to ingest skips itself (its ledger). A dependency cycle or a bad spec stops everything
 * before anything runs (exit 2). Exit 0 when every pipeline succeeded or had nothing to do, 1 when
 * any failed or was refused.
 *
 * <p>Usage: {@code dev.cauce.RunAll [--pipelines=<folder>] [cauce options for every
 * run, e.g. --runner=... --stateStore=...]} (not {@code --spec}, {@code --input}, {@code --output}
 * or {@code --runId}: each pipeline has its own).
 */
public final class RunAll {
  private RunAll() {}

  /** What happened to one pipeline. */
  public record Outcome(String pipeline, String result, int exitCode, String runId) {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir = Path.of("pipelines");
    List<String> passOn = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--pipelines=")) {
        dir = Path.of(a.substring("--pipelines=".length()));
      } else if (a.startsWith("--spec=") || a.startsWith("--input=") || a.startsWith("--output=") || a.startsWith("--runId=")) {
        err.println("run-all: " + a.substring(0, a.indexOf('=')) + " cannot be given to run-all: each pipeline uses its own spec,"
            + " input, output and run id");
        return ExitCode.USAGE.code;
      } else {
        passOn.add(a);
      }
    }
    Map<String, PipelineSpec> specs = specsInOrder(dir, err);
    if (specs == null) {
      return ExitCode.USAGE.code;
    }
    out.println("run-all: " + specs.size() + " pipeline(s) in dependency order: " + String.join(", ", specs.keySet()));
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Map.Entry<String, PipelineSpec> e : specs.entrySet()) {
      Outcome o = runOne(dir, e.getKey(), e.getValue(), passOn, outcomes, out, err);
      outcomes.put(e.getKey(), o);
      if (o.exitCode() == ExitCode.TERMINATED.code || o.exitCode() == ExitCode.INTERRUPTED.code) {
        break; // a signal stopped the run: the JVM is going down, start no other pipeline
      }
    }
    out.println();
    out.println("run-all summary:");
    boolean bad = false;
    for (Outcome o : outcomes.values()) {
      out.printf(Locale.ROOT, "  %-14s %-40s %s%n", o.pipeline(), o.result(), o.runId() == null ? "" : "run " + o.runId());
      bad |= o.exitCode() > 0;
    }
    return bad ? ExitCode.FAILED.code : ExitCode.OK.code;
  }

  /** The specs of {@code dir} by name, in dependency order; null (said on {@code err}) when they cannot all run. */
  private static Map<String, PipelineSpec> specsInOrder(Path dir, PrintStream err) {
    if (!Files.isDirectory(dir)) {
      err.println("run-all: no pipeline folder " + dir);
      return null;
    }
    try {
      Map<String, PipelineSpec> specs = Dependencies.loadAll(dir);
      Map<String, List<String>> graph = new LinkedHashMap<>();
      specs.forEach((name, s) -> graph.put(name, s.dependsOn()));
      Map<String, PipelineSpec> ordered = new LinkedHashMap<>();
      Dependencies.order(graph).forEach(name -> ordered.put(name, specs.get(name)));
      if (ordered.isEmpty()) {
        err.println("run-all: no pipeline specs (*.yaml) in " + dir);
        return null;
      }
      return ordered;
    } catch (Dependencies.CycleException e) {
      err.println("run-all: " + dir + ": " + e.getMessage() + "; nothing was run");
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("run-all: fix the specs above; nothing was run");
    }
    return null;
  }

  /** Runs one pipeline, unless an upstream of it did not succeed. */
  private static Outcome runOne(Path dir, String name, PipelineSpec spec, List<String> passOn, Map<String, Outcome> done,
      PrintStream out, PrintStream err) {
    Optional<String> badUpstream = spec.dependsOn().stream().filter(d -> done.get(d) != null && done.get(d).exitCode() != 0).findFirst();
    if (badUpstream.isPresent()) {
      Outcome up = done.get(badUpstream.get());
      String why = "skipped: upstream " + up.pipeline() + " " + (up.result().startsWith("skipped") ? "was skipped" : up.result());
      out.println("run-all: " + name + " " + why);
      return new Outcome(name, why, -1, null);
    }
    out.println();
    out.println("run-all: running " + name + (spec.dependsOn().isEmpty() ? "" : " (after " + String.join(", ", spec.dependsOn()) + ")"));
    List<String> cauceArgs = new ArrayList<>(passOn);
    cauceArgs.add(0, "--spec=" + dir.resolve(name + ".yaml"));
    RunOutcome o = Cauce.execute(cauceArgs.toArray(String[]::new), out, err);
    return new Outcome(name, result(o), o.exitCode(), o.runId());
  }

  /** One pipeline's result in words. */
  private static String result(RunOutcome o) {
    return switch (o.kind()) {
      case SUCCEEDED -> "succeeded";
      case SKIPPED -> "skipped: " + ((RunOutcome.Skipped) o).why();
      case FAILED -> "failed";
      case REFUSED -> "refused by its quality gate";
      case USAGE -> "could not start (exit 2)";
      case CANCELLED -> ((RunOutcome.Cancelled) o).why();
    };
  }
}
