package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.ExitCode;
import dev.cauce.write.LiveOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Nothing invisible, end to end on the Direct runner and embedded Flink p=2 with the same figures: the
 * records dropped as duplicates ({@code dedupe.dropped}: key, winner, record; as many as {@code
 * duplicates}), the records kept with warnings ({@code dead_letter.warned}), and the values each
 * cleaning step changed ({@code counts.changed_by_step}), all hand-computed from the input below.
 */
@RunWith(Parameterized.class)
public class VisibilityRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Parameters(name = "{0}")
  public static List<Object[]> runners() {
    return Runners.directAndFlinkP2();
  }

  @Parameter(0)
  public String runnerName;

  @Parameter(1)
  public String[] runnerArgs;

  static final String SPEC = """
      name: vis
      source: {path: IN/*.csv, format: csv}
      schema:
        - {name: id, type: string, required: true}
        - {name: name, type: string}
        - {name: email, type: string}
        - {name: state, type: string, map: {"Calif.": CA}}
        - {name: tier, type: string}
        - {name: updated, type: long}
      clean:
        fields:
          name: [collapse_whitespace]
          email: [lower]
          tier: {default: basic}
      validate:
        - {name: email_has_at, rule: regex, field: email, pattern: ".*@.*", severity: warn}
      dedupe: {key: [id], keep: latest, order_by: updated, dropped: duplicates}
      dead_letter: {warned: warned}
      """;

  // line 2: trim.name, collapse_whitespace.name, lower.email, map.state; id 1, dropped for line 4 (10 < 30)
  // line 3: null_tokens.tier, default.tier; warned (no @); id 2, kept (20 > 5)
  // line 4: null_tokens.tier, default.tier; id 1, kept (30)
  // line 5: lower.email (counted: cleaning changed it), then rejected in clean (updated "x")
  // line 6: lower.email, map.state; id 2, dropped for line 3
  // line 7: warned (no @), id 1, dropped for line 4 (20 < 30): in both outputs
  // line 8: warned (no @), id 4, kept
  static final String INPUT = String.join("\n",
      "id,name,email,state,tier,updated",
      "1,\" Ann  Lee \",ANN@X.IO,Calif.,gold,10",
      "2,Bob,bob-at-x,CA,N/A,20",
      "1,Ann Lee,ann@x.io,CA,none,30",
      "3,Cy,CY@X.IO,NY,silver,x",
      "2,Bob,BOB@X.IO,Calif.,gold,5",
      "1,Ann,ann-x,CA,gold,20",
      "4,Di,di,TX,gold,1",
      "");

  @Test
  public void droppedWarnedAndChangedValuesAreVisibleWithTheSameFiguresOnEveryRunner() throws IOException {
    CauceRun run = run("vis", "vis.csv", INPUT, SPEC, "check: read 7 = written 3 + rejected 1 + duplicates 3  OK");
    String source = tmp.getRoot().toPath().resolve("in").resolve("vis.csv").toString();
    assertThat(run.count("duplicates"), equalTo(3L));
    assertThat(run.count("warnings_by_rule", "email_has_at"), equalTo(3L));
    Map<String, Long> changed = new TreeMap<>();
    run.report().get("counts").get("changed_by_step").fields().forEachRemaining(e -> changed.put(e.getKey(), e.getValue().asLong()));
    assertThat(changed, equalTo(new TreeMap<>(Map.of("trim.name", 1L, "collapse_whitespace.name", 1L, "lower.email", 3L,
        "map.state", 2L, "null_tokens.tier", 2L, "default.tier", 2L))));
    assertThat(run.stdout, containsString("  changed              11  (values changed by cleaning steps) "));

    List<String> dropped = CauceRun.published(run.output.resolve("duplicates"));
    assertThat("one line per duplicate", (long) dropped.size(), equalTo(run.count("duplicates")));
    List<String> seen = new ArrayList<>();
    for (String line : dropped) {
      JsonNode d = JSON.readTree(line);
      assertThat(line, d.get("run_id").asText() + " " + d.get("pipeline").asText() + " " + d.get("source").asText()
          + " " + d.get("kept").get("source").asText(), equalTo("vis-1 vis " + source + " " + source));
      seen.add(d.get("line").asInt() + " " + d.get("key").asText() + " order_by " + d.get("order_by").asText()
          + " lost to line " + d.get("kept").get("line").asInt() + " order_by " + d.get("kept").get("order_by").asText()
          + " " + d.get("record"));
    }
    assertThat(seen.stream().sorted().toList(), equalTo(List.of(
        "2 id=1 order_by 10 lost to line 4 order_by 30 "
            + "{\"id\":\"1\",\"name\":\"Ann Lee\",\"email\":\"ann@x.io\",\"state\":\"CA\",\"tier\":\"gold\",\"updated\":10}",
        "6 id=2 order_by 5 lost to line 3 order_by 20 "
            + "{\"id\":\"2\",\"name\":\"Bob\",\"email\":\"bob@x.io\",\"state\":\"CA\",\"tier\":\"gold\",\"updated\":5}",
        "7 id=1 order_by 20 lost to line 4 order_by 30 "
            + "{\"id\":\"1\",\"name\":\"Ann\",\"email\":\"ann-x\",\"state\":\"CA\",\"tier\":\"gold\",\"updated\":20}")));

    List<String> warned = new ArrayList<>();
    for (String line : CauceRun.published(run.output.resolve("warned"))) {
      JsonNode w = JSON.readTree(line);
      List<String> reasons = new ArrayList<>();
      w.get("warnings").forEach(v -> reasons.add(v.get("reason").asText() + "/" + v.get("field").asText()));
      warned.add(w.get("line").asInt() + " " + reasons + " " + w.get("record").get("email").asText());
    }
    assertThat(warned.stream().sorted().toList(), equalTo(List.of(
        "3 [email_has_at/email] bob-at-x", "7 [email_has_at/email] ann-x", "8 [email_has_at/email] di")));

    LiveOutput live = LiveOutput.read(run.output.toString());
    assertThat("the commit counts the dropped lines", live.commit().get().sink("duplicates").get().records(), equalTo(3L));
    assertThat(live.files("warned").size(), equalTo(1));
  }

  @Test
  public void aJsonKeyGivenTwiceKeptByDuplicateKeysLastIsAWarnedRecord() throws IOException {
    CauceRun run = run("dk", "dk.jsonl", "{\"id\":\"a\",\"v\":1}\n{\"id\":\"b\",\"v\":1,\"v\":2}\n{\"id\":\"c\",\"v\":3}\n",
        "name: dk\nsource: {path: IN/*.jsonl, format: jsonl, duplicate_keys: last}\n"
            + "schema: [{name: id, type: string}, {name: v, type: int}]\ndead_letter: {warned: warned}\n",
        "check: read 3 = written 3 + rejected 0 + duplicates 0  OK");
    assertThat(onlyWarned(run), equalTo("2 duplicate_key {\"id\":\"b\",\"v\":2}"));
    assertThat(run.count("warnings_by_rule", "duplicate_key"), equalTo(1L));
  }

  @Test
  public void aRecordFailingARowExpectationWithinMostlyIsAWarnedRecord() throws IOException {
    CauceRun run = run("ex", "ex.csv", "id,email\n1,a@x.io\n2,N/A\n3,c@x.io\n4,d@x.io\n",
        "name: ex\nsource: {path: IN/*.csv, format: csv}\n"
            + "schema: [{name: id, type: string}, {name: email, type: string}]\n"
            + "expectations: [{type: expect_column_values_to_not_be_null, column: email, mostly: 0.5}]\n"
            + "dead_letter: {warned: warned}\n",
        "check: read 4 = written 4 + rejected 0 + duplicates 0  OK");
    assertThat(onlyWarned(run), equalTo("3 expect_column_values_to_not_be_null:email {\"id\":\"2\",\"email\":null}"));
    assertThat(run.count("changed_by_step", "null_tokens.email"), equalTo(1L));
  }

  /** Runs {@code spec} ({@code IN}: the input folder) on this runner over one input file; it must succeed with {@code check}. */
  private CauceRun run(String name, String file, String input, String spec, String check) throws IOException {
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve(file), input);
    Path specFile = tmp.getRoot().toPath().resolve(name + ".yaml");
    Files.writeString(specFile, spec.replace("IN", in.toString()));
    List<String> args = new ArrayList<>(List.of("--spec=" + specFile));
    args.addAll(List.of(runnerArgs));
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), name + "-1", args.toArray(String[]::new));
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString(check));
    return run;
  }

  /** The one warned record: its line, first warning's reason and record. */
  private static String onlyWarned(CauceRun run) throws IOException {
    List<String> warned = CauceRun.published(run.output.resolve("warned"));
    assertThat(warned.size(), equalTo(1));
    JsonNode w = JSON.readTree(warned.get(0));
    return w.get("line").asInt() + " " + w.get("warnings").get(0).get("reason").asText() + " " + w.get("record");
  }
}
