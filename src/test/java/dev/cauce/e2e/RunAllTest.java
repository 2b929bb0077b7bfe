package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import dev.cauce.RunAll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** run-all: dependency order, skipping downstream of a failure, skipping what has nothing new, cycles. */
public class RunAllTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private record Result(int code, String out, String err) {}

  private Result runAll(Path pipelines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = RunAll.run(new String[] {"--pipelines=" + pipelines, "--runner=DirectRunner", "--stateStore=" + tmp.getRoot().toPath().resolve("state")},
          o, e);
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
    assertThat(first.out(), containsString("run-all: e skipped: upstream d refused by its quality gate"));
    assertThat(first.out(), containsString("  a              succeeded"));
    assertThat(first.out(), containsString("  c              succeeded"));
    assertThat(first.out(), containsString("  d              refused by its quality gate"));
    assertThat("c got a's valid records through b", CauceRun.published(out.resolve("c/c")).size(), equalTo(18));

    Result second = runAll(pipelines);
    assertThat(second.out(), containsString("  a              skipped: nothing new to ingest"));
    assertThat(second.out(), containsString("  b              skipped: nothing new to ingest"));
    assertThat(second.out(), containsString("  c              skipped: nothing new to ingest"));
    assertThat(second.out(), containsString("  e              skipped: upstream d refused by its quality gate"));
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
