package dev.cauce.orchestrate;

import dev.cauce.metrics.RunCounts;
import dev.cauce.spec.ProjectRoot;
import dev.cauce.state.LockInfo;
import dev.cauce.state.RunRecord;
import dev.cauce.state.StateStore;
import dev.cauce.state.StateStores;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code make status}: the latest runs of every pipeline from the state store, newest first, and
 * who holds each pipeline's lock. Usage: {@code dev.cauce.orchestrate.Status
 * [--stateStore=local|<folder>|redis://host:port/db] [--baseDir=<project> | --spec=<a spec of it>]
 * [--pipeline=<name>] [--limit=5]}. The default local store is the project's, as for a run ({@link
 * ProjectRoot}): {@code make status} gives the repository; without either option, the working directory.
 */
public final class Status {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Status() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System::getenv, out, err);
  }

  /** As {@link #run(String[], PrintStream, PrintStream)} with the environment {@code env} ({@code $CAUCE_STATE_DIR}, ...). */
  static int run(String[] args, java.util.function.Function<String, String> env, PrintStream out, PrintStream err) {
    String storeSpec = null;
    String only = null;
    String baseDir = null;
    String spec = null;
    int limit = 5;
    for (String a : args) {
      if (a.startsWith("--stateStore=")) {
        storeSpec = a.substring("--stateStore=".length());
      } else if (a.startsWith("--baseDir=")) {
        baseDir = a.substring("--baseDir=".length());
      } else if (a.startsWith("--spec=")) {
        spec = a.substring("--spec=".length());
      } else if (a.startsWith("--pipeline=")) {
        only = a.substring("--pipeline=".length());
      } else if (a.startsWith("--limit=")) {
        try {
          limit = Integer.parseInt(a.substring("--limit=".length()));
        } catch (NumberFormatException e) {
          limit = -1;
        }
        if (limit < 1) {
          err.println("status: --limit must be a whole number of 1 or more, got " + a.substring("--limit=".length()));
          return 2;
        }
      } else if (!a.isBlank()) {
        err.println("status: unknown argument \"" + a + "\"; allowed: --stateStore=..., --baseDir=<project>,"
            + " --spec=<spec>, --pipeline=<name>, --limit=<n>");
        return 2;
      }
    }
    StateStore store;
    try {
      ProjectRoot project = spec != null ? ProjectRoot.of(Path.of(spec), baseDir)
          : new ProjectRoot(Path.of(baseDir == null || baseDir.isBlank() ? "" : baseDir));
      store = StateStores.open(storeSpec, project.dir(), env, w -> err.println("status: warning: --stateStore: " + w));
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("status: --stateStore: " + e.getMessage());
      return 2;
    }
    try (store) {
      print(store, only, limit, out);
      return 0;
    }
  }

  static void print(StateStore store, String only, int limit, PrintStream out) {
    Instant now = Instant.now();
    out.println("cauce status from the " + store.describe());
    List<String> pipelines = only == null ? store.pipelines() : List.of(only);
    if (pipelines.isEmpty()) {
      out.println("  no runs recorded yet: `make run` records one");
      return;
    }
    out.printf(Locale.ROOT, "%-12s %-26s %-9s %-10s %-20s %8s %8s %8s %8s  %s%n",
        "pipeline", "run id", "status", "stage", "started", "took", "read", "written", "rejected", "note");
    for (String p : pipelines) {
      List<RunRecord> runs = store.latestRuns(p, limit);
      if (runs.isEmpty()) {
        out.printf(Locale.ROOT, "%-12s (no runs)%n", p);
      }
      for (RunRecord r : runs) {
        Instant end = r.endedAt() != null ? r.endedAt() : now;
        RunCounts c = RunCounts.fromCounters(r.counts());
        long written = c.writtenBySink().values().stream().findFirst().orElse(0L);
        String note = r.error() != null ? r.error() : r.detail() != null ? r.detail() : "";
        if (!r.status().ended()) {
          note = "last update " + Duration.between(r.updatedAt(), now).toSeconds() + "s ago; " + note;
        }
        out.printf(Locale.ROOT, "%-12s %-26s %-9s %-10s %-20s %8s %8d %8d %8d  %s%n",
            p, r.runId(), r.status(), r.stage(), TIME.format(r.startedAt()), took(Duration.between(r.startedAt(), end)),
            c.read(), written, c.rejected(), oneLine(note));
      }
      Optional<LockInfo> lock = store.lock(p);
      lock.ifPresent(l -> out.printf(Locale.ROOT, "%-12s lock held by %s%s%n", "", l.describe(now), l.staleAt(now) ? " — STALE" : ""));
    }
  }

  private static String took(Duration d) {
    long s = d.toSeconds();
    return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 120 ? t.substring(0, 117) + "..." : t;
  }
}
