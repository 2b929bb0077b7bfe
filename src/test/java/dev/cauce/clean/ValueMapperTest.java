package dev.cauce.clean;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.PipelineSpec.ValueMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;

/** Value dictionaries: exact, case-insensitive, nearest within a distance, ties left alone. */
public class ValueMapperTest {
  private static Map<String, String> states() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Calif.", "CA");
    m.put("Calif", "CA");
    m.put("Mass.", "MA");
    m.put("Miss.", "MS");
    return m;
  }

  @Test
  public void exactMapsOnlyTheKeysAsWritten() {
    ValueMapper m = ValueMapper.of(new ValueMap(states(), false, 0));
    assertThat(m.map("Calif."), equalTo("CA"));
    assertThat(m.map("calif."), equalTo("calif."));
    assertThat(m.map("Mass"), equalTo("Mass"));
    assertThat(m.map("CA"), equalTo("CA"));
  }

  @Test
  public void insensitiveFoldsCase() {
    ValueMapper m = ValueMapper.of(new ValueMap(states(), true, 0));
    assertThat(m.map("CALIF."), equalTo("CA"));
    assertThat(m.map("calif"), equalTo("CA"));
    assertThat(m.map("Mass"), equalTo("Mass"));
  }

  @Test
  public void nearestTakesTheOneClosestKeyWithinTheDistanceAndLeavesTies() {
    ValueMapper m = ValueMapper.of(new ValueMap(states(), true, 1));
    assertThat(m.map("Mass"), equalTo("MA")); // 1 from "mass.", 2 from "miss."
    assertThat(m.map("Cali"), equalTo("CA")); // 1 from "calif", 2 from "calif."
    assertThat(m.map("Muss."), equalTo("Muss.")); // 1 from both "mass." and "miss.": a tie
    assertThat(m.map("Texas"), equalTo("Texas"));
    assertThat(m.map(""), equalTo(""));
    assertThat(ValueMapper.of(new ValueMap(states(), false, 1)).map("mass."), equalTo("MA"));
    assertThat(ValueMapper.of(new ValueMap(states(), false, 2)).map("Ma"), equalTo("Ma")); // 3 from every key
  }

  @Test
  public void theCleanerMapsAfterTheStepsBeforeTheDefaultAndTellsEachChange() {
    dev.cauce.spec.PipelineSpec spec = dev.cauce.spec.load.SpecTesting.parse("""
        name: m
        source: {path: in/*.jsonl, format: jsonl}
        schema:
          - {name: st, type: string, map: {"Calif.": CA, "-": "N/A"}, map_case: insensitive}
        clean:
          fields:
            st: {steps: [upper], default: "ZZ"}
        """);
    Cleaner c = Cleaner.create(spec);
    java.util.List<String> changed = new java.util.ArrayList<>();
    java.util.function.Function<String, Object> clean = v -> c.clean(
        org.apache.beam.sdk.values.Row.withSchema(dev.cauce.coders.Schemas.raw(spec)).attachValues(new java.util.ArrayList<>(
            java.util.Collections.singletonList(v))), changed::add).value().getValue(0);
    assertThat(clean.apply(" calif. "), equalTo("CA"));
    assertThat(clean.apply("CA"), equalTo("CA"));
    assertThat(clean.apply("-"), equalTo("N/A")); // a mapped value is not a null token: those ran before
    assertThat(clean.apply(null), equalTo("ZZ"));
    assertThat(changed, equalTo(java.util.List.of("st", "st")));
  }

  @Test
  public void distanceIsLevenshteinCappedAtTheLimit() {
    assertThat(ValueMapper.distance("kitten", "sitting", 10), equalTo(3));
    assertThat(ValueMapper.distance("kitten", "sitting", 2), equalTo(2));
    assertThat(ValueMapper.distance("", "abc", 5), equalTo(3));
    assertThat(ValueMapper.distance("same", "same", 1), equalTo(0));
  }
}
