package dev.cauce.parse;

import static dev.cauce.ingest.TestSpecs.csvSource;
import static dev.cauce.ingest.TestSpecs.jsonlSource;
import static dev.cauce.ingest.TestSpecs.spec;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.cauce.coders.Schemas;
import dev.cauce.model.Reasons;
import dev.cauce.model.Result;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec.DuplicateKeys;
import java.util.List;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class RecordParserTest {
  private static final PipelineSpec JSON = spec(jsonlSource("in/*.jsonl"), "id", "amount", "note");
  private static final RecordParser JSON_PARSER = RecordParser.create(JSON);

  private static Result<Row> json(String text) {
    return JSON_PARSER.parse(SourceRecord.of("f.jsonl", 7, text));
  }

  private static List<Object> values(Result<Row> r) {
    assertThat("expected ok: " + r, r.isOk(), is(true));
    return r.value().getValues();
  }

  private static void assertRejected(Result<Row> r, String reason) {
    assertThat("expected " + reason + ": " + r, r.isOk(), is(false));
    assertThat(r.toString(), r.violations().get(0).reason(), is(reason));
  }

  // ------------------------------------------------------------------------------ JSON: good

  @Test
  public void jsonFieldsMapByNameInSchemaOrder() {
    Result<Row> r = json("{\"note\":\"hi\",\"id\":\"A1\",\"amount\":12.50,\"extra\":{\"x\":[1]}}");
    assertThat(r.value().getSchema(), is(Schemas.raw(JSON)));
    assertThat(values(r), contains("A1", "12.50", "hi"));
  }

  @Test
  public void jsonNumbersKeepTheirExactLiteralText() {
    assertThat(values(json("{\"id\":1e3,\"amount\":12.50,\"note\":-0.0}")), contains("1e3", "12.50", "-0.0"));
    assertThat(values(json("{\"id\":1E+3,\"amount\":0.1000000000000000055511151231257827}")).subList(0, 2),
        contains("1E+3", "0.1000000000000000055511151231257827"));
  }

  @Test
  public void jsonBigIntegersStayAsText() {
    assertThat(values(json("{\"id\":123456789012345678901234567890}")).get(0), is("123456789012345678901234567890"));
    String thousandDigits = "9".repeat(5000);
    assertThat(values(json("{\"id\":" + thousandDigits + "}")).get(0), is(thousandDigits));
  }

  @Test
  public void jsonBooleansNullsAndAbsentFields() {
    assertThat(values(json("{\"id\":true,\"amount\":false,\"note\":null}")), contains("true", "false", null));
    assertThat(values(json("{}")), contains(null, null, null));
    assertThat(values(json("  {\"id\":\"x\"}  ")), contains("x", null, null));
  }

  @Test
  public void jsonUnicodeAndEscapes() {
    assertThat(
        values(json("{\"id\":\"ñandú 😀\",\"amount\":\"\\u00e9\\n\\t\\\"\\\\\\/\",\"note\":\"\\ud83d\\ude00\"}")),
        contains("ñandú 😀", "é\n\t\"\\/", "😀"));
  }

  // ------------------------------------------------------------------- JSON: duplicate keys

  private static final RecordParser FIRST =
      RecordParser.create(spec(jsonlSource("in/*.jsonl").withDuplicateKeys(DuplicateKeys.FIRST), "id", "amount", "note"));
  private static final RecordParser LAST =
      RecordParser.create(spec(jsonlSource("in/*.jsonl").withDuplicateKeys(DuplicateKeys.LAST), "id", "amount", "note"));

  private static Result<Row> json(RecordParser parser, String text) {
    return parser.parse(SourceRecord.of("f.jsonl", 7, text));
  }

  @Test
  public void jsonDuplicateKeyIsRejectedByDefaultNamingTheKey() {
    Result<Row> r = json("{\"v\":\"abc\",\"id\":\"1\",\"v\":\"XYZ\"}");
    assertRejected(r, Reasons.DUPLICATE_KEY);
    assertThat(r.violations(), hasSize(1));
    assertThat(r.violations().get(0).field(), nullValue()); // v is not a schema field
    assertThat(r.violations().get(0).message(), is(
        "duplicate key \"v\" (at character 21); a record must give each key once"
            + " (source.duplicate_keys: reject; first or last keeps one of the values)"));
  }

  @Test
  public void jsonDuplicateSchemaFieldIsRejectedWithItsField() {
    Result<Row> r = json("{\"id\":\"first\",\"id\":\"second\"}");
    assertRejected(r, Reasons.DUPLICATE_KEY);
    assertThat(r.violations().get(0).field(), is("id"));
    assertThat(r.violations().get(0).message(), startsWith("duplicate key \"id\" (at character 15); "));
    // an API's record as sent, over several lines
    assertThat(json("{\n  \"id\": \"1\",\n  \"id\": \"2\"\n}").violations().get(0).message(),
        startsWith("duplicate key \"id\" (at line 3, character 3); "));
  }

  @Test
  public void jsonDuplicateKeyInANestedObjectIsRejectedWithItsPath() {
    Result<Row> r = json("{\"id\":\"1\",\"a\":{\"b\":1,\"c\":{},\"b\":2}}");
    assertRejected(r, Reasons.DUPLICATE_KEY);
    assertThat(r.violations().get(0).message(), startsWith("duplicate key \"b\" at a.b (at character 29); "));
    Result<Row> inArray = json("{\"x\":[0,{\"k\":1,\"k\":1}],\"we ird\":{\"k\":{\"z\":1,\"z\":2}}}");
    assertThat(inArray.violations().get(0).message(), startsWith(
        "duplicate keys: \"k\" at x[1].k (at character 16), \"z\" at [\"we ird\"].k.z (at character 45); "));
    // the same key in sibling objects is no duplicate
    assertThat(values(json("{\"id\":\"1\",\"l\":[{\"k\":1},{\"k\":2}],\"m\":{\"k\":3}}")).get(0), is("1"));
  }

  @Test
  public void jsonDuplicateKeyWithOtherProblemsReportsThemAll() {
    Result<Row> r = json("{\"id\":{\"x\":1},\"note\":1,\"note\":2}");
    assertThat(r.violations().stream().map(Violation::reason).toList(), contains(Reasons.DUPLICATE_KEY, Reasons.NOT_A_SCALAR));
  }

  @Test
  public void jsonManyDuplicatesAreCountedNotAllListed() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 8; i++) {
      sb.append("\"k").append(i).append("\":1,\"k").append(i).append("\":2,");
    }
    sb.append("\"id\":\"x\"}");
    String m = json(sb.toString()).violations().get(0).message();
    assertThat(m, startsWith("duplicate keys: \"k0\" (at character 9), \"k1\" (at character 23), "));
    assertThat(m, containsString("\"k4\" (at character 65) and 3 more; "));
  }

  @Test
  public void jsonDuplicateKeyFirstKeepsTheFirstValueWithAWarning() {
    Result<Row> r = json(FIRST, "{\"id\":\"abc\",\"amount\":1,\"id\":\"XYZ\",\"id\":[1]}");
    assertThat(values(r), contains("abc", "1", null));
    assertThat(r.warnings(), hasSize(1));
    Violation w = r.warnings().get(0);
    assertThat(w.reason(), is(Reasons.DUPLICATE_KEY));
    assertThat(w.field(), is("id"));
    assertThat(w.message(), is("duplicate key \"id\" (at character 24): the first value is kept (source.duplicate_keys: first)"));
  }

  @Test
  public void jsonDuplicateKeyLastKeepsTheLastValueWithAWarning() {
    Result<Row> r = json(LAST, "{\"id\":\"abc\",\"amount\":1,\"id\":\"XYZ\"}");
    assertThat(values(r), contains("XYZ", "1", null));
    assertThat(r.warnings().get(0).message(),
        is("duplicate key \"id\" (at character 24): the last value is kept (source.duplicate_keys: last)"));
    assertThat(values(json(LAST, "{\"id\":{\"a\":1},\"id\":\"scalar\"}")).get(0), is("scalar"));
    assertRejected(json(LAST, "{\"id\":\"scalar\",\"id\":[1]}"), Reasons.NOT_A_SCALAR);
    assertThat(values(json(FIRST, "{\"id\":\"scalar\",\"id\":[1]}")).get(0), is("scalar"));
  }

  @Test
  public void jsonNestedDuplicateUnderFirstOrLastIsAWarningOnly() {
    for (RecordParser p : List.of(FIRST, LAST)) {
      Result<Row> r = json(p, "{\"id\":\"1\",\"a\":{\"b\":1,\"b\":2}}");
      assertThat(values(r), contains("1", null, null));
      assertThat(r.warnings().get(0).message(), startsWith("duplicate key \"b\" at a.b (at character 22): the "));
    }
  }

  @Test
  public void jsonWithoutDuplicatesHasNoWarnings() {
    assertThat(json(FIRST, "{\"id\":\"1\",\"a\":{\"id\":2}}").warnings(), hasSize(0));
    assertThat(json("{\"id\":\"1\"}").warnings(), hasSize(0));
  }

  // --------------------------------------------------------------------- unpaired surrogates

  @Test
  public void jsonLoneSurrogateEscapeIsInvalidUnicode() {
    Result<Row> r = json("{\"id\":\"1\",\"note\":\"ab\\ud800c\"}");
    assertRejected(r, Reasons.INVALID_UNICODE);
    Violation v = r.violations().get(0);
    assertThat(v.field(), is("note"));
    assertThat(v.message(), is("note: an unpaired surrogate U+D800 at character 3 of the value: not valid Unicode,"
        + " so it cannot be written; fix the source (a JSON \\u escape must pair a high surrogate with a low one)"));
    assertRejected(json("{\"id\":\"\\udc00\"}"), Reasons.INVALID_UNICODE);
    assertRejected(json("{\"id\":\"\\ude00\\ud83d\"}"), Reasons.INVALID_UNICODE); // reversed pair
    assertRejected(json("{\"id\":\"x\\ud83d\"}"), Reasons.INVALID_UNICODE); // high at the end
    assertThat(values(json("{\"id\":\"\\ud83d\\ude00\",\"other\":\"\\ud800\"}")).get(0), is("😀")); // not a schema field
  }

  @Test
  public void jsonLoneSurrogateIsReportedWithTheOtherProblems() {
    Result<Row> r = json("{\"id\":[1],\"note\":\"\\ud800\",\"amount\":\"\\udfff\"}");
    assertThat(r.violations().stream().map(v -> v.reason() + ":" + v.field()).toList(),
        contains("not_a_scalar:id", "invalid_unicode:amount", "invalid_unicode:note"));
  }

  @Test
  public void csvUnpairedSurrogateIsInvalidUnicode() {
    Result<Row> r = csv("id,name,amount", "1,x\uDBFF,2");
    assertRejected(r, Reasons.INVALID_UNICODE);
    assertThat(r.violations().get(0).field(), is("name"));
    assertThat(r.violations().get(0).message(), startsWith("name: an unpaired surrogate U+DBFF at character 2 of the value"));
    assertThat(values(csv("id,name,amount", "1,\uD83D\uDE00,2")).get(1), is("😀"));
  }

  @Test
  public void jsonDeepNestingOutsideTheSchemaWithinTheLimitIsFine() {
    String nested = "[".repeat(60) + "]".repeat(60);
    assertThat(values(json("{\"other\":" + nested + ",\"id\":\"x\"}")).get(0), is("x"));
  }

  // ------------------------------------------------------------------------------- JSON: bad

  @Test
  public void jsonTruncatedIsMalformed() {
    assertRejected(json("{\"a\":1"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":\"abc"), Reasons.MALFORMED_JSON);
    assertRejected(json("{"), Reasons.MALFORMED_JSON);
    assertRejected(json("[1,2"), Reasons.MALFORMED_JSON);
  }

  @Test
  public void jsonTrailingGarbageIsMalformed() {
    Result<Row> r = json("{\"a\":1} x");
    assertRejected(r, Reasons.MALFORMED_JSON);
    assertRejected(json("{\"a\":1}{\"a\":2}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"a\":1} 2"), Reasons.MALFORMED_JSON);
    assertRejected(json("[1] 2"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"a\":1},"), Reasons.MALFORMED_JSON);
  }

  @Test
  public void jsonNonNumericLiteralsAreMalformed() {
    assertRejected(json("{\"a\":NaN}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":Infinity}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":-Infinity}"), Reasons.MALFORMED_JSON);
    String message = json("{\"a\":NaN}").violations().get(0).message();
    assertThat(message, containsString("'NaN'"));
    assertThat(message, not(containsString("enable")));
  }

  @Test
  public void jsonInvalidNumbersAreMalformed() {
    assertRejected(json("{\"id\":01}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":1.}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":+1}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":.5}"), Reasons.MALFORMED_JSON);
  }

  @Test
  public void jsonBadEscapesAndSyntaxAreMalformed() {
    assertRejected(json("{\"id\":\"a\\qb\"}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":\"\\u12G4\"}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":\"raw\ttab\"}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{'id':'single'}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":1,}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{id:1}"), Reasons.MALFORMED_JSON);
    assertRejected(json("{\"id\":1 /* c */}"), Reasons.MALFORMED_JSON);
    assertRejected(json(""), Reasons.MALFORMED_JSON);
  }

  @Test
  public void malformedJsonMessageSaysWhere() {
    Violation v = json("{\"id\":\"a\\qb\"}").violations().get(0);
    assertThat(v.message(), containsString("at character"));
  }

  @Test
  public void jsonDeepNestingIsTooDeep() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    assertRejected(json(deep), Reasons.NESTING_TOO_DEEP);
    assertRejected(json("{\"id\":" + deep + "}"), Reasons.NESTING_TOO_DEEP);
    assertRejected(json("{\"other\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}"), Reasons.NESTING_TOO_DEEP);
  }

  @Test
  public void jsonNonObjectsAreNotAnObject() {
    for (String s : new String[] {"[1,2]", "\"str\"", "42", "null", "true", "[]"}) {
      Result<Row> r = json(s);
      assertRejected(r, Reasons.NOT_AN_OBJECT);
    }
    assertThat(json("[1,2]").violations().get(0).message(), containsString("an array"));
  }

  @Test
  public void jsonObjectOrArrayInAFieldIsNotAScalarAndAllAreReported() {
    Result<Row> r = json("{\"id\":{\"x\":1},\"amount\":3,\"note\":[1,2]}");
    assertThat(r.isOk(), is(false));
    List<Violation> vs = r.violations();
    assertThat(vs.stream().map(Violation::reason).toList(), contains(Reasons.NOT_A_SCALAR, Reasons.NOT_A_SCALAR));
    assertThat(vs.stream().map(Violation::field).toList(), contains("id", "note"));
    assertThat(vs.get(0).message(), containsString("an object"));
    assertThat(vs.get(1).message(), containsString("an array"));
  }

  @Test
  public void nulAnywhereInTheRecordIsRejected() {
    assertRejected(json("{\"id\":\"a\u0000b\"}"), Reasons.NUL_BYTE);
    assertRejected(json("{\"id\":\"a\\u0000b\"}"), Reasons.NUL_BYTE);
    assertThat(json("{\"id\":\"a\\u0000b\"}").violations().get(0).field(), is("id"));
    RecordParser csv = RecordParser.create(spec(csvSource("x", ',', '"', false), "a", "b"));
    assertRejected(csv.parse(SourceRecord.of("f", 1, "1,\u0000")), Reasons.NUL_BYTE);
  }

  @Test
  public void parserSurvivesSerialization() {
    RecordParser copy = SerializableUtils.clone(JSON_PARSER);
    assertThat(values(copy.parse(SourceRecord.of("f", 1, "{\"id\":\"x\"}"))), contains("x", null, null));
  }

  // ------------------------------------------------------------------------------------- CSV

  private static final PipelineSpec CSV = spec(csvSource("in/*.csv"), "id", "name", "amount");
  private static final RecordParser CSV_PARSER = RecordParser.create(CSV);

  private static Result<Row> csv(String header, String text) {
    return CSV_PARSER.parse(new SourceRecord("f.csv", 2, text, header));
  }

  @Test
  public void csvColumnsMapByHeaderName() {
    assertThat(values(csv("id,name,amount", "1,ann,2.50")), contains("1", "ann", "2.50"));
  }

  @Test
  public void csvHeaderInAnotherOrderAndWithExtraColumns() {
    assertThat(values(csv("amount,ignored,name,id", "9,zzz,bob,7")), contains("7", "bob", "9"));
    assertThat(values(csv(" amount , id ,name", "9,7,bob")), contains("7", "bob", "9"));
  }

  @Test
  public void csvHeaderLackingASchemaFieldRejectsEveryRecordOfItsFileByDefault() {
    Result<Row> r = csv("name,id", "bob,7");
    assertRejected(r, Reasons.HEADER_MISMATCH);
    assertThat(r.violations().get(0).message(), is("its CSV header does not fit the schema: lacks column `amount`"
        + " (missing_columns: refuse); fix the file's header, or change source.csv in the spec (missing_columns: fill)"));
    assertThat(CSV_PARSER.checkHeader("name,id").missing(), contains("amount"));
  }

  @Test
  public void csvSchemaFieldMissingFromTheHeaderIsNullWithFill() {
    RecordParser fill = RecordParser.create(spec(new PipelineSpec.SourceSpec("x", PipelineSpec.SourceSpec.Format.CSV,
        PipelineSpec.CsvSpec.DEFAULT.withHeaderPolicy(new PipelineSpec.HeaderPolicy(true, false, false))), "id", "name", "amount"));
    assertThat(values(fill.parse(new SourceRecord("f.csv", 2, "bob,7", "name,id"))), contains("7", "bob", null));
  }

  @Test
  public void csvHeaderCheckReadsTheHeaderWithTheDialect() {
    RecordParser p = RecordParser.create(spec(csvSource("x", ';', '\'', true), "id", "name"));
    assertThat(p.checkHeader("' id ';'na;me'").extra(), contains("na;me"));
    assertThat(p.checkHeader("' id ';'na;me'").missing(), contains("name"));
    assertThat(p.checkHeader("id;'name").problems(), contains(startsWith("the header line is malformed: ")));
  }

  @Test
  public void csvQuotedDelimiterDoubledQuotesAndNewlines() {
    assertThat(
        values(csv("id,name,amount", "1,\"Smith, \"\"J\"\"\nline two\r\nthree\",\"\"")),
        contains("1", "Smith, \"J\"\nline two\r\nthree", ""));
  }

  @Test
  public void csvEmptyUnquotedFieldsAreEmptyStrings() {
    assertThat(values(csv("id,name,amount", ",,")), contains("", "", ""));
    assertThat(values(csv("id,name,amount", " , x ,")), contains(" ", " x ", ""));
  }

  @Test
  public void csvWrongColumnCounts() {
    Result<Row> more = csv("id,name,amount", "1,ann,2,extra");
    assertRejected(more, Reasons.COLUMN_COUNT);
    assertThat(more.violations().get(0).message(), containsString("expected 3 columns, found 4"));
    Result<Row> fewer = csv("id,name,amount", "1,ann");
    assertRejected(fewer, Reasons.COLUMN_COUNT);
    assertThat(fewer.violations().get(0).message(), containsString("expected 3 columns, found 2"));
    assertThat(values(csv("id,name,amount", "1,ann,")), contains("1", "ann", ""));
    assertRejected(csv("id,name,amount", "1,ann,,"), Reasons.COLUMN_COUNT);
  }

  @Test
  public void csvUnterminatedQuoteIsMalformed() {
    Result<Row> r = csv("id,name,amount", "1,\"open,2\n3,4\n");
    assertRejected(r, Reasons.MALFORMED_CSV);
    assertThat(r.violations().get(0).message(), containsString("quote"));
  }

  @Test
  public void csvTextAfterAClosingQuoteIsMalformed() {
    assertRejected(csv("id,name,amount", "1,\"ab\"c,3"), Reasons.MALFORMED_CSV);
  }

  @Test
  public void csvBareCrSplittingTheRecordIsMalformed() {
    assertRejected(csv("id,name,amount", "1,a\rb,3"), Reasons.MALFORMED_CSV);
  }

  @Test
  public void csvMalformedHeaderRejectsItsRecords() {
    assertRejected(csv("id,\"name", "1,2,3"), Reasons.MALFORMED_CSV);
  }

  @Test
  public void csvRecordWithoutItsHeaderIsRejected() {
    assertRejected(csv(null, "1,2,3"), Reasons.MALFORMED_CSV);
  }

  @Test
  public void csvSemicolonDelimiter() {
    RecordParser p = RecordParser.create(spec(csvSource("x", ';', '"', true), "id", "name"));
    assertThat(
        values(p.parse(new SourceRecord("f", 2, "1;\"a;b\";", "id;name;other"))), contains("1", "a;b"));
  }

  @Test
  public void csvTabDelimiter() {
    RecordParser p = RecordParser.create(spec(csvSource("x", '\t', '"', true), "id", "name"));
    assertThat(values(p.parse(new SourceRecord("f", 2, "1\t", "id\tname"))), contains("1", ""));
    assertThat(values(p.parse(new SourceRecord("f", 2, "1\t\"a\tb\"", "id\tname"))), contains("1", "a\tb"));
  }

  @Test
  public void csvCustomQuoteChar() {
    RecordParser p = RecordParser.create(spec(csvSource("x", ',', '\'', true), "id", "name"));
    assertThat(
        values(p.parse(new SourceRecord("f", 2, "'1,2','it''s \"fine\"'", "id,name"))),
        contains("1,2", "it's \"fine\""));
  }

  @Test
  public void csvWithoutHeaderUsesTheColumnListOrTheSchemaOrder() {
    RecordParser bySchema = RecordParser.create(spec(csvSource("x", ',', '"', false), "id", "name"));
    assertThat(values(bySchema.parse(SourceRecord.of("f", 1, "1,ann"))), contains("1", "ann"));
    assertRejected(bySchema.parse(SourceRecord.of("f", 1, "1,ann,x")), Reasons.COLUMN_COUNT);

    RecordParser byColumns =
        RecordParser.create(spec(csvSource("x", ',', '"', false, "name", "skip", "id"), "id", "name"));
    assertThat(values(byColumns.parse(SourceRecord.of("f", 1, "ann,zz,1"))), contains("1", "ann"));
    assertRejected(byColumns.parse(SourceRecord.of("f", 1, "ann,1")), Reasons.COLUMN_COUNT);
  }

  @Test
  public void csvHeaderNamingAFieldTwiceIsRefused() {
    assertRejected(csv("id,id,name,amount", "1,2,n,a"), Reasons.HEADER_MISMATCH);
  }

  @Test
  public void csvManyDistinctHeadersAreAllHandled() {
    for (int i = 0; i < 600; i++) {
      String header = "id,name,amount,x" + i;
      assertThat(values(csv(header, i + ",n,a,z")).get(0), is(String.valueOf(i)));
    }
  }

  @Test
  public void csvParsesWhatTheReaderSplit() {
    // the reader's output for a multi-line record goes through the parser intact
    List<Object> v = values(csv("id,name,amount", "4,\"\"\"\n\"\"\",5"));
    assertThat(v, contains("4", "\"\n\"", "5"));
  }

  @Test
  public void jsonParserIgnoresTheHeader() {
    assertThat(values(JSON_PARSER.parse(new SourceRecord("f", 1, "{\"id\":1}", "h"))).get(2), nullValue());
  }
}
