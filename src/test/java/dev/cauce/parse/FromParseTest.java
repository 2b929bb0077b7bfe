package dev.cauce.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Result;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecTesting;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/** Fields read by {@code from}: JSON keys with spaces, JSON pointers into objects and arrays, CSV header texts. */
public class FromParseTest {
  private static final PipelineSpec JSON = SpecTesting.parse("""
      name: m
      source: {path: in/*.jsonl, format: jsonl}
      schema:
        - {name: gross, type: string, from: US Gross}
        - {name: zip, type: string, from: /address/zip}
        - {name: tag, type: string, from: /tags/1}
        - {name: slash, type: string, from: /a~1b}
        - {name: year, type: int, derive: 'zip'}
      """);

  private static List<Object> json(String text) {
    Result<Row> r = RecordParser.create(JSON).parse(SourceRecord.of("f.jsonl", 1, text));
    assertThat(r.toString(), r.isOk(), is(true));
    return r.value().getValues();
  }

  @Test
  public void keysWithSpacesAndPointersAreRead() {
    assertThat(json("{\"US Gross\":12.50,\"address\":\"flat\",\"tags\":[\"a\",\"b\"],\"a/b\":true}"),
        contains("12.50", null, "b", "true", null));
    assertThat(json("{\"address\":{\"zip\":94103,\"city\":\"SF\"},\"tags\":[\"a\",false]}"),
        contains(null, "94103", "false", null, null));
  }

  @Test
  public void missingKeysAndIndexesOutOfRangeAreNull() {
    assertThat(json("{\"gross\":1,\"tags\":[\"a\"],\"address\":{}}"), contains(null, null, null, null, null));
    assertThat(json("{\"tags\":\"ab\",\"address\":null}"), contains(null, null, null, null, null));
    assertThat(json("{\"tags\":[],\"address\":[{\"zip\":1}]}"), contains(null, null, null, null, null));
  }

  @Test
  public void aContainerAtAPointerIsNotAScalarAndTheLastKeyWins() {
    PipelineSpec both = SpecTesting.parse("""
        name: m
        source: {path: in/*.jsonl, format: jsonl}
        schema:
          - {name: zip, type: string, from: /address/zip}
          - {name: tag, type: string, from: /tags/1}
          - {name: address, type: string}
        """);
    Result<Row> r = RecordParser.create(both).parse(SourceRecord.of("f.jsonl", 1,
        "{\"address\":{\"zip\":{\"code\":1}},\"tags\":[0,[1]]}"));
    assertThat(r.violations().stream().map(v -> v.reason() + " " + v.message()).toList(), contains(
        "not_a_scalar zip: expected a scalar value, found an object",
        "not_a_scalar tag: expected a scalar value, found an array",
        "not_a_scalar address: expected a scalar value, found an object"));
  }

  private static Result<Row> withDuplicateKeys(String policy, String text) {
    PipelineSpec spec = SpecTesting.parse("""
        name: m
        source: {path: in/*.jsonl, format: jsonl, duplicate_keys: %s}
        schema:
          - {name: zip, type: string, from: /address/zip}
        """.formatted(policy));
    return RecordParser.create(spec).parse(SourceRecord.of("f.jsonl", 1, text));
  }

  @Test
  public void keysGivenTwiceOnThePathOfAPointerFollowTheDuplicateKeysPolicy() {
    for (String text : List.of("{\"address\":{\"zip\":1},\"address\":{\"zip\":\"2\"}}", "{\"address\":{\"zip\":1,\"zip\":\"2\"}}")) {
      Result<Row> rejected = withDuplicateKeys("reject", text);
      assertThat(text, rejected.violations().get(0).reason(), equalTo("duplicate_key"));
      assertThat(withDuplicateKeys("first", text).value().getValues(), contains("1"));
      assertThat(withDuplicateKeys("last", text).value().getValues(), contains("2"));
    }
    assertThat(withDuplicateKeys("reject", "{\"address\":{\"zip\":1,\"zip\":2}}").violations().get(0).message(),
        org.hamcrest.Matchers.startsWith("duplicate key \"zip\" at address.zip"));
    assertThat(withDuplicateKeys("last", "{\"address\":{\"zip\":1},\"address\":5}").value().getValues(), contains((Object) null));
  }

  @Test
  public void numbersThroughAPointerKeepTheirLiteralText() {
    assertThat(json("{\"address\":{\"zip\":1e3},\"tags\":[0,12.50]}"), contains(null, "1e3", "12.50", null, null));
  }

  private static final PipelineSpec CSV = SpecTesting.parse("""
      name: m
      source: {path: in/*.csv, format: csv}
      schema:
        - {name: vendor_id, type: string, from: Vendor-ID}
        - {name: fare, type: string}
        - {name: cents, type: long, derive: 'fare'}
      """);

  @Test
  public void csvColumnsAreMatchedByTheFromHeaderText() {
    RecordParser p = RecordParser.create(CSV);
    Result<Row> r = p.parse(new SourceRecord("f.csv", 2, "10,V1", "fare,Vendor-ID"));
    assertThat(r.toString(), r.value().getValues(), contains("V1", "10", null));
    assertThat(p.checkHeader("fare,Vendor-ID").clean(), is(true));
    assertThat(p.checkHeader("fare,vendor_id").missing(), contains("Vendor-ID"));
    assertThat(p.parse(new SourceRecord("f.csv", 2, "10,V1", "fare,vendor_id")).violations().get(0).reason(),
        equalTo("header_mismatch"));
  }
}
