package dev.cauce.repair;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.DependencySpec.Repair;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/** Majority vote and the repair of one group: ties, margins, nulls, groups of one, several fields on each side. */
public class DependencyRepairTest {
  static final Schema SCHEMA = Schema.builder()
      .addNullableField("zip", Schema.FieldType.STRING)
      .addNullableField("country", Schema.FieldType.STRING)
      .addNullableField("city", Schema.FieldType.STRING)
      .addNullableField("state", Schema.FieldType.STRING)
      .addNullableField("price", Schema.FieldType.DECIMAL)
      .build();

  static Row row(String zip, String country, String city, String state) {
    return Row.withSchema(SCHEMA).addValues(zip, country, city, state, null).build();
  }

  static DependencyRepair dep(List<String> determinant, List<String> dependent, double minShare, int minLead) {
    return new DependencyRepair(new DependencySpec("d", determinant, dependent, Repair.MAJORITY, minShare, minLead));
  }

  static final DependencyRepair ZIP = dep(List.of("zip"), List.of("city", "state"), 0.5, 1);

  static List<String> cells(DependencyRepair.Outcome o) {
    return o.cells().stream().map(c -> c.record() + " " + c.field() + " " + c.old() + "→" + c.value() + " " + c.support()).toList();
  }

  static Map<String, Integer> votes(Object... valueCount) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < valueCount.length; i += 2) {
      m.put((String) valueCount[i], (Integer) valueCount[i + 1]);
    }
    return m;
  }

  @Test
  public void theMostFrequentValueWinsByTheMargin() {
    assertThat(MajorityVote.winner(votes("a", 7, "b", 2), 0.5, 1).support(), equalTo("7/9"));
    assertThat(MajorityVote.winner(votes("a", 2, "b", 7), 0.5, 1).value(), equalTo("b"));
    assertThat(MajorityVote.winner(votes("a", 3, "b", 3), 0.0, 1), nullValue()); // a tie never wins
    assertThat(MajorityVote.winner(votes("a", 3, "b", 3, "c", 4), 0.0, 1).value(), equalTo("c")); // plurality
    assertThat(MajorityVote.winner(votes("a", 3, "b", 3, "c", 4), 0.5, 1), nullValue()); // 4/10 < half
    assertThat(MajorityVote.winner(votes(), 0.5, 1), nullValue());
  }

  @Test
  public void marginBoundariesAreInclusive() {
    assertThat(MajorityVote.winner(votes("a", 2, "b", 1, "c", 1), 0.5, 1).support(), equalTo("2/4")); // share exactly 0.5
    assertThat(MajorityVote.winner(votes("a", 2, "b", 1, "c", 1), 0.51, 1), nullValue());
    assertThat(MajorityVote.winner(votes("a", 5, "b", 3), 0.5, 2).support(), equalTo("5/8")); // lead exactly 2
    assertThat(MajorityVote.winner(votes("a", 5, "b", 4), 0.5, 2), nullValue());
    assertThat(MajorityVote.winner(votes("a", 1), 1.0, 1).support(), equalTo("1/1"));
  }

  @Test
  public void aDisagreeingGroupIsRepairedFieldByField() {
    DependencyRepair.Outcome o = ZIP.repair(List.of(
        row("35233", null, "Birmingham", "AL"), row("35233", null, "Birmingam", "AL"), row("35233", null, "Birmingham", "AK")));
    assertThat(o.violation(), equalTo(true));
    assertThat(o.unresolved(), equalTo(0));
    assertThat(cells(o), equalTo(List.of("1 city Birmingam→Birmingham 2/3", "2 state AK→AL 2/3")));
    assertThat(o.rows().get(1).getString("city"), equalTo("Birmingham"));
    assertThat(o.rows().get(2).getString("state"), equalTo("AL"));
    assertThat(o.rows().get(2).getString("city"), equalTo("Birmingham"));
  }

  @Test
  public void aTieIsUnresolvedAndLeftAsItWas() {
    List<Row> in = List.of(row("1", null, "A", "X"), row("1", null, "B", "X"));
    DependencyRepair.Outcome o = ZIP.repair(in);
    assertThat(o.violation(), equalTo(true));
    assertThat(o.unresolved(), equalTo(1)); // city only: state agrees
    assertThat(o.cells(), equalTo(List.of()));
    assertThat(o.rows(), equalTo(in));
  }

  @Test
  public void belowTheMarginIsUnresolved() {
    DependencyRepair strict = dep(List.of("zip"), List.of("city"), 0.75, 1);
    List<Row> in = List.of(row("1", null, "A", null), row("1", null, "A", null), row("1", null, "B", null));
    assertThat(strict.repair(in).unresolved(), equalTo(1)); // 2/3 < 0.75
    assertThat(cells(dep(List.of("zip"), List.of("city"), 2.0 / 3, 1).repair(in)), equalTo(List.of("2 city B→A 2/3")));
    assertThat(dep(List.of("zip"), List.of("city"), 0.0, 2).repair(in).unresolved(), equalTo(1)); // lead 1 < 2
  }

  @Test
  public void nullsDoNotVoteButAreFilledIn() {
    DependencyRepair.Outcome o = ZIP.repair(List.of(row("1", null, "A", "X"), row("1", null, null, "X"), row("1", null, "A", null)));
    assertThat(o.violation(), equalTo(true));
    assertThat(cells(o), equalTo(List.of("1 city null→A 2/2", "2 state null→X 2/2")));
    // all null: no violation
    assertThat(ZIP.repair(List.of(row("1", null, null, "X"), row("1", null, null, "X"))).violation(), equalTo(false));
  }

  @Test
  public void aNullDeterminantIsInNoGroup() {
    assertThat(ZIP.keyOf(row(null, null, "A", "X")), nullValue());
    DependencyRepair two = dep(List.of("zip", "country"), List.of("city"), 0.5, 1);
    assertThat(two.keyOf(row("1", null, "A", "X")), nullValue());
    assertThat(two.keyOf(row("1", "US", "A", "X")), equalTo("1:12:US"));
    // keys cannot collide through the separator
    assertThat(two.keyOf(row("1:1", "2", null, null)).equals(two.keyOf(row("1", "1:2", null, null))), equalTo(false));
  }

  @Test
  public void aGroupOfOneOrAnAgreeingGroupIsLeftAlone() {
    DependencyRepair.Outcome one = ZIP.repair(List.of(row("1", null, "A", "X")));
    assertThat(one.violation(), equalTo(false));
    assertThat(one.cells(), equalTo(List.of()));
    DependencyRepair.Outcome same = ZIP.repair(List.of(row("1", null, "A", "X"), row("1", null, "A", "X")));
    assertThat(same.violation(), equalTo(false));
  }

  @Test
  public void multiColumnDeterminantsAndDependents() {
    DependencyRepair d = dep(List.of("zip", "country"), List.of("city", "state"), 0.5, 1);
    List<Row> in = new ArrayList<>(Arrays.asList(
        row("1", "US", "A", "X"), row("1", "US", "A", "Y"), row("1", "US", "B", "X"), row("1", "US", "A", "X")));
    DependencyRepair.Outcome o = d.repair(in);
    assertThat(cells(o), equalTo(List.of("2 city B→A 3/4", "1 state Y→X 3/4")));
    assertThat(d.groupOf(in.get(0)), equalTo(Map.of("zip", "1", "country", "US")));
  }

  @Test
  public void decimalsVoteByTheirNumber() {
    DependencyRepair d = dep(List.of("zip"), List.of("price"), 0.5, 1);
    Row a = Row.withSchema(SCHEMA).addValues("1", null, null, null, new BigDecimal("1.50")).build();
    Row b = Row.withSchema(SCHEMA).addValues("1", null, null, null, new BigDecimal("1.5")).build();
    Row c = Row.withSchema(SCHEMA).addValues("1", null, null, null, new BigDecimal("2")).build();
    DependencyRepair.Outcome o = d.repair(List.of(a, b, c));
    assertThat(cells(o), equalTo(List.of("2 price 2→1.50 2/3")));
  }

  @Test
  public void datesAndTimestampsAreRepairedAsTheirType() {
    Schema s = Schema.builder().addNullableField("k", Schema.FieldType.STRING)
        .addNullableField("d", Schema.FieldType.logicalType(org.apache.beam.sdk.schemas.logicaltypes.SqlTypes.DATE))
        .addNullableField("t", Schema.FieldType.DATETIME).build();
    java.time.LocalDate d1 = java.time.LocalDate.of(2024, 1, 5);
    org.joda.time.Instant t1 = new org.joda.time.Instant(1_700_000_000_000L);
    List<Row> in = List.of(Row.withSchema(s).addValues("k", d1, t1).build(), Row.withSchema(s).addValues("k", d1, t1).build(),
        Row.withSchema(s).addValues("k", java.time.LocalDate.of(2024, 5, 1), new org.joda.time.Instant(0L)).build());
    DependencyRepair.Outcome o = dep(List.of("k"), List.of("d", "t"), 0.5, 1).repair(in);
    assertThat(o.cells().size(), equalTo(2));
    assertThat(o.rows().get(2).getLogicalTypeValue("d", java.time.LocalDate.class), equalTo(d1));
    assertThat(o.rows().get(2).getDateTime("t").getMillis(), equalTo(t1.getMillis()));
  }

  @Test
  public void repairNoneOnlyDetects() {
    DependencyRepair none = new DependencyRepair(new DependencySpec("d", List.of("zip"), List.of("city"), Repair.NONE, 0.5, 1));
    DependencyRepair.Outcome o = none.repair(List.of(row("1", null, "A", null), row("1", null, "A", null), row("1", null, "B", null)));
    assertThat(o.violation(), equalTo(true));
    assertThat(o.cells(), equalTo(List.of()));
    assertThat(o.unresolved(), equalTo(0));
  }

  @Test
  public void aRepairLineNamesTheCellItsGroupAndItsSupport() {
    DependencyRepair.Outcome o = ZIP.repair(List.of(row("9", null, "A", null), row("9", null, "A", null), row("9", null, "B", null)));
    assertThat(RepairJson.line("r1", "p", "zip_to_city", o.cells().get(0), ZIP.groupOf(o.rows().get(2)), "in/a.csv", 4),
        equalTo("{\"run_id\":\"r1\",\"pipeline\":\"p\",\"dependency\":\"zip_to_city\",\"field\":\"city\",\"old\":\"B\",\"new\":\"A\","
            + "\"group\":{\"zip\":\"9\"},\"support\":\"2/3\",\"source\":\"in/a.csv\",\"line\":4}"));
  }
}
