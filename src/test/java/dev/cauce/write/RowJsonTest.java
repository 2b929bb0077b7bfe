package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class RowJsonTest {
  private final RowJson json = new RowJson(TestSpecs.schema());

  @Test
  public void everyTypeInSchemaOrder() {
    assertThat(
        json.format(TestSpecs.full()),
        is(
            "{\"id\":\"A-1\",\"qty\":3,\"big\":9007199254740993,\"ratio\":0.25,\"amount\":12.50,"
                + "\"paid\":true,\"day\":\"2024-01-05\",\"at\":\"2024-01-05T10:00:00.000Z\"}"));
  }

  @Test
  public void nullsAreJsonNulls() {
    assertThat(
        json.format(TestSpecs.nulls()),
        is(
            "{\"id\":\"B-2\",\"qty\":null,\"big\":null,\"ratio\":null,\"amount\":null,"
                + "\"paid\":null,\"day\":null,\"at\":null}"));
  }

  @Test
  public void decimalsAreExactWithoutExponent() throws Exception {
    Row r = TestSpecs.row("x", null, null, null, "1E+3", null, null, null);
    assertThat(json.format(r), containsString("\"amount\":1000,"));
    r = TestSpecs.row("x", null, null, null, "0.000000012345678901234567890123", null, null, null);
    String line = json.format(r);
    assertThat(line, containsString("\"amount\":0.000000012345678901234567890123,"));
    JsonNode n = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(line);
    assertThat(n.get("amount").decimalValue(), is(new BigDecimal("0.000000012345678901234567890123")));
    r = TestSpecs.row("x", null, null, null, "-123456789012345678901234567890.10", null, null, null);
    assertThat(json.format(r), containsString("\"amount\":-123456789012345678901234567890.10,"));
  }

  @Test
  public void doublesAreNumbers() {
    Row r = TestSpecs.row("x", -7, -1L, 1.0E20, null, false, null, null);
    assertThat(
        json.format(r),
        is(
            "{\"id\":\"x\",\"qty\":-7,\"big\":-1,\"ratio\":1.0E20,\"amount\":null,"
                + "\"paid\":false,\"day\":null,\"at\":null}"));
  }

  @Test
  public void timestampsAreUtcWithMillis() {
    Row r = TestSpecs.row("x", null, null, null, null, null, "1969-12-31", "2024-03-31T23:59:59.007+02:00");
    assertThat(json.format(r), containsString("\"day\":\"1969-12-31\",\"at\":\"2024-03-31T21:59:59.007Z\"}"));
  }

  @Test
  public void stringsAreEscapedAndUnicodeKept() {
    Row r = TestSpecs.row("q\"uote\\ new\nline\ttab \u0001 ñandú 日本 😀", null, null, null, null, null, null, null);
    assertThat(
        json.format(r),
        containsString("{\"id\":\"q\\\"uote\\\\ new\\nline\\ttab \\u0001 ñandú 日本 😀\","));
  }

  @Test
  public void linesAreIndependentAcrossCalls() {
    String first = json.format(TestSpecs.full());
    json.format(TestSpecs.nulls());
    assertThat(json.format(TestSpecs.full()), is(first));
  }

  @Test
  public void aBadRowDoesNotSpoilTheNext() {
    Schema other = Schema.builder().addNullableField("id", Schema.FieldType.STRING).addNullableField("qty", Schema.FieldType.STRING)
        .addNullableField("big", Schema.FieldType.INT64).addNullableField("ratio", Schema.FieldType.DOUBLE)
        .addNullableField("amount", Schema.FieldType.DECIMAL).addNullableField("paid", Schema.FieldType.BOOLEAN)
        .addNullableField("day", Schema.FieldType.STRING).addNullableField("at", Schema.FieldType.STRING).build();
    Row bad = Row.withSchema(other).addValues("x", "not an int", null, null, null, null, null, null).build();
    assertThrows(ClassCastException.class, () -> json.format(bad));
    assertThat(json.format(TestSpecs.nulls()), containsString("{\"id\":\"B-2\","));
  }

  @Test
  public void unsupportedTypesAreRefused() {
    Schema s = Schema.builder().addNullableField("b", Schema.FieldType.BYTES).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RowJson(s));
    assertThat(e.getMessage(), containsString("field b"));
  }
}
