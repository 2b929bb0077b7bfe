package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Reshaping end to end on the Direct runner and embedded Flink p=2, with the same figures: fields read
 * from JSON keys with spaces and JSON pointers (nested objects, arrays, out of range), derived fields
 * (regex extract, cast to int) used by a rule and the dedupe key, and a dictionary with nearest match.
 */
@RunWith(Parameterized.class)
public class ReshapeRunTest {
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
      name: movies
      source: {path: IN/*.jsonl, format: jsonl}
      schema:
        - {name: title, type: string, required: true, from: Title}
        - {name: us_gross, type: long, from: US Gross}
        - {name: released, type: string, from: Release Date}
        - {name: director, type: string, from: /Director/Name}
        - {name: first_tag, type: string, from: /Tags/0}
        - {name: location, type: string, from: Location}
        - name: state
          type: string
          from: State
          map: {"Calif.": CA, "Calif": CA, "Mass.": MA, "Miss.": MS}
          map_case: insensitive
          map_nearest: 1
        - {name: year, type: int, derive: 'extract(released, "^([0-9]+)-", 1)'}
        - {name: loc_state, type: string, derive: 'extract(location, " ([A-Z]{2})$", 1)'}
      validate:
        - {name: state_matches_location, rule: expression, expr: 'loc_state == state', severity: warn}
        - {name: year_known, rule: not_null, field: year}
      dedupe: {key: [title, year]}
      """;

  static final String INPUT = String.join("\n",
      "{\"Title\":\"Alien\",\"US Gross\":78900000,\"Release Date\":\"1979-05-25\",\"Director\":{\"Name\":\"Ridley Scott\"},\"Tags\":[\"sci-fi\",\"horror\"],\"Location\":\"San Francisco CA\",\"State\":\"Calif.\"}",
      "{\"Title\":\"Jaws\",\"US Gross\":\"260000000\",\"Release Date\":\"1975-06-20\",\"Director\":{\"Name\":\"Steven Spielberg\"},\"Tags\":[],\"Location\":\"Amity MA\",\"State\":\"Mass\"}",
      "{\"Title\":\"Alien\",\"US Gross\":78900000,\"Release Date\":\"1979-05-25\",\"Director\":{\"Name\":\"Ridley Scott\"},\"Tags\":[\"sci-fi\",\"horror\"],\"Location\":\"San Francisco CA\",\"State\":\"calif\"}",
      "{\"Title\":\"Heat\",\"US Gross\":null,\"Release Date\":\"unknown\",\"Director\":\"Michael Mann\",\"State\":\"CA\"}",
      "{\"Title\":\"Big\",\"Release Date\":\"99999999999-01-01\",\"State\":\"NY\"}",
      "{\"Title\":\"Tie\",\"Release Date\":\"2001-01-01\",\"Tags\":\"x\",\"Location\":\"Dallas TX\",\"State\":\"Muss.\"}",
      "{\"Title\":\"Nested\",\"Release Date\":\"2002-02-02\",\"Director\":{\"Name\":{\"First\":\"A\"}},\"State\":\"CA\"}",
      "");

  @Test
  public void readsMapsAndDerivesWithTheSameFiguresOnEveryRunner() throws IOException {
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve("movies.jsonl"), INPUT);
    Path spec = tmp.getRoot().toPath().resolve("movies.yaml");
    Files.writeString(spec, SPEC.replace("IN", in.toString()));
    List<String> args = new ArrayList<>(List.of("--spec=" + spec));
    args.addAll(List.of(runnerArgs));
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "mv-1", args.toArray(String[]::new));

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 7 = written 3 + rejected 3 + duplicates 1  OK"));
    assertThat(run.stdout, containsString("  mapped                3  (values changed by map) state 3\n"));
    assertThat(run.count("rejected_by_stage", "parse"), equalTo(1L));
    assertThat(run.count("rejected_by_stage", "clean"), equalTo(1L));
    assertThat(run.count("rejected_by_stage", "validate"), equalTo(1L));
    assertThat(run.count("violations_by_stage_and_reason", "validate", "year_known"), equalTo(1L));
    assertThat(run.count("violations_by_stage_and_reason", "clean", "derive_failed"), equalTo(1L));
    assertThat(run.count("violations_by_stage_and_reason", "parse", "not_a_scalar"), equalTo(1L));
    assertThat(run.count("warnings_by_rule", "state_matches_location"), equalTo(1L));
    assertThat(run.count("mapped_by_field", "state"), equalTo(3L));
    assertThat(run.count("duplicates"), equalTo(1L));

    List<String> rows = CauceRun.published(run.output.resolve("movies")).stream().sorted().toList();
    assertThat(String.join("\n", rows), equalTo(String.join("\n",
        "{\"title\":\"Alien\",\"us_gross\":78900000,\"released\":\"1979-05-25\",\"director\":\"Ridley Scott\",\"first_tag\":\"sci-fi\","
            + "\"location\":\"San Francisco CA\",\"state\":\"CA\",\"year\":1979,\"loc_state\":\"CA\"}",
        "{\"title\":\"Jaws\",\"us_gross\":260000000,\"released\":\"1975-06-20\",\"director\":\"Steven Spielberg\",\"first_tag\":null,"
            + "\"location\":\"Amity MA\",\"state\":\"MA\",\"year\":1975,\"loc_state\":\"MA\"}",
        "{\"title\":\"Tie\",\"us_gross\":null,\"released\":\"2001-01-01\",\"director\":null,\"first_tag\":null,"
            + "\"location\":\"Dallas TX\",\"state\":\"Muss.\",\"year\":2001,\"loc_state\":\"TX\"}")));

    List<String> dead = new ArrayList<>();
    for (String line : CauceRun.published(run.output.resolve("rejected"))) {
      JsonNode r = new ObjectMapper().readTree(line);
      dead.add(r.get("line").asInt() + " " + r.get("stage").asText() + " " + r.get("reason").asText() + ": " + r.get("message").asText());
    }
    assertThat(dead.stream().sorted().toList(), equalTo(List.of(
        "4 validate year_known: year must not be null", // "unknown": extract found no match, so year is null
        "5 clean derive_failed: year: derive extract(released, \"^([0-9]+)-\", 1) failed: \"99999999999\" is out of range for an int"
            + " (released = \"99999999999-01-01\")",
        "7 parse not_a_scalar: director: expected a scalar value, found an object")));
  }

  @Test
  public void csvHeaderTextsAndADictionaryFileGiveTheSameFiguresOnEveryRunner() throws IOException {
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve("fares.csv"), "Vendor-ID,Fare Amount,Pay Type\nV1,10.00,Crd\nV2,20.00,cash\nV3,30.00,CRD\nV4,x,Card\n");
    Path dir = tmp.getRoot().toPath();
    Files.writeString(dir.resolve("pay.csv"), "from,to\nCard,card\nCash,cash\n");
    Files.writeString(dir.resolve("fares.yaml"), "name: fares\nsource: {path: " + in + "/*.csv, format: csv}\n" + """
        schema:
          - {name: vendor_id, type: string, required: true, from: Vendor-ID}
          - {name: fare, type: decimal, from: Fare Amount}
          - {name: pay, type: string, from: Pay Type, map_file: pay.csv, map_case: insensitive, map_nearest: 1}
          - {name: cents, type: long, derive: 'fare * 100'}
        """);
    List<String> args = new ArrayList<>(List.of("--spec=" + dir.resolve("fares.yaml")));
    args.addAll(List.of(runnerArgs));
    CauceRun run = CauceRun.run(dir.resolve("out"), "fa-1", args.toArray(String[]::new));

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 4 = written 3 + rejected 1 + duplicates 0  OK"));
    assertThat(run.stdout, containsString("  mapped                3  (values changed by map) pay 3\n"));
    assertThat(run.count("violations_by_stage_and_reason", "clean", "invalid_number"), equalTo(1L));
    assertThat(CauceRun.published(run.output.resolve("fares")).stream().sorted().toList(), equalTo(List.of(
        "{\"vendor_id\":\"V1\",\"fare\":10.00,\"pay\":\"card\",\"cents\":1000}",
        "{\"vendor_id\":\"V2\",\"fare\":20.00,\"pay\":\"cash\",\"cents\":2000}",
        "{\"vendor_id\":\"V3\",\"fare\":30.00,\"pay\":\"card\",\"cents\":3000}")));
  }
}
