package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.cauce.spec.PipelineSpec.SinkFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;

/** Rows written by each sink format read back with the same values (only the fields asked for). */
public class LiveRowsTest {
  private static final Schema SCHEMA = Schema.builder()
      .addNullableField("s", Schema.FieldType.STRING)
      .addNullableField("i", Schema.FieldType.INT32)
      .addNullableField("l", Schema.FieldType.INT64)
      .addNullableField("d", Schema.FieldType.DOUBLE)
      .addNullableField("m", Schema.FieldType.DECIMAL)
      .addNullableField("b", Schema.FieldType.BOOLEAN)
      .addNullableField("day", Schema.FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("t", Schema.FieldType.DATETIME)
      .build();
  private static final int[] ALL = {0, 1, 2, 3, 4, 5, 6, 7};

  private static final List<Row> ROWS = List.of(
      Row.withSchema(SCHEMA).addValues("a, \"quoted\"\nline", 7, 9_000_000_000L, 2.5, new BigDecimal("12345678901234567890.50"),
          true, LocalDate.of(2024, 2, 29), new Instant(1_704_449_000_123L)).build(),
      Row.withSchema(SCHEMA).addValues("x", -1, 0L, -0.125, new BigDecimal("-0.001"), false, LocalDate.of(1969, 12, 31),
          new Instant(-1L)).build(),
      Row.withSchema(SCHEMA).addValues(null, null, null, null, null, null, null, null).build());

  private static List<Row> readText(SinkFormat format, String text, int[] fields) throws IOException {
    List<Row> rows = new ArrayList<>();
    new LiveRows(SCHEMA, fields).readText(format, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "f", rows::add);
    return rows;
  }

  @Test
  public void jsonLinesReadBackExactly() throws IOException {
    RowJson json = new RowJson(SCHEMA);
    StringBuilder text = new StringBuilder();
    ROWS.forEach(r -> text.append(json.format(r)).append('\n'));
    assertThat(readText(SinkFormat.JSONL, text.toString(), ALL), equalTo(ROWS));
  }

  @Test
  public void csvReadsBackExactlyButForEmptyTextWhichIsNull() throws IOException {
    RowCsv csv = new RowCsv(SCHEMA);
    StringBuilder text = new StringBuilder(csv.header()).append('\n');
    ROWS.forEach(r -> text.append(csv.format(r)).append('\n'));
    assertThat(readText(SinkFormat.CSV, text.toString(), ALL), equalTo(ROWS));
  }

  @Test
  public void parquetRecordsReadBackExactly() {
    LiveRows live = new LiveRows(SCHEMA, ALL);
    var toRecord = AvroRecords.toGenericRecord(SCHEMA, "p");
    List<Row> back = ROWS.stream().map(r -> live.fromParquet(toRecord.apply(r))).toList();
    assertThat(back, equalTo(ROWS));
  }

  @Test
  public void onlyTheFieldsAskedForAreRead() throws IOException {
    String text = new RowJson(SCHEMA).format(ROWS.get(0)) + "\n";
    Row only = readText(SinkFormat.JSONL, text, new int[] {0, 7}).get(0);
    assertThat(only, equalTo(Row.withSchema(SCHEMA).addValues(ROWS.get(0).getValue(0), null, null, null, null, null, null,
        ROWS.get(0).getValue(7)).build()));
  }

  @Test
  public void aValueOfTheWrongTypeNamesTheFileRecordAndFieldButNotTheValue() {
    IOException e = assertThrows(IOException.class, () -> readText(SinkFormat.JSONL, "{\"i\":\"secret\"}\n", new int[] {1}));
    assertThat(e.getMessage(), equalTo("f record 1: field i is not a valid int"));
  }
}
