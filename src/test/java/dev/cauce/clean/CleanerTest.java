package dev.cauce.clean;

import static dev.cauce.clean.TestSpecs.clean;
import static dev.cauce.clean.TestSpecs.extract;
import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.clean.TestSpecs.formats;
import static dev.cauce.clean.TestSpecs.nullIf;
import static dev.cauce.clean.TestSpecs.raw;
import static dev.cauce.clean.TestSpecs.replace;
import static dev.cauce.clean.TestSpecs.separators;
import static dev.cauce.clean.TestSpecs.spec;
import static dev.cauce.clean.TestSpecs.step;
import static dev.cauce.clean.TestSpecs.steps;
import static dev.cauce.clean.TestSpecs.strip;
import static dev.cauce.clean.TestSpecs.withDefault;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import dev.cauce.model.Reasons;
import dev.cauce.model.Result;
import dev.cauce.model.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CleanStep.Op;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class CleanerTest {

  // ---- helpers: one field named "v" ----

  private static PipelineSpec oneField(FieldType type, FieldCleaning cleaning, String timezone) {
    return spec(List.of(field("v", type)), clean(timezone, Map.of("v", cleaning)), List.of());
  }

  private static Object cleanOk(FieldType type, FieldCleaning cleaning, String value) {
    return cleanOk(type, cleaning, "UTC", value);
  }

  private static Object cleanOk(FieldType type, FieldCleaning cleaning, String timezone, String value) {
    PipelineSpec spec = oneField(type, cleaning, timezone);
    Result<Row> r = Cleaner.create(spec).clean(raw(spec, value));
    if (!r.isOk()) {
      fail("\"" + value + "\" rejected: " + r.violations());
    }
    return r.value().getValue("v");
  }

  private static Violation cleanBad(FieldType type, FieldCleaning cleaning, String value) {
    PipelineSpec spec = oneField(type, cleaning, "UTC");
    Result<Row> r = Cleaner.create(spec).clean(raw(spec, value));
    if (r.isOk()) {
      fail("\"" + value + "\" accepted as " + r.value().getValue("v"));
    }
    assertThat(r.violations(), hasSize(1));
    return r.violations().get(0);
  }

  private static Object str(FieldCleaning cleaning, String value) {
    return cleanOk(FieldType.STRING, cleaning, value);
  }

  private static org.joda.time.Instant ts(String iso) {
    return new org.joda.time.Instant(java.time.Instant.parse(iso).toEpochMilli());
  }

  // ---- all steps, null tokens, steps ----

  @Test
  public void trimsByDefaultIncludingUnicodeSpaces() {
    assertThat(str(FieldCleaning.NONE, "  abc \t"), is("abc"));
    assertThat(str(FieldCleaning.NONE, "\u00A0\u2003abc\u3000"), is("abc"));
    assertThat(str(FieldCleaning.NONE, "a  b"), is("a  b"));
  }

  @Test
  public void defaultNullTokensAreCaseInsensitiveWholeValuesAfterTrim() {
    for (String token : List.of("", "  ", "N/A", "n/a", "NA", "null", "NULL", " None ", "empty")) {
      assertThat(token, str(FieldCleaning.NONE, token), nullValue());
    }
    assertThat(str(FieldCleaning.NONE, "nullable"), is("nullable"));
    assertThat(str(FieldCleaning.NONE, "NA NA"), is("NA NA"));
    assertThat(str(FieldCleaning.NONE, null), nullValue());
  }

  @Test
  public void customNullTokensReplaceTheDefaults() {
    PipelineSpec spec =
        spec(
            List.of(field("v", FieldType.STRING)),
            new CleanSpec(List.of(step(Op.TRIM), step(Op.LOWER)), List.of("-", "missing"), Map.of(), "UTC"),
            List.of());
    Cleaner cleaner = Cleaner.create(spec);
    assertThat(cleaner.clean(raw(spec, " - ")).value().getValue("v"), nullValue());
    assertThat(cleaner.clean(raw(spec, "MISSING")).value().getValue("v"), nullValue());
    assertThat(cleaner.clean(raw(spec, "N/A")).value().getValue("v"), is("n/a"));
    assertThat(cleaner.clean(raw(spec, "")).value().getValue("v"), is(""));
  }

  @Test
  public void emptyAllStepsKeepWhiteSpace() {
    PipelineSpec spec =
        spec(List.of(field("v", FieldType.STRING)), new CleanSpec(List.of(), List.of(), Map.of(), "UTC"), List.of());
    assertThat(Cleaner.create(spec).clean(raw(spec, " x ")).value().getValue("v"), is(" x "));
  }

  @Test
  public void collapseWhitespaceTurnsAnyUnicodeRunIntoOneSpace() {
    FieldCleaning c = steps(step(Op.COLLAPSE_WHITESPACE));
    assertThat(str(c, "a \t\u00A0 b\n\r\nc\u2009d"), is("a b c d"));
    assertThat(str(c, "a b"), is("a b"));
  }

  @Test
  public void lowerAndUpperUseTheRootLocale() {
    assertThat(str(steps(step(Op.LOWER)), "TITLE Ä"), is("title ä"));
    assertThat(str(steps(step(Op.UPPER)), "title i"), is("TITLE I"));
  }

  @Test
  public void stripRemovesEveryMatch() {
    assertThat(cleanOk(FieldType.DOUBLE, steps(strip("%")), "5.5%"), is(5.5));
    assertThat(
        cleanOk(FieldType.DECIMAL, separators(',', null, strip("[$€£]")), "€1,234.50"),
        is(new BigDecimal("1234.50")));
  }

  @Test
  public void replaceSupportsGroupReferences() {
    FieldCleaning oz = steps(replace("^(\\d+)\\.0+ ?oz$", "$1"));
    assertThat(cleanOk(FieldType.INT, oz, "12.0 oz"), is(12));
    assertThat(str(steps(replace("(\\w+)@(\\w+)", "$2:$1")), "ann@example"), is("example:ann"));
  }

  @Test
  public void extractKeepsGroupOneOrTheWholeMatchOrNull() {
    assertThat(cleanOk(FieldType.INT, steps(extract("(\\d+)(\\.0+)? ?oz")), "weight: 12.0 oz"), is(12));
    assertThat(str(steps(extract("[0-9]+")), "abc123def456"), is("123"));
    assertThat(str(steps(extract("[0-9]+")), "no digits"), nullValue());
    assertThat(str(steps(extract("a(x)?b")), "ab"), nullValue()); // group 1 did not take part
  }

  @Test
  public void nullIfIsCaseInsensitive() {
    FieldCleaning c = steps(nullIf("-", "?", "unknown"));
    assertThat(str(c, "-"), nullValue());
    assertThat(str(c, "UNKNOWN"), nullValue());
    assertThat(str(c, "known"), is("known"));
  }

  @Test
  public void stepsRunInOrder() {
    assertThat(str(steps(step(Op.LOWER), replace("abc", "x")), "ABC"), is("x"));
    assertThat(str(steps(replace("abc", "x"), step(Op.LOWER)), "ABC"), is("abc"));
  }

  @Test
  public void defaultAppliesWhenNullAfterTheSteps() {
    FieldCleaning c = withDefault("0", nullIf("-"));
    assertThat(cleanOk(FieldType.INT, c, "-"), is(0));
    assertThat(cleanOk(FieldType.INT, c, "N/A"), is(0));
    assertThat(cleanOk(FieldType.INT, c, null), is(0));
    assertThat(cleanOk(FieldType.INT, c, "7"), is(7));
  }

  @Test
  public void invalidDefaultRegexFormatOrReplacementIsRefusedAtCreate() {
    assertThrows(IllegalArgumentException.class, () -> Cleaner.create(oneField(FieldType.INT, withDefault("zero"), "UTC")));
    assertThrows(IllegalArgumentException.class, () -> Cleaner.create(oneField(FieldType.STRING, steps(strip("[a-")), "UTC")));
    assertThrows(IllegalArgumentException.class, () -> Cleaner.create(oneField(FieldType.STRING, steps(replace("(a)", "$2")), "UTC")));
    assertThrows(IllegalArgumentException.class, () -> Cleaner.create(oneField(FieldType.DATE, formats("dd/MM/yyyy{"), "UTC")));
    assertThrows(IllegalArgumentException.class, () -> Cleaner.create(oneField(FieldType.DATE, formats("iso"), "Mars/Olympus")));
  }

  // ---- numbers ----

  @Test
  public void intsAcceptSignsZeroFractionsAndExponents() {
    FieldCleaning n = FieldCleaning.NONE;
    assertThat(cleanOk(FieldType.INT, n, "42"), is(42));
    assertThat(cleanOk(FieldType.INT, n, "+42"), is(42));
    assertThat(cleanOk(FieldType.INT, n, "-7"), is(-7));
    assertThat(cleanOk(FieldType.INT, n, "12.0"), is(12));
    assertThat(cleanOk(FieldType.INT, n, "1e3"), is(1000));
    assertThat(cleanOk(FieldType.INT, n, "2147483647"), is(Integer.MAX_VALUE));
    assertThat(cleanOk(FieldType.INT, separators(',', null), "1,234"), is(1234));
    assertThat(cleanOk(FieldType.LONG, n, "-9223372036854775808"), is(Long.MIN_VALUE));
  }

  @Test
  public void fractionalIntIsInvalid() {
    Violation v = cleanBad(FieldType.INT, FieldCleaning.NONE, "12.5");
    assertThat(v.reason(), is(Reasons.INVALID_NUMBER));
    assertThat(v.rule(), is("type:int"));
    assertThat(v.field(), is("v"));
    assertThat(v.message(), is("v: \"12.5\" has a fractional part; expected an int"));
    assertThat(cleanBad(FieldType.LONG, FieldCleaning.NONE, "1e-3").reason(), is(Reasons.INVALID_NUMBER));
  }

  @Test
  public void overflowIsOutOfRange() {
    Violation v = cleanBad(FieldType.INT, FieldCleaning.NONE, "99999999999");
    assertThat(v.reason(), is(Reasons.NUMBER_OUT_OF_RANGE));
    assertThat(v.message(), is("v: \"99999999999\" is out of range for an int"));
    assertThat(cleanBad(FieldType.LONG, FieldCleaning.NONE, "9223372036854775808").reason(), is(Reasons.NUMBER_OUT_OF_RANGE));
    assertThat(cleanBad(FieldType.LONG, FieldCleaning.NONE, "1e999999999").reason(), is(Reasons.NUMBER_OUT_OF_RANGE));
    assertThat(cleanBad(FieldType.DOUBLE, FieldCleaning.NONE, "1e309").reason(), is(Reasons.NUMBER_OUT_OF_RANGE));
    assertThat(cleanBad(FieldType.DOUBLE, FieldCleaning.NONE, "-2e400").reason(), is(Reasons.NUMBER_OUT_OF_RANGE));
    assertThat(cleanBad(FieldType.DECIMAL, FieldCleaning.NONE, "1e999999999").reason(), is(Reasons.NUMBER_OUT_OF_RANGE));
  }

  @Test
  public void nonNumericTextIsInvalid() {
    for (String bad : List.of("12a", "1 2", "0x10", "١٢", "--1", "1,234.50", ".", "e5")) {
      Violation v = cleanBad(FieldType.LONG, FieldCleaning.NONE, bad);
      assertThat(bad, v.reason(), is(Reasons.INVALID_NUMBER));
      assertThat(v.message(), is("v: \"" + bad + "\" is not a long"));
    }
  }

  @Test
  public void nanAndInfinityAreNonFinite() {
    for (FieldType type : List.of(FieldType.INT, FieldType.DOUBLE, FieldType.DECIMAL)) {
      for (String bad : List.of("NaN", "nan", "Infinity", "-Infinity", "+inf")) {
        assertThat(type + " " + bad, cleanBad(type, FieldCleaning.NONE, bad).reason(), is(Reasons.NON_FINITE_NUMBER));
      }
    }
  }

  @Test
  public void decimalsKeepTheirScaleAndHonourSeparators() {
    BigDecimal d = (BigDecimal) cleanOk(FieldType.DECIMAL, FieldCleaning.NONE, "12.50");
    assertThat(d.toPlainString(), is("12.50"));
    assertThat(((BigDecimal) cleanOk(FieldType.DECIMAL, separators(',', '.'), "1,234.50")).toPlainString(), is("1234.50"));
    assertThat(((BigDecimal) cleanOk(FieldType.DECIMAL, separators('.', ','), "1.234,50")).toPlainString(), is("1234.50"));
    assertThat(((BigDecimal) cleanOk(FieldType.DECIMAL, separators(null, ','), "12,5")).toPlainString(), is("12.5"));
    assertThat(cleanBad(FieldType.DECIMAL, separators(null, ','), "1.234").message(), is("v: \"1.234\" is not a decimal"));
    assertThat(((BigDecimal) cleanOk(FieldType.DECIMAL, FieldCleaning.NONE, "1.5e2")).toPlainString(), is("150"));
    assertThat(((BigDecimal) cleanOk(FieldType.DECIMAL, FieldCleaning.NONE, "-0.001")).toPlainString(), is("-0.001"));
    Violation v = cleanBad(FieldType.DECIMAL, FieldCleaning.NONE, "12,5x");
    assertThat(v.message(), is("v: \"12,5x\" is not a decimal"));
    assertThat(v.rule(), is("type:decimal"));
  }

  @Test
  public void doublesParseThroughBigDecimal() {
    assertThat(cleanOk(FieldType.DOUBLE, FieldCleaning.NONE, "5.5"), is(5.5));
    assertThat(cleanOk(FieldType.DOUBLE, FieldCleaning.NONE, "-1.5E3"), is(-1500.0));
    assertThat(cleanOk(FieldType.DOUBLE, FieldCleaning.NONE, "1e308"), is(1e308));
    assertThat(cleanOk(FieldType.DOUBLE, separators(' ', ','), "1 234,5"), is(1234.5));
  }

  @Test
  public void booleansAcceptTheDocumentedWords() {
    for (String t : List.of("true", "TRUE", "yes", "Y", "1", "t")) {
      assertThat(t, cleanOk(FieldType.BOOLEAN, FieldCleaning.NONE, t), is(true));
    }
    for (String f : List.of("false", "No", "n", "0", "F")) {
      assertThat(f, cleanOk(FieldType.BOOLEAN, FieldCleaning.NONE, f), is(false));
    }
    Violation v = cleanBad(FieldType.BOOLEAN, FieldCleaning.NONE, "maybe");
    assertThat(v.reason(), is(Reasons.INVALID_BOOLEAN));
    assertThat(v.message(), startsWith("v: \"maybe\" is not a boolean"));
  }

  // ---- dates ----

  @Test
  public void isoDatesAreStrict() {
    assertThat(cleanOk(FieldType.DATE, FieldCleaning.NONE, "2024-01-05"), is(LocalDate.of(2024, 1, 5)));
    assertThat(cleanOk(FieldType.DATE, FieldCleaning.NONE, "2024-02-29"), is(LocalDate.of(2024, 2, 29)));
    for (String bad : List.of("2023-02-30", "2023-02-29", "2024-13-01", "2024-1-5", "05/01/2024", "2024-01-05T10:00:00Z")) {
      Violation v = cleanBad(FieldType.DATE, FieldCleaning.NONE, bad);
      assertThat(bad, v.reason(), is(Reasons.INVALID_DATE));
      assertThat(v.rule(), is("type:date"));
    }
    assertThat(cleanBad(FieldType.DATE, FieldCleaning.NONE, "2023-02-30").message(),
        is("v: \"2023-02-30\" is not a date in formats [iso]"));
  }

  @Test
  public void dateFormatsAreTriedInOrderWithStrictYyyyPatterns() {
    FieldCleaning f = formats("dd/MM/yyyy", "iso", "dd MMM yyyy", "yyyyMMdd");
    LocalDate jan5 = LocalDate.of(2024, 1, 5);
    assertThat(cleanOk(FieldType.DATE, f, "05/01/2024"), is(jan5));
    assertThat(cleanOk(FieldType.DATE, f, "2024-01-05"), is(jan5));
    assertThat(cleanOk(FieldType.DATE, f, "05 jan 2024"), is(jan5));
    assertThat(cleanOk(FieldType.DATE, f, "05 JAN 2024"), is(jan5));
    assertThat(cleanOk(FieldType.DATE, f, "20240105"), is(jan5));
    assertThat(cleanBad(FieldType.DATE, f, "31/04/2024").reason(), is(Reasons.INVALID_DATE));
    assertThat(cleanBad(FieldType.DATE, f, "30 Feb 2023").reason(), is(Reasons.INVALID_DATE));
    assertThat(cleanBad(FieldType.DATE, f, "2023-02-30").message(),
        is("v: \"2023-02-30\" is not a date in formats [dd/MM/yyyy, iso, dd MMM yyyy, yyyyMMdd]"));
  }

  @Test
  public void aDatePatternWithATimeTakesTheDateAsWritten() {
    FieldCleaning f = formats("iso", "yyyy-MM-dd'T'HH:mm:ssXXX");
    assertThat(cleanOk(FieldType.DATE, f, "2024-01-05T23:30:00-05:00"), is(LocalDate.of(2024, 1, 5)));
  }

  // ---- timestamps ----

  @Test
  public void isoTimestampsWithOffsetsAndFractions() {
    FieldCleaning n = FieldCleaning.NONE;
    assertThat(cleanOk(FieldType.TIMESTAMP, n, "2024-01-05T10:00:00Z"), is(ts("2024-01-05T10:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, "2024-01-05T10:00:00+02:00"), is(ts("2024-01-05T08:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, "2024-01-05T10:00:00-0530"), is(ts("2024-01-05T15:30:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, "2024-01-05T10:00:00.123456Z"), is(ts("2024-01-05T10:00:00.123Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, "2024-01-05T10:00:00+01:00[Europe/Paris]"), is(ts("2024-01-05T09:00:00Z")));
    Object v = cleanOk(FieldType.TIMESTAMP, n, "2024-01-05T10:00:00Z");
    assertThat(v, instanceOf(org.joda.time.Instant.class));
  }

  @Test
  public void localTimestampsAreReadInTheCleanTimezone() {
    FieldCleaning n = FieldCleaning.NONE;
    String ny = "America/New_York";
    assertThat(cleanOk(FieldType.TIMESTAMP, n, ny, "2024-01-05T10:00:00"), is(ts("2024-01-05T15:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, ny, "2024-07-05 10:00:00"), is(ts("2024-07-05T14:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, ny, "2024-01-05"), is(ts("2024-01-05T05:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, ny, "2024-01-05T10:00:00Z"), is(ts("2024-01-05T10:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, n, "UTC", "2024-01-05 10:00"), is(ts("2024-01-05T10:00:00Z")));
  }

  @Test
  public void epochTimestamps() {
    assertThat(cleanOk(FieldType.TIMESTAMP, formats("epoch_seconds"), "1704448800"), is(ts("2024-01-05T10:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, formats("epoch_seconds"), "1704448800.5"), is(ts("2024-01-05T10:00:00.500Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, formats("epoch_millis"), "1704448800123"), is(ts("2024-01-05T10:00:00.123Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, formats("iso", "epoch_millis"), "0"), is(ts("1970-01-01T00:00:00Z")));
    assertThat(cleanBad(FieldType.TIMESTAMP, formats("epoch_seconds"), "1e30").reason(), is(Reasons.INVALID_TIMESTAMP));
    assertThat(cleanBad(FieldType.TIMESTAMP, formats("epoch_seconds"), "soon").reason(), is(Reasons.INVALID_TIMESTAMP));
  }

  @Test
  public void customTimestampPatternsWithAndWithoutOffset() {
    FieldCleaning f = formats("dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm XXX", "iso");
    assertThat(cleanOk(FieldType.TIMESTAMP, f, "Europe/Madrid", "05/01/2024 10:00"), is(ts("2024-01-05T09:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, f, "Europe/Madrid", "05/01/2024 10:00 +05:00"), is(ts("2024-01-05T05:00:00Z")));
    assertThat(cleanOk(FieldType.TIMESTAMP, f, "Europe/Madrid", "2024-01-05T10:00:00Z"), is(ts("2024-01-05T10:00:00Z")));
    assertThat(cleanBad(FieldType.TIMESTAMP, f, "30/02/2024 10:00").reason(), is(Reasons.INVALID_TIMESTAMP));
  }

  @Test
  public void impossibleTimestampsAreInvalid() {
    for (String bad : List.of("2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-05T24:00:00Z",
        "2024-01-05T10:00:00Zjunk", "yesterday", "1704448800")) {
      Violation v = cleanBad(FieldType.TIMESTAMP, FieldCleaning.NONE, bad);
      assertThat(bad, v.reason(), is(Reasons.INVALID_TIMESTAMP));
      assertThat(v.rule(), is("type:timestamp"));
    }
  }

  // ---- whole records ----

  @Test
  public void everyTypeConvertsToItsJavaValue() {
    PipelineSpec spec =
        spec(
            List.of(
                field("s", FieldType.STRING), field("i", FieldType.INT), field("l", FieldType.LONG),
                field("d", FieldType.DOUBLE), field("m", FieldType.DECIMAL), field("b", FieldType.BOOLEAN),
                field("day", FieldType.DATE), field("at", FieldType.TIMESTAMP)),
            null,
            List.of());
    Row row = Cleaner.create(spec)
        .clean(raw(spec, " x ", "1", "2", "3.5", "4.50", "yes", "2024-01-05", "2024-01-05T10:00:00Z"))
        .value();
    assertThat(row.getSchema(), equalTo(dev.cauce.coders.Schemas.typed(spec)));
    assertThat(row.getValue("s"), is("x"));
    assertThat(row.getValue("i"), is(1));
    assertThat(row.getValue("l"), is(2L));
    assertThat(row.getValue("d"), is(3.5));
    assertThat(row.getValue("m"), is(new BigDecimal("4.50")));
    assertThat(row.getValue("b"), is(true));
    assertThat(row.getValue("day"), is(LocalDate.of(2024, 1, 5)));
    assertThat(row.getValue("at"), is(ts("2024-01-05T10:00:00Z")));
  }

  @Test
  public void aRecordWithThreeBadFieldsGetsThreeViolations() {
    PipelineSpec spec =
        spec(
            List.of(field("id", FieldType.STRING), field("qty", FieldType.INT), field("amount", FieldType.DECIMAL),
                field("paid", FieldType.BOOLEAN), field("day", FieldType.DATE)),
            null,
            List.of());
    Result<Row> r = Cleaner.create(spec).clean(raw(spec, "a1", "three", "12,5x", "true", "2023-02-30"));
    assertThat(r.isOk(), is(false));
    assertThat(r.violations().stream().map(Violation::field).toList(), contains("qty", "amount", "day"));
    assertThat(r.violations().stream().map(Violation::reason).toList(),
        contains(Reasons.INVALID_NUMBER, Reasons.INVALID_NUMBER, Reasons.INVALID_DATE));
    assertThat(r.violations().get(1).message(), is("amount: \"12,5x\" is not a decimal"));
  }

  @Test
  public void longValuesAreTruncatedInMessages() {
    String huge = "x".repeat(500);
    Violation v = cleanBad(FieldType.INT, FieldCleaning.NONE, huge);
    assertThat(v.message(), containsString("\"" + "x".repeat(100) + "\"..."));
    assertThat(v.message(), not(containsString("x".repeat(101))));
  }

  @Test
  public void regexStepsRunInLinearTimeOnPatternsThatBacktrackInJava() {
    // In java.util.regex these took minutes or overflowed the stack; RE2/J answers in one pass.
    assertThat(str(steps(strip("(.*a){10}x")), "a".repeat(60)), is("a".repeat(60)));
    assertThat(str(steps(replace("(a|b)*c", "x")), "ab".repeat(100_000)), is("ab".repeat(100_000)));
    assertThat(str(steps(replace("(a|b)*c", "x")), "ab".repeat(100_000) + "c"), is("x"));
    assertThat(str(steps(extract("^(a|aa){1,100}$")), "a".repeat(61) + "b"), is(nullValue()));
    String big = "a".repeat(500_000) + "b";
    for (int i = 0; i < 20; i++) {
      assertThat(str(steps(strip("(a+)+$")), big), is(big));
    }
  }

  @Test
  public void strictYearsRewritesOnlyUnquotedLowerY() {
    assertThat(Temporals.strictYears("yyyy-MM-dd 'y' YYYY yy"), is("uuuu-MM-dd 'y' YYYY uu"));
  }

  @Test
  public void eachStepTellsTheValuesItChangedByStepAndField() {
    PipelineSpec spec = dev.cauce.spec.load.SpecTesting.parse("""
        name: m
        source: {path: in/*.jsonl, format: jsonl}
        schema:
          - {name: name, type: string}
          - {name: st, type: string, map: {"Calif.": CA}}
          - {name: n, type: int}
        clean:
          all: [trim]
          fields:
            name: [collapse_whitespace, lower]
            st: {steps: [null_if: ["?"]], default: "ZZ"}
        """);
    Cleaner c = Cleaner.create(spec);
    List<String> changed = new java.util.ArrayList<>();
    java.util.function.Function<List<String>, Result<Row>> clean = v -> c.clean(
        Row.withSchema(dev.cauce.coders.Schemas.raw(spec)).attachValues(new java.util.ArrayList<Object>(v)), f -> {}, changed::add);
    clean.apply(java.util.Arrays.asList(" Ann  Lee ", "Calif.", "1")); // trim, collapse, lower; map
    clean.apply(java.util.Arrays.asList("ann lee", "?", " 2 ")); // unchanged name; null_if then default; trim on n
    clean.apply(java.util.Arrays.asList("n/a", "CA", "x")); // null token (then nothing more); n rejected: still counted
    clean.apply(java.util.Arrays.asList(null, null, null)); // a null changes nothing but takes the default
    assertThat(changed, equalTo(List.of(
        "trim.name", "collapse_whitespace.name", "lower.name", "map.st",
        "null_if.st", "default.st", "trim.n",
        "null_tokens.name",
        "default.st")));
  }
}
