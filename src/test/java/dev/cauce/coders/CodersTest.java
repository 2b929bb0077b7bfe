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
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
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
