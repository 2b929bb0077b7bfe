package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.parse;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.PipelineSpec.ValueMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Spec checks of from, derive and map on schema fields. */
public class ReshapeSpecTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static String spec(String... fields) {
    return "name: m\nsource: {path: in/*.jsonl, format: jsonl}\nschema:\n"
        + String.join("", java.util.Arrays.stream(fields).map(f -> "  - " + f + "\n").toList());
  }

  @Test
  public void fromTakesAnyKeyOrAPointer() {
    PipelineSpec s = parse(spec("{name: gross, type: long, from: US Gross}", "{name: zip, type: string, from: /address/zip}",
        "{name: id, type: string}"));
    assertThat(s.schema().get(0).source(), equalTo("US Gross"));
    assertThat(s.schema().get(1).source(), equalTo("/address/zip"));
    assertThat(s.schema().get(2).source(), equalTo("id"));
  }

  @Test
  public void aSourceNameFeedsOneField() {
    assertOnlyProblem(spec("{name: a, type: string, from: X}", "{name: b, type: string, from: X}"),
        "schema[1].from", 5, "source name \"X\" is read by another field too (schema[0]); each source name feeds one field");
    assertOnlyProblem(spec("{name: a, type: string}", "{name: b, type: string, from: a}"),
        "schema[1].from", 5, "source name \"a\" is read by another field too (schema[0])");
  }

  @Test
  public void aBadPointerOrAnEmptyFromIsRefused() {
    assertOnlyProblem(spec("{name: a, type: string, from: /a~2b}"), "schema[0].from", 4,
        "invalid JSON pointer \"/a~2b\": ~ must be written ~0 (and / inside a key ~1)");
    assertOnlyProblem(spec("{name: a, type: string, from: \"\"}"), "schema[0].from", 4,
        "must name the source key, JSON pointer or CSV header it is read from");
  }

  @Test
  public void deriveIsCheckedAgainstTheFieldsBeforeIt() {
    PipelineSpec s = parse(spec("{name: city, type: string}", "{name: st, type: string, derive: 'extract(city, \" ([A-Z]{2})$\", 1)'}"));
    assertThat(s.schema().get(1).derived(), equalTo(true));
    assertOnlyProblem(spec("{name: a, type: int, derive: 'b + 1'}", "{name: b, type: int, derive: 'c'}", "{name: c, type: int}"),
        "schema[0].derive", 4, "derive reads \"b\", which is no field read from the source or derived before it; readable fields: c");
    assertOnlyProblem(spec("{name: c, type: string}", "{name: a, type: int, derive: 'c > 1'}"), "schema[1].derive", 5,
        "c > 1: \"c\" is a string field and 1 is a number; they cannot be compared");
    assertOnlyProblem(spec("{name: c, type: date}", "{name: a, type: int, derive: 'c'}"), "schema[1].derive", 5,
        "expression returns a date, which a int field cannot hold");
    assertOnlyProblem(spec("{name: c, type: string}", "{name: a, type: string, derive: 'extract(c, \"(a\", 1)'}"),
        "schema[1].derive", 5, "extract(c, '(a', 1): invalid regex \"(a\": Unclosed group near index 2");
    assertOnlyProblem(spec("{name: c, type: string}", "{name: a, type: string, derive: 'extract(c, \"(a)\", 2)'}"),
        "schema[1].derive", 5, "group 2 is not in the pattern (it has 1)");
    assertOnlyProblem(spec("{name: c, type: string}", "{name: a, type: string, from: c2, derive: 'c'}"),
        "schema[1].derive", 5, "a derived field is computed, not read: remove from or derive");
  }

  @Test
  public void mapInlineOrFromAFile() throws IOException {
    PipelineSpec s = parse(spec("{name: st, type: string, map: {\"Calif.\": CA, Mass: MA}, map_case: insensitive, map_nearest: 1}"));
    assertThat(s.schema().get(0).map(), equalTo(new ValueMap(Map.of("Calif.", "CA", "Mass", "MA"), true, 1)));
    Path dir = tmp.getRoot().toPath();
    Files.writeString(dir.resolve("states.csv"), "from,to\nCalif.,CA\n\"Mass, the\",MA\n");
    Path specFile = dir.resolve("m.yaml");
    Files.writeString(specFile, spec("{name: st, type: string, map_file: states.csv}"));
    assertThat(SpecLoader.load(specFile).schema().get(0).map(),
        equalTo(new ValueMap(Map.of("Calif.", "CA", "Mass, the", "MA"), false, 0)));
  }

  @Test
  public void badDictionariesAreRefused() throws IOException {
    assertOnlyProblem(spec("{name: st, type: string, map: {a: X, A: Y}, map_case: insensitive}"), "schema[0].map", 4,
        "\"A\" maps to \"Y\" and, ignoring case, to \"X\": with map_case: insensitive each key must map to one value");
    assertOnlyProblem(spec("{name: st, type: string, map: {a: X}, map_nearest: 4}"), "schema[0].map_nearest", 4,
        "must be between 0 and 3, got 4");
    assertOnlyProblem(spec("{name: st, type: string, map_case: exact}"), "schema[0].map_case", 4, "needs map or map_file");
    assertOnlyProblem(spec("{name: st, type: string, map: [a]}"), "schema[0].map", 4, "expected a map of from: to values");
    Path dir = tmp.getRoot().toPath();
    Files.writeString(dir.resolve("bad.csv"), "key,value\na,b\n");
    Files.writeString(dir.resolve("m.yaml"), spec("{name: st, type: string, map_file: bad.csv}"));
    SpecException e = SpecTesting.loadFails(dir.resolve("m.yaml"));
    assertThat(e.problems().get(0).message(), equalTo(dir.resolve("bad.csv") + ": the first line must be the header from,to"));
  }
}
