package dev.cauce.orchestrate;

import dev.cauce.Cauce;
import dev.cauce.ExitCode;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.state.RunRecord;
import dev.cauce.state.RunStatus;
import dev.cauce.state.StateStore;
import dev.cauce.state.StateStores;
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
 * <p>Usage: {@code dev.cauce.orchestrate.RunAll [--pipelines=<folder>] [cauce options for every
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
    String storeSpec = null;
    List<String> passOn = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--pipelines=")) {
        dir = Path.of(a.substring("--pipelines=".length()));
      } else if (a.startsWith("--spec=") || a.startsWith("--input=") || a.startsWith("--output=") || a.startsWith("--runId=")) {
        err.println("run-all: " + a.substring(0, a.indexOf('=')) + " cannot be given to run-all: each pipeline uses its own spec,"
            + " input, output and run id");
        return ExitCode.USAGE.code;
      } else {
        if (a.startsWith("--stateStore=")) {
          storeSpec = a.substring("--stateStore=".length());
        }
        passOn.add(a);
      }
    }
    if (!Files.isDirectory(dir)) {
      err.println("run-all: no pipeline folder " + dir);
      return ExitCode.USAGE.code;
    }
    Map<String, PipelineSpec> specs;
    List<String> order;
    try {
      specs = Dependencies.loadAll(dir);
      Map<String, List<String>> graph = new LinkedHashMap<>();
      specs.forEach((name, s) -> graph.put(name, s.dependsOn()));
      order = Dependencies.order(graph);
    } catch (Dependencies.CycleException e) {
      err.println("run-all: " + dir + ": " + e.getMessage() + "; nothing was run");
      return ExitCode.USAGE.code;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("run-all: fix the specs above; nothing was run");
      return ExitCode.USAGE.code;
    }
    if (order.isEmpty()) {
      err.println("run-all: no pipeline specs (*.yaml) in " + dir);
      return ExitCode.USAGE.code;
    }
    out.println("run-all: " + order.size() + " pipeline(s) in dependency order: " + String.join(", ", order));

    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (String name : order) {
      PipelineSpec spec = specs.get(name);
      Optional<String> badUpstream = spec.dependsOn().stream()
          .filter(d -> outcomes.get(d) != null && outcomes.get(d).exitCode() != 0).findFirst();
      if (badUpstream.isPresent()) {
        Outcome up = outcomes.get(badUpstream.get());
        String why = "skipped: upstream " + up.pipeline() + " " + (up.result().startsWith("skipped") ? "was skipped" : up.result());
        out.println("run-all: " + name + " " + why);
        outcomes.put(name, new Outcome(name, why, -1, null));
        continue;
      }
      out.println();
      out.println("run-all: running " + name + (spec.dependsOn().isEmpty() ? "" : " (after " + String.join(", ", spec.dependsOn()) + ")"));
      List<String> cauceArgs = new ArrayList<>(passOn);
      cauceArgs.add(0, "--spec=" + dir.resolve(name + ".yaml"));
      ExitCode code = Cauce.run(cauceArgs.toArray(String[]::new), out, err);
      Optional<RunRecord> last = latest(storeSpec, spec.name());
      String result = switch (code) {
        case OK -> last.filter(r -> r.status() == RunStatus.SKIPPED).isPresent() ? "skipped: nothing new to ingest" : "succeeded";
        case FAILED -> "failed";
        case REFUSED -> "refused by its quality gate";
        case USAGE -> "could not start (exit 2)";
      };
      outcomes.put(name, new Outcome(name, result, code.code, last.map(RunRecord::runId).orElse(null)));
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

  private static Optional<RunRecord> latest(String storeSpec, String pipeline) {
    try (StateStore store = StateStores.open(storeSpec)) {
      List<RunRecord> runs = store.latestRuns(pipeline, 1);
      return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
