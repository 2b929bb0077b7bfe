package dev.cauce.spec.load;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.fail;

import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.read.SpecProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Helpers for spec tests: a small valid base spec and assertions on the problems of a bad one. */
public final class SpecTesting {
  private SpecTesting() {}

  public static final String FILE = "pipelines/test.yaml";

  /** A valid spec of 11 lines; tests append sections from line 12 on. */
  public static final String BASE = """
      name: orders
      source:
        path: in/*.jsonl
        format: jsonl
      schema:
        - {name: order_id, type: string, required: true}
        - {name: email, type: string}
        - {name: amount, type: decimal}
        - {name: ordered_on, type: date}
        - {name: updated_at, type: timestamp}
        - {name: qty, type: int}
      """;

  public static final String SCHEMA_FIELDS = "schema fields: order_id, email, amount, ordered_on, updated_at, qty";

  public static PipelineSpec parse(String yaml) {
    return SpecLoader.parse(yaml, FILE);
  }

  public static SpecException fails(String yaml) {
    try {
      PipelineSpec spec = SpecLoader.parse(yaml, FILE);
      fail("expected a SpecException, got " + spec);
      return null;
    } catch (SpecException e) {
      assertThat(e.file(), equalTo(FILE));
      return e;
    }
  }

  /** The problems of loading {@code file}; fails when it loads. */
  public static SpecException loadFails(Path file) {
    try {
      PipelineSpec spec = SpecLoader.load(file);
      fail("expected a SpecException, got " + spec);
      return null;
    } catch (SpecException e) {
      return e;
    }
  }

  /** The one problem at {@code path}; fails when there is none or more than one. */
  public static SpecProblem problemAt(SpecException e, String path) {
    List<SpecProblem> at = e.problems().stream().filter(p -> p.path().equals(path)).toList();
    if (at.size() != 1) {
      fail("expected one problem at " + path + ", got " + at.size() + " in:\n" + e.getMessage());
    }
    return at.get(0);
  }

  public static void assertProblem(SpecProblem p, int line, String messagePart) {
    assertThat("line of " + p, p.line(), equalTo(line));
    assertThat(p.message(), containsString(messagePart));
  }

  /** Asserts that {@code yaml} has exactly one problem, at {@code path} on {@code line}, mentioning {@code part}. */
  public static SpecProblem assertOnlyProblem(String yaml, String path, int line, String part) {
    SpecException e = fails(yaml);
    assertThat("problems: " + e.getMessage(), e.problems().size(), equalTo(1));
    SpecProblem p = problemAt(e, path);
    assertProblem(p, line, part);
    return p;
  }

  public static String paths(SpecException e) {
    return e.problems().stream().map(SpecProblem::path).collect(Collectors.joining(", "));
  }
}
