package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What a user sees from the command line before any job runs. */
public class CliTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void helpListsEveryCauceOption() {
    CauceRun run = CauceRun.run(tmp.getRoot().toPath(), "x", "--help");
    assertThat(run.code, equalTo(ExitCode.OK));
    for (String option : new String[] {"--spec", "--input", "--output", "--replay", "--runId", "--maxRecordBytes", "--dryRun"}) {
      assertThat(run.stdout, containsString(option));
    }
    assertThat(run.stdout, containsString("Exit codes"));
  }

  @Test
  public void aBadSpecExitsTwoNamingEveryProblem() throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("bad.yaml");
    Files.writeString(spec, """
        name: bad
        source: {path: x/*.jsonl, format: xml}
        schema:
          - {name: id, type: strin}
        validate:
          - {name: r1, rule: regex, field: id, pattern: "[a-"}
          - {name: r2, rule: range, field: nope, min: 1}
        dedupe: {key: [idd]}
        colour: blue
        """);
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "x", "--spec=" + spec);
    assertThat(run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString(spec.toString()));
    assertThat(run.stderr, containsString("source.format"));
    assertThat(run.stderr, containsString("schema[0].type"));
    assertThat(run.stderr, containsString("validate[0].pattern"));
    assertThat(run.stderr, containsString("validate[1].field"));
    assertThat(run.stderr, containsString("dedupe.key[0]"));
    assertThat(run.stderr, containsString("colour"));
    assertThat(Files.exists(tmp.getRoot().toPath().resolve("out")), equalTo(false));
  }

  @Test
  public void hostileRegexesAndExpressionsExitTwoBeforeTheJob() throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("hostile.yaml");
    Files.writeString(spec, """
        name: hostile
        source: {path: x/*.jsonl, format: jsonl}
        schema:
          - {name: Title, type: string}
          - {name: US_Gross, type: string}
          - {name: n, type: decimal}
        validate:
          - {name: r1, rule: regex, field: Title, pattern: "(\\\\w)\\\\1"}
          - {name: r2, rule: expression, expr: "Title > 5"}
          - {name: r3, rule: expression, expr: "US_Gross + 1 > 0"}
          - {name: r4, rule: expression, expr: "Title.class.name == 'x'"}
          - {name: r5, rule: expression, expr: "math:abs(n) > 1"}
          - {name: r6, rule: expression, expr: "round(n, 100000000) > 1"}
          - {name: r7, rule: expression, expr: "Title =~ '(?=x)'"}
        """);
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "x", "--spec=" + spec);
    assertThat(run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString(spec + ": 7 problems"));
    assertThat(run.stderr, containsString("validate[0].pattern (line 8): regex \"(\\w)\\1\" is not supported: a backreference"));
    assertThat(run.stderr, containsString(
        "validate[1].expr (line 9): Title > 5: \"Title\" is a string field and 5 is a number; they cannot be compared"));
    assertThat(run.stderr, containsString("validate[2].expr (line 10): US_Gross + 1: \"US_Gross\" is a string field; + needs numbers"));
    assertThat(run.stderr, containsString("validate[3].expr (line 11): expression reads \"Title.class\": property access is not allowed"));
    assertThat(run.stderr, containsString("validate[4].expr (line 12): expression calls \"math:abs\": namespaces are not allowed"));
    assertThat(run.stderr, containsString(
        "validate[5].expr (line 13): round(n, 100000000): round digits must be between -100 and 100, got 100000000"));
    assertThat(run.stderr, containsString("validate[6].expr (line 14): regex \"(?=x)\" is not supported: a lookahead"));
    assertThat(Files.exists(tmp.getRoot().toPath().resolve("out")), equalTo(false));
  }

  @Test
  public void aMissingSpecFileIsAClearError() {
    CauceRun run = CauceRun.run(tmp.getRoot().toPath(), "x", "--spec=" + tmp.getRoot().toPath().resolve("nope.yaml"));
    assertThat(run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("nope.yaml"));
  }

  @Test
  public void aSpecNested100kLevelsDeepExitsTwoWithItsLine() throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("deep.yaml");
    Files.writeString(spec, "name: deep\nsource: " + "{a: ".repeat(100_000) + "1" + "}".repeat(100_000) + "\n");
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "x", "--spec=" + spec);
    assertThat(run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("(file) (line 2): the spec is nested deeper than 50 levels"));
    assertThat(run.stderr.contains("StackOverflowError"), equalTo(false));
  }

  @Test
  public void anUnknownOptionExitsTwoAndPointsToHelp() {
    CauceRun run = CauceRun.run(tmp.getRoot().toPath(), "x", "--spec=pipelines/orders.yaml", "--colour=blue");
    assertThat(run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("--help"));
  }

  @Test
  public void aRunIdThatLooksLikeAPathIsNamedByASafeFormInsideTheOutput() {
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "../escape", "--spec=pipelines/orders.yaml", "--dryRun=true");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stderr, containsString("cauce: run id \"../escape\" is r.._escape-1ba7343c in file names and the state store"));
  }

  @Test
  public void aNegativePartSizeOrRecordLimitIsRefusedBeforeRunning() {
    CauceRun split = CauceRun.run(tmp.getRoot().toPath(), "x", "--spec=pipelines/orders.yaml", "--splitBytes=-1");
    assertThat(split.code, equalTo(ExitCode.USAGE));
    assertThat(split.stderr, containsString("--splitBytes"));
    CauceRun max = CauceRun.run(tmp.getRoot().toPath(), "x", "--spec=pipelines/orders.yaml", "--maxRecordBytes=0");
    assertThat(max.code, equalTo(ExitCode.USAGE));
    assertThat(max.stderr, containsString("--maxRecordBytes"));
  }

  @Test
  public void everyProblemOfThePlanIsReportedAtOnce() {
    Path nowhere = tmp.getRoot().toPath().resolve("nowhere");
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "x".repeat(251), "--spec=pipelines/orders.yaml",
        "--input=" + nowhere + "/*.jsonl", "--splitBytes=-1", "--alertRejectedRatio=2", "--logLevel=LOUD",
        "--alertWebhook=mailto:ops@example.com", "--stateStore=ftp://x/y");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    for (String problem : new String[] {"--splitBytes", "--alertRejectedRatio must be a ratio between 0 and 1",
        "--logLevel: unknown level \"LOUD\"", "--alertWebhook must be an http:// or https:// URL", "--runId",
        nowhere.toString(), "unsupported state store \"ftp://x/y\""}) {
      assertThat(problem, run.stderr, containsString(problem));
    }
    assertThat("one line per problem", run.stderr.lines().filter(l -> l.startsWith("cauce: ")).count(), equalTo(7L));
    assertThat(Files.exists(tmp.getRoot().toPath().resolve("out")), equalTo(false));
  }

  @Test
  public void aDryRunAnswersFromThePlanAndStartsNothing() {
    Path out = tmp.getRoot().toPath().resolve("out");
    CauceRun run = CauceRun.run(out, "dry-1", "--spec=pipelines/orders.yaml", "--dryRun=true");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("cauce: spec pipelines/orders.yaml is valid; 3 input file(s) match; dry run, nothing ran."));
    assertThat(Files.exists(out), equalTo(false));
    assertThat("no run state either", Files.exists(tmp.getRoot().toPath().resolve("cauce-state")), equalTo(false));
  }
}
