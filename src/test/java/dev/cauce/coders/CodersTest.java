package dev.cauce.coders;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.SourceRecord;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;

public class CodersTest {
  private static final Schema TYPED =
      Schema.builder()
          .addNullableField("s", Schema.FieldType.STRING)
          .addNullableField("i", Schema.FieldType.INT32)
          .addNullableField("l", Schema.FieldType.INT64)
          .addNullableField("d", Schema.FieldType.DOUBLE)
          .addNullableField("b", Schema.FieldType.BOOLEAN)
          .addNullableField("m", Schema.FieldType.DECIMAL)
          .addNullableField("day", Schema.FieldType.logicalType(SqlTypes.DATE))
          .addNullableField("ts", Schema.FieldType.DATETIME)
          .addNullableField("s2", Schema.FieldType.STRING)
          .build();

  private static Row row(Object... values) {
    return Row.withSchema(TYPED).attachValues(Arrays.asList(values));
  }

  private static final List<Row> ROWS =
      List.of(
          row("héllo ✓ 𝄞", 42, 9_000_000_000L, -0.5, true, new BigDecimal("1234.5600"), LocalDate.of(2024, 2, 29),
              new Instant(1_700_000_000_123L), ""),
          row(null, null, null, null, null, null, null, null, null),
          row("", Integer.MIN_VALUE, Long.MIN_VALUE, Double.NaN, false, new BigDecimal("-0.000000000000000000001"),
              LocalDate.of(1901, 1, 1), new Instant(-86_400_001L), "x"),
          row("'); DROP TABLE x; --", Integer.MAX_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY, null,
              new BigDecimal("123456789012345678901234567890E+5"), null, new Instant(0), null));

  @Test
  public void typedRowsRoundTripExactlyAndEqualBeamsRowCoder() throws Exception {
    Coders.TypedRowCoder coder = Coders.typedRow(TYPED);
    for (Row r : ROWS) {
      CoderProperties.coderDecodeEncodeEqual(coder, r);
      Row back = CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, r));
      // decimals keep their scale (1234.5600 is not 1234.56), values keep their Java types
      assertThat(back.getDecimal("m") == null ? null : back.getDecimal("m").scale(),
          equalTo(r.getDecimal("m") == null ? null : r.getDecimal("m").scale()));
      assertThat(back, equalTo(org.apache.beam.sdk.coders.RowCoder.of(TYPED).decode(
          new java.io.ByteArrayInputStream(CoderUtils.encodeToByteArray(org.apache.beam.sdk.coders.RowCoder.of(TYPED), r)))));
    }
  }

  @Test
  public void recordsRoundTripWithTheirOrigin() throws Exception {
    Coders.CauceRecordCoder coder = Coders.cauceRecord(TYPED);
    CoderProperties.coderDecodeEncodeEqual(coder, new CauceRecord(new SourceRecord("/in/a.csv", 7, "a,b", "x,y"), ROWS.get(0)));
    CoderProperties.coderDecodeEncodeEqual(coder, new CauceRecord(SourceRecord.of("gs://b/o.jsonl", 1, ""), ROWS.get(1)));
  }

  private static final String BENCH = "target/bench/data/orders-1000000-0.05-0.05-42.jsonl";
  private static final List<String> TABLE = List.of("/in/a.csv", BENCH, "/in/a.csv.gz");

  private static CauceRecord located(String source, long line) {
    return new CauceRecord(new SourceRecord(source, line, "", null), ROWS.get(0));
  }

  @Test
  public void aListedSourceTravelsAsItsIndexAndComesBackAsTheTablesOwnString() throws Exception {
    Coders.CauceRecordCoder coder = Coders.cauceRecord(TYPED, TABLE);
    for (String source : TABLE) {
      // a copy of the path, not the table's instance: found by value
      CauceRecord r = located(new String(source.toCharArray()), 7);
      CoderProperties.coderDecodeEncodeEqual(coder, r);
      CauceRecord back = CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, r));
      assertThat(back.origin().source() == coder.sources().get(TABLE.indexOf(source)), equalTo(true));
    }
    // one byte (the index) instead of three fields: the 0 marker, the path's length and its text
    int inline = CoderUtils.encodeToByteArray(Coders.cauceRecord(TYPED), located(BENCH, 7)).length;
    int indexed = CoderUtils.encodeToByteArray(coder, located(BENCH, 7)).length;
    assertThat(inline - indexed, equalTo(1 + 1 + BENCH.length() - 1));
  }

  @Test
  public void aSourceOutsideTheTableOrWithoutOneTravelsAsItsPath() throws Exception {
    // prefixes and extensions of listed paths are other sources
    for (String source : List.of("/in/a", "/in/a.csv.g", "/in/a.csv.gz.1", "", "héllo/✓.jsonl")) {
      for (Coders.CauceRecordCoder coder : List.of(Coders.cauceRecord(TYPED, TABLE), Coders.cauceRecord(TYPED, null),
          Coders.cauceRecord(TYPED, List.of()), Coders.cauceRecord(TYPED))) {
        CoderProperties.coderDecodeEncodeEqual(coder, located(source, 3));
      }
    }
    assertThat(Coders.cauceRecord(TYPED, null).sources(), equalTo(List.of()));
    assertThat(Coders.cauceRecord(TYPED, List.of()), equalTo(Coders.cauceRecord(TYPED)));
  }

  @Test
  public void coderEqualityIncludesTheTableAndAnIndexBeyondItIsACoderError() throws Exception {
    assertThat(Coders.cauceRecord(TYPED, TABLE), equalTo(Coders.cauceRecord(TYPED, List.copyOf(TABLE))));
    assertThat(Coders.cauceRecord(TYPED, TABLE).hashCode(), equalTo(Coders.cauceRecord(TYPED, List.copyOf(TABLE)).hashCode()));
    assertThat(Coders.cauceRecord(TYPED, TABLE).equals(Coders.cauceRecord(TYPED, TABLE.subList(0, 2))), equalTo(false));
    assertThat(Coders.cauceRecord(TYPED, TABLE).equals(Coders.cauceRecord(TYPED)), equalTo(false));
    // written with index 3 (the third path), read with a table of two
    byte[] bytes = CoderUtils.encodeToByteArray(Coders.cauceRecord(TYPED, TABLE), located("/in/a.csv.gz", 1));
    CoderException e = assertThrows(CoderException.class,
        () -> CoderUtils.decodeFromByteArray(Coders.cauceRecord(TYPED, TABLE.subList(0, 2)), bytes));
    assertThat(e.getMessage(), equalTo("source 3 beyond the table of 2"));
  }

  @Test
  public void theTableTravelsWithTheSerializedCoder() throws Exception {
    Coders.CauceRecordCoder coder = Coders.cauceRecord(TYPED, TABLE);
    CoderProperties.coderSerializable(coder);
    SerializableUtils.ensureSerializable(coder);
    Coders.CauceRecordCoder copy = SerializableUtils.clone(coder);
    assertThat(copy, equalTo(coder));
    assertThat(copy.sources(), equalTo(TABLE));
    // what one worker encodes another decodes, to the copy's own instances
    byte[] bytes = CoderUtils.encodeToByteArray(coder, located(BENCH, 9));
    CauceRecord a = CoderUtils.decodeFromByteArray(copy, bytes);
    CauceRecord b = CoderUtils.decodeFromByteArray(copy, bytes);
    assertThat(a, equalTo(located(BENCH, 9)));
    assertThat(a.origin().source() == copy.sources().get(1) && b.origin().source() == a.origin().source(), equalTo(true));
    assertThat(CoderUtils.encodeToByteArray(copy, a), equalTo(bytes));
  }

  @Test
  public void aTableHoldsAtMostMaxPathsTheRestTravelInline() throws Exception {
    List<String> many = java.util.stream.IntStream.range(0, SourceTable.MAX_PATHS + 2).mapToObj(i -> "/in/" + i + ".csv").toList();
    Coders.CauceRecordCoder coder = Coders.cauceRecord(TYPED, many);
    assertThat(coder.sources(), equalTo(many.subList(0, SourceTable.MAX_PATHS)));
    for (String source : List.of(many.get(0), many.get(SourceTable.MAX_PATHS - 1), many.get(SourceTable.MAX_PATHS + 1))) {
      CoderProperties.coderDecodeEncodeEqual(coder, located(source, 1));
    }
  }

  @Test
  public void recordsAsBytesRoundTripAndEqualTheFramesInside() throws Exception {
    Coders.CauceRecordCoder coder = Coders.cauceRecord(TYPED);
    for (Row row : ROWS) {
      CauceRecord r = new CauceRecord(new SourceRecord("/in/a.csv", 7, "", null), row);
      byte[] bytes = coder.toBytes(r);
      org.junit.Assert.assertEquals(r, coder.fromBytes(bytes));
      // the same bytes the coder frames on a stream, after their length
      byte[] framed = CoderUtils.encodeToByteArray(coder, r);
      org.junit.Assert.assertArrayEquals(bytes, java.util.Arrays.copyOfRange(framed, framed.length - bytes.length, framed.length));
    }
    byte[] truncated = java.util.Arrays.copyOf(coder.toBytes(new CauceRecord(new SourceRecord("/a", 1, "", null), ROWS.get(0))), 5);
    assertThrows(java.io.IOException.class, () -> coder.fromBytes(truncated));
  }

  @Test
  public void aTruncatedRowIsACoderErrorNotAWrongRow() throws Exception {
    byte[] bytes = CoderUtils.encodeToByteArray(Coders.typedRow(TYPED), ROWS.get(0));
    // CoderUtils wraps the coder's IOException
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CoderUtils.decodeFromByteArray(Coders.typedRow(TYPED), Arrays.copyOf(bytes, bytes.length - 3)));
    assertThat(e.getCause() instanceof java.io.IOException, equalTo(true));
  }

  @Test
  public void aFieldTypeCleaningNeverProducesIsRefusedWhenTheCoderIsMade() {
    Schema odd = Schema.builder().addNullableField("f", Schema.FieldType.FLOAT).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coders.typedRow(odd));
    assertThat(e.getMessage().contains("field f"), equalTo(true));
  }

  @Test
  public void locatedOnlyDropsTheTextButKeepsTheLocation() {
    CauceRecord r = new CauceRecord(new SourceRecord("/in/a.csv", 7, "a,b", "x,y"), ROWS.get(1));
    CauceRecord slim = r.locatedOnly();
    assertThat(slim.origin(), equalTo(new SourceRecord("/in/a.csv", 7, "", null)));
    assertThat(slim.row(), equalTo(r.row()));
    assertThat(slim.locatedOnly() == slim, equalTo(true));
  }
}
