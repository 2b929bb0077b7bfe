package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.fault.FaultPoints;
import dev.cauce.write.Commit;
import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.Commit.SinkFiles;
import dev.cauce.write.Layout;
import dev.cauce.write.LiveOutput;
import dev.cauce.write.Publisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the fault suite's tests share: a small spec with two file sinks (JSON Lines and CSV) and
 * the dead letter, inputs of 100 records (every tenth rejected), cauce run in a JVM of its own
 * ({@link CauceProcess}), and the live dataset of an output folder read the way a reader does
 * (through its commit) so that two outputs can be compared exactly.
 */
final class FaultSuite {
  static final String PIPELINE = "faults";
  static final int RECORDS_PER_INPUT = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultSuite() {}

  private static Workspace shared;

  /**
   * The workspace the suite's tests share in one test JVM, made once: inputs {@code in/in-1.jsonl}
   * and {@code in/in-2.jsonl} (never changed), and per write mode the spec, an output holding the
   * previous run (in-1 only: 90 rows, 10 rejected) and the reference result (one uninterrupted run
   * of both inputs on a fresh folder, in a JVM of its own: 180 rows, 20 rejected).
   */
  static synchronized Workspace shared() throws IOException {
    if (shared == null) {
      shared = new Workspace(Files.createTempDirectory("cauce-faults-"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          LocalServers.deleteTree(shared.root);
        } catch (IOException e) {
          System.err.println("could not delete " + shared.root + ": " + e);
        }
      }));
    }
    return shared;
  }

  static final class Workspace {
    final Path root;
    final Path in1;
    final Path in2;
    private final Map<String, Path> previous = new HashMap<>();
    private final Map<String, Live> previousLive = new HashMap<>();
    private final Map<String, Live> reference = new HashMap<>();
    private final List<String> figures = new ArrayList<>();

    private Workspace(Path root) throws IOException {
      this.root = root;
      in1 = input(root.resolve("in"), "in-1", RECORDS_PER_INPUT);
      in2 = input(root.resolve("in"), "in-2", RECORDS_PER_INPUT);
    }

    Path inputs() {
      return in1.getParent();
    }

    /** The spec for {@code mode} (overwrite or append) over the shared inputs. */
    Path spec(String mode) throws IOException {
      Path spec = root.resolve("faults-" + mode + ".yaml");
      return Files.exists(spec) ? spec : FaultSuite.spec(root, "faults-" + mode, inputs(), mode, null);
    }

    /** Copies the output holding the previous run (in-1) in {@code mode} to {@code to}; returns its live dataset. */
    synchronized Live previousInto(String mode, Path to) throws Exception {
      if (!previous.containsKey(mode)) {
        Path out = root.resolve("previous-" + mode);
        CauceRun first = CauceRun.run(out, "prev", "--spec=" + spec(mode), "--input=" + in1);
        assertThat(first.toString(), first.code, equalTo(dev.cauce.ExitCode.OK));
        Live live = live(out);
        assertSizes(live, 90, 10);
        assertThat(live.ledger(), equalTo(ledgerOf(in1)));
        previous.put(mode, out);
        previousLive.put(mode, live);
      }
      copyTree(previous.get(mode), to);
      return previousLive.get(mode);
    }

    /** The reference result in {@code mode}: both inputs, one uninterrupted run (own JVM) on a fresh folder. */
    synchronized Live reference(String mode) throws Exception {
      if (!reference.containsKey(mode)) {
        long t0 = System.nanoTime();
        Path out = root.resolve("reference-" + mode);
        try (CauceProcess ref = run(root, spec(mode), out, "ref")) {
          assertThat(describe(ref), ref.exitCode(), equalTo(0));
        }
        Live live = live(out);
        assertSizes(live, 180, 20);
        assertThat(live.ledger(), equalTo(ledgerOf(in1, in2)));
        reference.put(mode, live);
        figure("reference run, %s (own JVM): exit 0, rows 180, rejected 20, ledger in-1 + in-2, %d ms", mode, millisSince(t0));
      }
      return reference.get(mode);
    }

    /** Keeps a line of figures for the suite's closing note (printed as FIGURES lines). */
    synchronized void figure(String format, Object... args) {
      String line = String.format(format, args);
      figures.add(line);
      System.out.println("FIGURES " + line);
    }
  }

  /** {@code <work>/out} holding the previous run in overwrite mode, and the reference result (both inputs) to compare with. */
  record Prepared(Workspace ws, Path work, Path out, Live previous, Live reference) {
    Path spec() throws IOException {
      return ws.spec("overwrite");
    }
  }

  static Prepared overwriteOutput(Path work) throws Exception {
    Workspace ws = shared();
    Live reference = ws.reference("overwrite");
    Path out = work.resolve("out");
    return new Prepared(ws, work, out, ws.previousInto("overwrite", out), reference);
  }

  static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /**
   * The spec {@code <dir>/<name>.yaml}: id (required), amount (decimal, >= 0), dedupe by id, sinks
   * {@code rows} (jsonl) and {@code rows_csv} (csv) and the dead letter {@code rejected}, all in
   * {@code mode}; {@code extra} is appended (e.g. a quality section).
   */
  static Path spec(Path dir, String name, Path inputs, String mode, String extra) throws IOException {
    Path spec = dir.resolve(name + ".yaml");
    Files.writeString(spec, """
        name: %s
        source: {path: %s/*.jsonl, format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        dedupe: {key: [id]}
        sinks:
          - {name: rows, format: jsonl, mode: %s}
          - {name: rows_csv, format: csv, mode: %s}
        dead_letter: {name: rejected, format: jsonl, mode: %s}
        %s
        """.formatted(PIPELINE, inputs, mode, mode, mode, extra == null ? "" : extra));
    return spec;
  }

  /** Writes {@code <dir>/<file>.jsonl}: {@code n} records with ids {@code <file>-<i>}; every tenth has a negative amount. */
  static Path input(Path dir, String file, int n) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"id\":\"").append(file).append('-').append(i).append("\",\"amount\":\"").append(i % 10 == 9 ? "-1" : i + ".50")
          .append("\"}\n");
    }
    Files.createDirectories(dir);
    Path f = dir.resolve(file + ".jsonl");
    Files.writeString(f, b, StandardCharsets.UTF_8);
    return f;
  }

  /** Starts cauce in its own JVM with the Direct runner, a local state store, this output and run id. */
  static CauceProcess start(Path work, Path spec, Path output, String runId, String pauseAt, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("--runner=DirectRunner", "--spec=" + spec,
        "--stateStore=" + output.toAbsolutePath().getParent().resolve(output.getFileName() + "-state"),
        "--output=" + output, "--runId=" + runId, "--progressSeconds=0.5"));
    args.addAll(List.of(more));
    return CauceProcess.start(work, pauseAt == null ? Map.of() : Map.of(FaultPoints.ENV, pauseAt), args);
  }

  /** Runs cauce to its end in its own JVM; returns it (exit code and output readable). */
  static CauceProcess run(Path work, Path spec, Path output, String runId, String... more) throws IOException, InterruptedException {
    CauceProcess p = start(work, spec, output, runId, null, more);
    p.exitCode();
    return p;
  }

  /** "exit N" with the process's output, for assertion messages. */
  static String describe(CauceProcess p) throws InterruptedException {
    return "exit " + p.exitCode() + "\n--- stdout\n" + p.stdout() + "\n--- stderr\n" + p.stderr();
  }

  /**
   * An output folder's live dataset as a reader sees it: each sink's and the dead letter's lines
   * (sorted: a multiset; a dead-letter line without its run id, which differs between equal runs,
   * and with its source file's name only)
   * and the ledger's inputs (path, size, modification time).
   */
  record Live(Map<String, List<String>> rows, List<String> ledger) {
    int count(String sink) {
      List<String> r = rows.get(sink);
      return r == null ? 0 : r.size();
    }
  }

  static Live live(Path output) throws IOException {
    LiveOutput live = LiveOutput.read(output.toString());
    Map<String, List<String>> rows = new TreeMap<>();
    for (SinkFiles s : live.sinks()) {
      List<String> lines = new ArrayList<>();
      for (String line : Publisher.readPublishedLines(Layout.published(output.toString(), s.name()).toString())) {
        lines.add(s.deadLetter() ? withoutRunId(line) : line);
      }
      lines.sort(null);
      rows.put(s.name(), lines);
    }
    List<String> ledger = new ArrayList<>();
    for (IngestedInput i : live.ledger()) {
      ledger.add(i.path() + " " + i.sizeBytes() + " " + i.lastModifiedMillis());
    }
    ledger.sort(null);
    return new Live(rows, ledger);
  }

  /** Dead-letter lines as {@link #live} gives them: normalized, sorted. */
  static List<String> normalized(List<String> deadLetterLines) {
    List<String> out = new ArrayList<>();
    deadLetterLines.forEach(l -> out.add(withoutRunId(l)));
    out.sort(null);
    return out;
  }

  /** A dead-letter line without its run id, and with its source as the file's name (copies of one input folder compare equal). */
  private static String withoutRunId(String line) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(line);
      n.remove("run_id");
      if (n.hasNonNull("source")) {
        n.put("source", Path.of(n.get("source").asText()).getFileName().toString());
      }
      return n.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ledger entries {@link #live} gives for these input files as they are now. */
  static List<String> ledgerOf(Path... inputs) throws IOException {
    List<String> l = new ArrayList<>();
    for (Path p : inputs) {
      l.add(p.toAbsolutePath() + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
    }
    l.sort(null);
    return l;
  }

  /** The live commit, which must exist. */
  static Commit commit(Path output) throws IOException {
    return LiveOutput.read(output.toString()).commit().orElseThrow(() -> new AssertionError("no commit in " + output));
  }

  /**
   * Every data file in the output's sink folders is listed by the live commit, and nothing is left
   * of a publish: no staging (but that of the failed or refused runs {@code keptStagingOf}, kept for
   * debugging), no temporary commit or manifest.
   */
  static void assertOnlyCommittedFiles(Path output, String... keptStagingOf) throws IOException {
    Commit c = commit(output);
    List<String> unlisted = new ArrayList<>();
    for (SinkFiles s : c.sinks()) {
      try (Stream<Path> files = Files.list(output.resolve(s.name()))) {
        files.map(f -> f.getFileName().toString())
            .filter(n -> Layout.isDataFile(n) ? !s.files().contains(n) : !n.equals(Layout.MANIFEST))
            .forEach(n -> unlisted.add(s.name() + "/" + n));
      }
    }
    List<String> kept = List.of(Layout.COMMIT, "_COMMIT.lock", Layout.RUNS, Layout.STAGING);
    try (Stream<Path> top = Files.list(output)) {
      top.map(f -> f.getFileName().toString()).filter(n -> !kept.contains(n) && c.sink(n).isEmpty()).forEach(unlisted::add);
    }
    Path staging = output.resolve(Layout.STAGING);
    if (Files.exists(staging)) {
      try (Stream<Path> left = Files.walk(staging)) {
        left.filter(Files::isRegularFile).filter(f -> !List.of(keptStagingOf).contains(staging.relativize(f).getName(0).toString()))
            .forEach(f -> unlisted.add(output.relativize(f).toString()));
      }
    }
    assertThat("files of " + output + " that no commit lists", unlisted, empty());
  }

  /** Copies a folder tree (a prepared output) to {@code to}. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** The dataset's expected sizes: rows in each sink (CSV: plus its header) and in the dead letter. */
  static void assertSizes(Live live, int rows, int rejected) {
    assertThat("rows", live.count("rows"), equalTo(rows));
    assertThat("rows_csv (header + rows)", live.count("rows_csv"), equalTo(rows + 1));
    assertThat("rejected", live.count("rejected"), equalTo(rejected));
  }

  /** Where the live commit says how many records a sink holds, its live files hold exactly that many. */
  static void assertRecordsMatch(Path output, Live live) throws IOException {
    for (SinkFiles s : commit(output).sinks()) {
      if (s.records() != null) {
        int lines = live.count(s.name()) - (s.name().endsWith("_csv") ? 1 : 0);
        assertThat("records of " + s.name() + " in the commit", s.records(), equalTo((long) lines));
      }
    }
  }
}
