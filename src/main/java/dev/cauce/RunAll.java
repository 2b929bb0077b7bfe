package dev.cauce;

import dev.cauce.ingest.HttpSource;
import dev.cauce.ingest.InputFiles;
import dev.cauce.ingest.NoInputException;
import dev.cauce.monitor.RunOutcome;
import dev.cauce.orchestrate.Dependencies;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.ProjectRoot;
import dev.cauce.write.jdbc.JdbcPreflight;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code make run-all}: runs every pipeline in {@code pipelines/} in dependency order ({@code
 * depends_on}), one after another in this JVM. A pipeline that needs what is not configured (an
 * environment variable its HTTP source reads, {@code --jdbcUrl} for its PostgreSQL tables) is not
 * run, with one line saying what it needs; a pipeline whose upstream failed, was refused or was not
 * run is not run either ("upstream … was …"); a pipeline with nothing new to ingest skips itself (its
 * ledger). A dependency cycle or a bad spec stops everything before anything runs (exit 2). Exit 0
 * when every pipeline succeeded, had nothing to do or was not configured, 1 when any failed, was
 * refused or could not start.
 *
 * <p>Usage: {@code dev.cauce.RunAll [--pipelines=<folder>] [cauce options for every
 * run, e.g. --runner=... --stateStore=...]} (not {@code --spec}, {@code --input}, {@code --output}
 * or {@code --runId}: each pipeline has its own).
 */
public final class RunAll {
  private RunAll() {}

  /** The status of a pipeline that did not run (not configured, or an upstream did not succeed). */
  static final String NOT_RUN = "NOT RUN";
  static final String DRY_RUN = "DRY RUN";

  /**
   * What happened to one pipeline.
   *
   * @param status the run's status as its run record has it (SUCCEEDED, REFUSED, FAILED, SKIPPED,
   *     CANCELLED), USAGE when it could not start, {@value #DRY_RUN} or {@value #NOT_RUN}
   * @param exitCode the run's exit code; null when it did not run
   * @param runId null when no run was planned
   */
  public record Outcome(String pipeline, String status, Integer exitCode, String detail, String runId) {
    /** Downstream pipelines run after this one (it succeeded, had nothing new, or passed a dry run). */
    boolean letsDownstreamRun() {
      return status.equals("SUCCEEDED") || status.equals("SKIPPED") || status.equals(DRY_RUN);
    }

    /** Counts against run-all's exit code: failed, refused, could not start, cancelled. */
    boolean bad() {
      return exitCode != null && !letsDownstreamRun();
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()::get, System.out, System.err));
  }

  /** Runs every pipeline; {@code env} is the environment the runs see (for what a pipeline needs). */
  public static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
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
    Map<String, PipelineSpec> specs = specsInOrder(dir, "run-all", err);
    if (specs == null) {
      return ExitCode.USAGE.code;
    }
    out.println("run-all: " + specs.size() + " pipeline(s) in dependency order: " + String.join(", ", specs.keySet()));
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Map.Entry<String, PipelineSpec> e : specs.entrySet()) {
      Outcome o = runOne(dir, e.getKey(), e.getValue(), passOn, env, specs, outcomes, out, err);
      outcomes.put(e.getKey(), o);
      if (Objects.equals(o.exitCode(), ExitCode.TERMINATED.code) || Objects.equals(o.exitCode(), ExitCode.INTERRUPTED.code)) {
        break; // a signal stopped the run: the JVM is going down, start no other pipeline
      }
    }
    out.println();
    out.println("run-all summary:");
    boolean bad = false;
    for (Outcome o : outcomes.values()) {
      out.println(String.format(Locale.ROOT, "  %-14s %-9s %-7s %s%s", o.pipeline(), o.status(),
          o.exitCode() == null ? "" : "exit " + o.exitCode(), o.detail(), o.runId() == null ? "" : "  run " + o.runId()).stripTrailing());
      bad |= o.bad();
    }
    return bad ? ExitCode.FAILED.code : ExitCode.OK.code;
  }
  /**
   * The specs of {@code dir} by name, in dependency order; null (said on {@code err}, each line starting
   * with {@code who}) when they cannot all run.
   */
  static Map<String, PipelineSpec> specsInOrder(Path dir, String who, PrintStream err) {
    if (!Files.isDirectory(dir)) {
      err.println(who + ": no pipeline folder " + dir);
      return null;
    }
    try {
      Map<String, PipelineSpec> specs = Dependencies.loadAll(dir);
      Map<String, List<String>> graph = new LinkedHashMap<>();
      specs.forEach((name, s) -> graph.put(name, s.dependsOn()));
      Map<String, PipelineSpec> ordered = new LinkedHashMap<>();
      Dependencies.order(graph).forEach(name -> ordered.put(name, specs.get(name)));
      if (ordered.isEmpty()) {
        err.println(who + ": no pipeline specs (*.yaml) in " + dir);
        return null;
      }
      return ordered;
    } catch (Dependencies.CycleException e) {
      err.println(who + ": " + dir + ": " + e.getMessage() + "; nothing was run");
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(who + ": fix the specs above; nothing was run");
    }
    return null;
  }

  /** Runs one pipeline, unless an upstream of it did not succeed or it needs what is not configured. */
  private static Outcome runOne(Path dir, String name, PipelineSpec spec, List<String> passOn, Function<String, String> env,
      Map<String, PipelineSpec> specs, Map<String, Outcome> done, PrintStream out, PrintStream err) {
    Optional<Outcome> badUpstream = spec.dependsOn().stream().map(done::get).filter(u -> u != null && !u.letsDownstreamRun()).findFirst();
    if (badUpstream.isPresent()) {
      Outcome up = badUpstream.get();
      String why = "upstream " + up.pipeline() + " " + (up.status().equals(NOT_RUN) ? "was not run" : "was " + up.status());
      out.println("run-all: " + name + " not run: " + why);
      return new Outcome(name, NOT_RUN, null, why, null);
    }
    List<String> needs = unmetNeeds(spec, passOn, env);
    if (!needs.isEmpty()) {
      String why = "needs " + String.join(" and ", needs);
      out.println("run-all: " + name + " not run: " + why);
      return new Outcome(name, NOT_RUN, null, why, null);
    }
    Optional<String> producer = inputOfADryRunUpstream(dir, name, spec, passOn, specs, done);
    if (producer.isPresent()) {
      String why = "input produced by " + producer.get() + ", which this dry run did not run: " + spec.source().path() + " matches no file yet";
      out.println("run-all: " + name + " not checked: " + why);
      return new Outcome(name, NOT_RUN, null, why, null);
    }
    out.println();
    out.println("run-all: running " + name + (spec.dependsOn().isEmpty() ? "" : " (after " + String.join(", ", spec.dependsOn()) + ")"));
    List<String> cauceArgs = new ArrayList<>(passOn);
    cauceArgs.add(0, "--spec=" + dir.resolve(name + ".yaml"));
    RunOutcome o = Cauce.execute(cauceArgs.toArray(String[]::new), out, err);
    return new Outcome(name, status(o), o.exitCode(), detail(o), o.runId());
  }

  /**
   * In a dry run, the upstream (in {@code done} as a dry run, so it wrote nothing) whose output folder
   * holds {@code spec}'s input, when that input matches no file yet: a dry run cannot check it.
   */
  private static Optional<String> inputOfADryRunUpstream(Path dir, String name, PipelineSpec spec, List<String> passOn,
      Map<String, PipelineSpec> specs, Map<String, Outcome> done) {
    boolean dryRun = lastValue(passOn, "--dryRun").map(v -> v.isEmpty() || v.equalsIgnoreCase("true")).orElse(false);
    if (spec.source().isHttp() || !dryRun) {
      return Optional.empty();
    }
    ProjectRoot root = ProjectRoot.of(dir.resolve(name + ".yaml"), lastValue(passOn, "--baseDir").orElse(null));
    String input = root.resolve(spec.source().path());
    Optional<String> producer = spec.dependsOn().stream()
        .filter(u -> done.containsKey(u) && done.get(u).status().equals(DRY_RUN) && specs.containsKey(u))
        .filter(u -> input.startsWith(root.resolve(specs.get(u).output()) + "/"))
        .findFirst();
    if (producer.isEmpty()) {
      return producer;
    }
    try {
      InputFiles.match(input);
      return Optional.empty(); // an earlier run published it: the dry run checks it as usual
    } catch (NoInputException e) {
      return producer;
    }
  }

  /** The value of the last {@code option=value} (empty for a bare {@code option}), as cauce takes it. */
  private static Optional<String> lastValue(List<String> args, String option) {
    return args.stream().filter(a -> a.equals(option) || a.startsWith(option + "=")).reduce((x, y) -> y)
        .map(a -> a.length() > option.length() ? a.substring(option.length() + 1) : "");
  }

  /**
   * What {@code spec} needs that is not configured: the environment variables its HTTP source reads
   * (with the API they open), {@code --jdbcUrl} for its PostgreSQL tables. Empty when nothing is missing.
   */
  static List<String> unmetNeeds(PipelineSpec spec, List<String> options, Function<String, String> env) {
    List<String> needs = new ArrayList<>();
    if (spec.source().isHttp()) {
      List<String> unset = spec.source().http().envNames().stream().filter(n -> env.apply(n) == null || env.apply(n).isEmpty()).toList();
      if (!unset.isEmpty()) {
        needs.add("the environment variable(s) " + String.join(", ", unset) + " (read by source.http) and the API at "
            + HttpSource.describe(spec.source().http()));
      }
    }
    List<String> tables = JdbcPreflight.users(spec);
    if (!tables.isEmpty() && options.stream().noneMatch(a -> a.startsWith("--jdbcUrl=") && a.length() > "--jdbcUrl=".length())) {
      needs.add("--jdbcUrl (it writes to PostgreSQL: " + String.join(", ", tables) + "), e.g. ARGS='--jdbcUrl=jdbc:postgresql://HOST:5432/DATABASE"
          + " --jdbcUser=USER'");
    }
    return needs;
  }

  /** The run's status as its run record has it, USAGE when it could not start, DRY RUN for a dry run. */
  private static String status(RunOutcome o) {
    return o instanceof RunOutcome.Skipped s && s.isDryRun() ? DRY_RUN : o.status();
  }

  /** One pipeline's result in words. */
  private static String detail(RunOutcome o) {
    return switch (o.kind()) {
      case SUCCEEDED -> "published";
      case SKIPPED -> ((RunOutcome.Skipped) o).isDryRun() ? "checks passed, nothing ran" : ((RunOutcome.Skipped) o).why();
      case FAILED -> "failed, nothing published";
      case REFUSED -> "refused by its quality gate, nothing published";
      case USAGE -> "could not start: " + ((RunOutcome.Usage) o).problems().stream().findFirst().map(p -> p.replaceFirst("^cauce: ", "")
          .lines().findFirst().orElse("")).orElse("");
      case CANCELLED -> ((RunOutcome.Cancelled) o).why();
    };
  }
}
