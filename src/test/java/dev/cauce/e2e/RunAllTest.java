package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import dev.cauce.RunAll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * run-all: dependency order, skipping downstream of a failure, skipping what has nothing new, cycles,
 * the runs' real statuses in the summary, and the sample pipelines on a fresh clone (no service, no secret).
 */
public class RunAllTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private record Result(int code, String out, String err) {}

  private Result runAll(Path pipelines, String... more) {
    return runAll(Map.of(), pipelines, more);
  }

  /** run-all with the environment {@code env} (the runs' environment variables) and options {@code more}. */
  private Result runAll(Map<String, String> env, Path pipelines, String... more) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("--pipelines=" + pipelines, "--runner=DirectRunner",
        "--stateStore=" + tmp.getRoot().toPath().resolve("state")));
    args.addAll(List.of(more));
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = RunAll.run(args.toArray(String[]::new), env::get, o, e);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String spec(String name, String source, String dependsOn, String quality, Path out) {
    return """
        name: %s
        %s
        source: {path: "%s", format: jsonl}
        schema:
          - {name: id, type: string, required: true}
          - {name: amount, type: decimal}
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        output: %s
        sinks:
          - {name: %s, format: jsonl}
        %s
        """.formatted(name, dependsOn == null ? "" : "depends_on: [" + dependsOn + "]", source, out.resolve(name), name,
        quality == null ? "" : "quality: " + quality);
  }

  @Test
  public void runsInDependencyOrderSkipsDownstreamOfAFailureAndThenWhatHasNothingNew() throws IOException {
    Path root = tmp.getRoot().toPath();
    Path pipelines = Files.createDirectories(root.resolve("pipelines"));
    Path out = root.resolve("out");
    Files.createDirectories(root.resolve("in"));
    OpsTesting.input(root, "raw", 20); // in/raw.jsonl: 2 of 20 have a negative amount
    Path raw = root.resolve("in/raw.jsonl");
    // a <- b <- c (each reads the previous one's published output); d is refused by its gate; e depends on d
    Files.writeString(pipelines.resolve("c.yaml"), spec("c", out.resolve("b/b") + "/*.jsonl", "b", null, out));
    Files.writeString(pipelines.resolve("b.yaml"), spec("b", out.resolve("a/a") + "/*.jsonl", "a", null, out));
    Files.writeString(pipelines.resolve("a.yaml"), spec("a", raw.toString(), null, null, out));
    Files.writeString(pipelines.resolve("d.yaml"), spec("d", raw.toString(), null, "{max_rejected_ratio: 0.01}", out));
    Files.writeString(pipelines.resolve("e.yaml"), spec("e", out.resolve("d/d") + "/*.jsonl", "d", null, out));

    Result first = runAll(pipelines);
    assertThat(first.toString(), first.code(), equalTo(1));
    assertThat(first.out(), containsString("run-all: 5 pipeline(s) in dependency order: a, b, c, d, e"));
    int a = first.out().indexOf("run-all: running a");
    int b = first.out().indexOf("run-all: running b (after a)");
    int c = first.out().indexOf("run-all: running c (after b)");
    assertThat(a, lessThan(b));
    assertThat(b, lessThan(c));
    assertThat(first.out(), containsString("run-all: e not run: upstream d was REFUSED"));
    assertThat(first.out(), containsString("  a              SUCCEEDED exit 0  published  run "));
    assertThat(first.out(), containsString("  c              SUCCEEDED exit 0  published  run "));
    assertThat(first.out(), containsString("  d              REFUSED   exit 3  refused by its quality gate, nothing published  run "));
    assertThat(first.out(), containsString("  e              NOT RUN           upstream d was REFUSED\n"));
    assertThat("c got a's valid records through b", CauceRun.published(out.resolve("c/c")).size(), equalTo(18));

    Result second = runAll(pipelines);
    assertThat(second.out(), containsString("  a              SKIPPED   exit 0  nothing new to ingest  run "));
    assertThat(second.out(), containsString("  b              SKIPPED   exit 0  nothing new to ingest  run "));
    assertThat(second.out(), containsString("  c              SKIPPED   exit 0  nothing new to ingest  run "));
    assertThat(second.out(), containsString("  e              NOT RUN           upstream d was REFUSED\n"));

    // a dry run after d was refused says what the dry run did, not that d succeeded; e's input (d's
    // output) was never published and a dry run of d writes nothing, so e is not checked (not a failure);
    // b's input (a's published output) exists and is checked. With Airflow's nothing-new code a run with
    // nothing new is still SKIPPED, and run-all exits 1 for d only
    Result dry = runAll(pipelines, "--dryRun=true");
    assertThat(dry.toString(), dry.code(), equalTo(0));
    assertThat(dry.out(), containsString("  b              DRY RUN   exit 0  checks passed, nothing ran  run "));
    assertThat(dry.out(), containsString("  d              DRY RUN   exit 0  checks passed, nothing ran  run "));
    assertThat(dry.out(), containsString("  e              NOT RUN           input produced by d, which this dry run did not run: "
        + out.resolve("d/d") + "/*.jsonl matches no file yet\n"));
    assertThat(dry.out(), not(containsString("SUCCEEDED")));
    Result third = runAll(pipelines, "--nothingNewExitCode=99");
    assertThat(third.toString(), third.code(), equalTo(1));
    assertThat(third.out(), containsString("  a              SKIPPED   exit 99 nothing new to ingest  run "));
    assertThat(third.out(), containsString("  d              REFUSED   exit 3  refused by its quality gate, nothing published  run "));
  }

  /**
   * A fresh clone: the sample pipelines with no service and no secret. api_orders (an API token) and
   * orders_pg (--jdbcUrl) are not run, each with one line saying what it needs; the others run
   * (outputs under the copy's own out/, resolved from its specs) and run-all exits 0.
   */
  @Test
  public void theSamplePipelinesRunOnAFreshCloneAndSayWhatTheOthersNeed() throws IOException {
    Path clone = tmp.newFolder("clone").toPath();
    Path pipelines = Files.createDirectories(clone.resolve("pipelines"));
    try (Stream<Path> specs = Files.list(Path.of("pipelines"))) {
      for (Path f : specs.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Files.copy(f, pipelines.resolve(f.getFileName()));
      }
    }
    for (String data : List.of("orders", "trips", "gx_orders", "reshape")) {
      Path from = Path.of("pipelines/data", data);
      try (Stream<Path> files = Files.walk(from)) { // gx_orders has a folder per batch
        for (Path f : files.toList()) {
          Path to = pipelines.resolve("data").resolve(data).resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            Files.copy(f, to);
          }
        }
      }
    }
    // a dry run first: customers reads orders' output, which does not exist yet: not checked, exit 0
    Result dry = runAll(pipelines, "--dryRun=true");
    assertThat(dry.toString(), dry.code(), equalTo(0));
    assertThat(dry.out(), containsString("  orders         DRY RUN   exit 0  checks passed, nothing ran  run "));
    assertThat(dry.out(), containsString("  customers      NOT RUN           input produced by orders, which this dry run did not run:"
        + " out/orders/orders/*.jsonl matches no file yet\n"));
    assertThat(dry.out(), containsString("  trips          DRY RUN   exit 0  checks passed, nothing ran  run "));
    assertThat(Files.exists(clone.resolve("out/orders/orders")), equalTo(false));
    Result r = runAll(pipelines, "--enforceImmutability=false", "--enforceEncodability=false");
    assertThat(r.toString(), r.code(), equalTo(0));
    String apiNeeds = "needs the environment variable(s) CAUCE_DEMO_TOKEN (read by source.http) and the API at"
        + " http://127.0.0.1:8765/api/orders?status=all&page=1&per_page=10";
    String pgNeeds = "needs --jdbcUrl (it writes to PostgreSQL: sink orders, dead_letter.table), e.g."
        + " ARGS='--jdbcUrl=jdbc:postgresql://HOST:5432/DATABASE --jdbcUser=USER'";
    assertThat(r.out(), containsString("run-all: api_orders not run: " + apiNeeds + "\n"));
    assertThat(r.out(), containsString("run-all: orders_pg not run: " + pgNeeds + "\n"));
    assertThat(r.out(), containsString("  api_orders     NOT RUN           " + apiNeeds + "\n"));
    assertThat(r.out(), containsString("  orders         SUCCEEDED exit 0  published  run "));
    assertThat(r.out(), containsString("  customers      SUCCEEDED exit 0  published  run "));
    assertThat(r.out(), containsString("  orders_pg      NOT RUN           " + pgNeeds + "\n"));
    assertThat(r.out(), containsString("  trips          SUCCEEDED exit 0  published  run "));
    assertThat(r.out(), containsString("  gx_orders      SUCCEEDED exit 0  published  run "));
    assertThat(r.out(), containsString("  reshape        SUCCEEDED exit 0  published  run "));
    Path out = clone.resolve("out");
    assertThat(CauceRun.published(out.resolve("orders/orders")).size(), equalTo(116));
    assertThat(CauceRun.published(out.resolve("customers/customers")).size(), equalTo(37));
    assertThat(CauceRun.published(out.resolve("trips/trips")).size(), equalTo(177)); // a CSV header line and 176 rows
    assertThat(CauceRun.published(out.resolve("gx_orders/gx_orders")).size(), equalTo(20)); // March passes its suite
    assertThat(CauceRun.published(out.resolve("reshape/reshape")).size(), equalTo(37));
    assertThat(CauceRun.published(out.resolve("reshape/repairs")).size(), equalTo(7)); // a line per repaired cell
    // zip_city looked up in zips.csv: null for the 2 records of zip 35660 (not listed) and the one without a zip
    assertThat(CauceRun.published(out.resolve("reshape/reshape")).stream().filter(l -> l.contains("\"zip_city\":null")).count(),
        equalTo(3L));
    assertThat(r.out(), containsString("  lookup missed         2  (key not in the reference) zip_city 2\n"));
    assertThat(r.out(), containsString("  warnings              2  (records kept) zip_known 2\n"));
    // the HTML report shows what changed on the way: dictionaries, lookups, cleaning steps, repairs
    String html;
    try (Stream<Path> runs = Files.list(out.resolve("reshape/_runs"))) {
      html = Files.readString(runs.findFirst().orElseThrow().resolve("run-report.html"));
    }
    assertThat(html, containsString("data-count=\"mapped\">2</td><td>state 2</td>"));
    assertThat(html, containsString("data-count=\"lookup_missed\">2</td><td>zip_city 2</td>"));
    assertThat(html, containsString("data-count=\"repaired.zip_city_state\">5</td><td>5 violating group(s) of 25 record(s), 0 unresolved"));
    assertThat(html, containsString("data-count=\"repaired.provider_details\">2</td><td>3 violating group(s) of 12 record(s), 1 unresolved"));
  }

  @Test
  public void aCycleIsAClearErrorAndNothingRuns() throws IOException {
    Path root = tmp.getRoot().toPath();
    Path pipelines = Files.createDirectories(root.resolve("pipelines"));
    Path out = root.resolve("out");
    Files.writeString(pipelines.resolve("x.yaml"), spec("x", "in/*.jsonl", "y", null, out));
    Files.writeString(pipelines.resolve("y.yaml"), spec("y", "in/*.jsonl", "x", null, out));
    Files.writeString(pipelines.resolve("z.yaml"), spec("z", "in/*.jsonl", null, null, out));
    Result r = runAll(pipelines);
    assertThat(r.code(), equalTo(2));
    assertThat(r.err(), containsString("dependency cycle: x -> y -> x; remove one of these depends_on entries; nothing was run"));
    assertThat(Files.exists(out), equalTo(false));
  }
}
