package dev.cauce.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.dedupe.Deduplicate;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Dependencies applied one after the other: the second (city → state) groups by the cities the
 * first (zip → city) repaired; records with a null zip pass; no record is added or lost; the same
 * with either grouping (by key, as on Flink; by hash bucket, as on the Direct runner).
 */
@RunWith(Parameterized.class)
public class RepairDependenciesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Parameters(name = "{0}")
  public static List<Object[]> groupings() {
    return List.of(new Object[] {Deduplicate.Grouping.KEY}, new Object[] {Deduplicate.Grouping.BUCKET});
  }

  @Parameter(0)
  public Deduplicate.Grouping grouping;

  static final PipelineSpec SPEC = SpecLoader.parse("""
      name: t
      source: {path: in/*.csv, format: csv}
      schema:
        - {name: id, type: int}
        - {name: zip, type: string}
        - {name: city, type: string}
        - {name: state, type: string}
      dependencies:
        - {determinant: [zip], dependent: [city]}
        - {determinant: [city], dependent: [state]}
      """, "t.yaml");

  static CauceRecord rec(int id, String zip, String city, String state) {
    Row row = Row.withSchema(Schemas.typed(SPEC)).addValues(id, zip, city, state).build();
    return new CauceRecord(SourceRecord.of("a.csv", id + 1, ""), row);
  }

  @Test
  public void dependenciesRepairInSpecOrderAndKeepEveryRecord() {
    List<CauceRecord> in = new ArrayList<>(List.of(
        rec(1, "1", "A", "X"), rec(2, "1", "A", "X"), rec(3, "1", "B", "Y"), // 3: city B → A, then state Y → X
        rec(4, null, "B", "Z"), // no zip: passes the first; city B alone in the second
        rec(5, "2", "C", "W")));
    for (int i = 6; i < 106; i++) {
      in.add(rec(i, "z" + i, "C", "W")); // 100 groups of one for zip, one group of 101 for city C
    }
    RepairDependencies.Out out = RepairDependencies.apply(
        p.apply(Create.of(in).withCoder(Coders.cauceRecord(Schemas.typed(SPEC)))), SPEC, "r1", grouping);
    PCollection<String> firstFive = out.records()
        .apply(MapElements.into(TypeDescriptors.strings()).via(r -> r.row().getInt32("id") <= 5
            ? r.row().getInt32("id") + " " + r.row().getString("city") + " " + r.row().getString("state") : "other"));
    List<String> expected = new ArrayList<>(List.of("1 A X", "2 A X", "3 A X", "4 B Z", "5 C W"));
    for (int i = 6; i < 106; i++) {
      expected.add("other");
    }
    PAssert.that(firstFive).containsInAnyOrder(expected);
    PAssert.that(out.repairs()).containsInAnyOrder(
        "{\"run_id\":\"r1\",\"pipeline\":\"t\",\"dependency\":\"zip_to_city\",\"field\":\"city\",\"old\":\"B\",\"new\":\"A\","
            + "\"group\":{\"zip\":\"1\"},\"support\":\"2/3\",\"source\":\"a.csv\",\"line\":4}",
        "{\"run_id\":\"r1\",\"pipeline\":\"t\",\"dependency\":\"city_to_state\",\"field\":\"state\",\"old\":\"Y\",\"new\":\"X\","
            + "\"group\":{\"city\":\"A\"},\"support\":\"2/3\",\"source\":\"a.csv\",\"line\":4}");

    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).dependencies(), equalTo(Map.of(
        "zip_to_city", Map.of("violations", 1L, "violating_records", 3L, "repaired", 1L, "unresolved", 0L),
        "city_to_state", Map.of("violations", 1L, "violating_records", 3L, "repaired", 1L, "unresolved", 0L))));
  }
}
