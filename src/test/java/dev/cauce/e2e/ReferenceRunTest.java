package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Reference tables end to end on the Direct runner and embedded Flink p=2, with the same figures: a
 * hand-made CSV reference (relative to the project) used by two lookups (one leaving null, one
 * rejecting a miss) and, keyed by two columns, by an in_reference rule; a null key looks nothing up.
 */
@RunWith(Parameterized.class)
public class ReferenceRunTest {
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
      name: shops
      source: {path: in/*.csv, format: csv}
      references:
        - {name: zips, path: ref/zips.csv, key: [zip]}
        - {name: zip_states, path: ref/zips.csv, key: [zip, state]}
      schema:
        - {name: id, type: string, required: true}
        - {name: zip, type: string}
        - {name: state, type: string}
        - {name: city, type: string, lookup: {reference: zips, on: [zip]}}
        - {name: ref_state, type: string, lookup: {reference: zips, on: [zip], column: state, on_missing: reject}}
      validate:
        - {name: zip_state_known, rule: in_reference, reference: zip_states, fields: [zip, state]}
      dedupe: {key: [id]}
      """;

  /** 02134 twice: the first row wins (Allston), with a warning. */
  static final String ZIPS = "zip,city,state\n02134,Allston,MA\n10001,New York,NY\n60601,Chicago,IL\n94103,San Francisco,CA\n"
      + "02134,Boston,MA\n";

  static final String INPUT = String.join("\n",
      "id,zip,state",
      "1,02134,MA", // found by both lookups and the rule
      "2,10001,NY",
      "3,10001,NJ", // looked up, but (zip, state) is not in zip_states: rejected by the rule
      "4,99999,CA", // city missed (null), ref_state missed: rejected, lookup_missed
      "5,,CA", // null zip: nothing looked up, the rule passes
      "6,94103,CA",
      "6,94103,CA", // a duplicate of 6
      ",60601,IL", // looked up; no id: rejected, id_required
      "");

  @Test
  public void looksUpAndChecksAgainstAReferenceWithTheSameFiguresOnEveryRunner() throws IOException {
    Path dir = tmp.getRoot().toPath();
    Files.createDirectories(dir.resolve("in"));
    Files.createDirectories(dir.resolve("ref"));
    Files.writeString(dir.resolve("in/shops.csv"), INPUT);
    Files.writeString(dir.resolve("ref/zips.csv"), ZIPS);
    Files.writeString(dir.resolve("shops.yaml"), SPEC);
    List<String> args = new ArrayList<>(List.of("--spec=" + dir.resolve("shops.yaml")));
    args.addAll(List.of(runnerArgs));
    CauceRun run = CauceRun.run(dir.resolve("out"), "ref-1", args.toArray(String[]::new));

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 8 = written 4 + rejected 3 + duplicates 1  OK"));
    assertThat(run.stderr, containsString("cauce: warning: reference zips: 1 row(s) repeat a key of an earlier row;"
        + " the first row of each key is used\n"));
    assertThat(run.stderr, containsString("cauce: warning: reference zip_states: 1 row(s) repeat a key of an earlier row;"));
    assertThat(run.stdout, containsString("  looked up            12  (lookups that found a reference row) city 6, ref_state 6\n"));
    assertThat(run.stdout, containsString("  lookup missed         2  (key not in the reference) city 1, ref_state 1\n"));
    assertThat(run.count("lookups_filled_by_field", "city"), equalTo(6L));
    assertThat(run.count("lookups_filled_by_field", "ref_state"), equalTo(6L));
    assertThat(run.count("lookups_missed_by_field", "city"), equalTo(1L));
    assertThat(run.count("lookups_missed_by_field", "ref_state"), equalTo(1L));
    assertThat(run.count("rejected_by_stage", "clean"), equalTo(1L));
    assertThat(run.count("rejected_by_stage", "validate"), equalTo(2L));
    assertThat(run.count("violations_by_stage_and_reason", "clean", "lookup_missed"), equalTo(1L));
    assertThat(run.count("violations_by_stage_and_reason", "validate", "zip_state_known"), equalTo(1L));
    assertThat(run.count("violations_by_stage_and_reason", "validate", "id_required"), equalTo(1L));
    assertThat(run.count("duplicates"), equalTo(1L));

    assertThat(CauceRun.published(run.output.resolve("shops")).stream().sorted().toList(), equalTo(List.of(
        "{\"id\":\"1\",\"zip\":\"02134\",\"state\":\"MA\",\"city\":\"Allston\",\"ref_state\":\"MA\"}",
        "{\"id\":\"2\",\"zip\":\"10001\",\"state\":\"NY\",\"city\":\"New York\",\"ref_state\":\"NY\"}",
        "{\"id\":\"5\",\"zip\":null,\"state\":\"CA\",\"city\":null,\"ref_state\":null}",
        "{\"id\":\"6\",\"zip\":\"94103\",\"state\":\"CA\",\"city\":\"San Francisco\",\"ref_state\":\"CA\"}")));
    List<String> dead = new ArrayList<>();
    for (Map<String, String> r : CauceRun.deadLetter(run.output.resolve("rejected"))) {
      dead.add(r.get("line") + " " + r.get("stage") + " " + r.get("reasons") + ": " + r.get("message"));
    }
    assertThat(dead.stream().sorted().toList(), equalTo(List.of(
        "4 validate zip_state_known: zip, state [\"10001\", \"NJ\"] is not in reference zip_states",
        "5 clean lookup_missed: ref_state: zip \"99999\" is not in reference zips",
        "9 validate id_required: id is required")));
  }
}
