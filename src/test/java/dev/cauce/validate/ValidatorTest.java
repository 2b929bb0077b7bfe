package dev.cauce.validate;

import static dev.cauce.clean.TestSpecs.clean;
import static dev.cauce.clean.TestSpecs.field;
import static dev.cauce.clean.TestSpecs.required;
import static dev.cauce.clean.TestSpecs.spec;
import static dev.cauce.clean.TestSpecs.typed;
import static dev.cauce.validate.Rules.in;
import static dev.cauce.validate.Rules.length;
import static dev.cauce.validate.Rules.notNull;
import static dev.cauce.validate.Rules.range;
import static dev.cauce.validate.Rules.regex;
import static dev.cauce.validate.Rules.warn;
import static dev.cauce.validate.Rules.withMessage;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.cauce.core.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ValidatorTest {

  private static Validation run(List<FieldSpec> schema, List<RuleSpec> rules, Object... values) {
    PipelineSpec spec = spec(schema, clean(Map.of()), rules);
    return Validator.create(spec).validate(typed(spec, values));
  }

  /** One field "v" of the type, one rule, one value. */
  private static Validation one(FieldType type, RuleSpec rule, Object value) {
    return run(List.of(field("v", type)), List.of(rule), value);
  }

  private static boolean passes(FieldType type, RuleSpec rule, Object value) {
    Validation v = one(type, rule, value);
    return v.errors().isEmpty() && v.warnings().isEmpty();
  }

  private static Violation onlyError(Validation v) {
    assertThat(v.warnings(), is(empty()));
    assertThat(v.errors(), hasSize(1));
    return v.errors().get(0);
  }

  private static org.joda.time.Instant ts(String iso) {
    return new org.joda.time.Instant(java.time.Instant.parse(iso).toEpochMilli());
  }

  // ---- required / not_null ----

  @Test
  public void requiredFieldsGetAnImplicitNotNullRuleCheckedFirst() {
    List<FieldSpec> schema = List.of(required("email", FieldType.STRING), field("amount", FieldType.INT));
    List<RuleSpec> rules = List.of(range("amount_positive", "amount", "0", null, false, true));
    Validation v = run(schema, rules, null, -1);
    assertThat(v.errors(), hasSize(2));
    Violation first = v.errors().get(0);
    assertThat(first.reason(), is("email_required"));
    assertThat(first.rule(), is("not_null"));
    assertThat(first.field(), is("email"));
    assertThat(first.message(), is("email is required"));
    assertThat(v.errors().get(1).reason(), is("amount_positive"));
    assertThat(run(schema, rules, "a@b.c", 1).isValid(), is(true));
  }

  @Test
  public void notNullRule() {
    RuleSpec r = notNull("v_present", "v");
    assertThat(passes(FieldType.STRING, r, "x"), is(true));
    assertThat(passes(FieldType.STRING, r, ""), is(true));
    Violation e = onlyError(one(FieldType.STRING, r, null));
    assertThat(e.reason(), is("v_present"));
    assertThat(e.rule(), is("not_null"));
    assertThat(e.message(), is("v must not be null"));
  }

  // ---- range ----

  @Test
  public void rangeOnIntsWithInclusiveAndExclusiveBounds() {
    RuleSpec inclusive = range("r", "v", "0", "10");
    assertThat(passes(FieldType.INT, inclusive, 0), is(true));
    assertThat(passes(FieldType.INT, inclusive, 10), is(true));
    assertThat(passes(FieldType.INT, inclusive, -1), is(false));
    assertThat(passes(FieldType.INT, inclusive, 11), is(false));
    RuleSpec exclusive = range("r", "v", "0", "10", false, false);
    assertThat(passes(FieldType.INT, exclusive, 0), is(false));
    assertThat(passes(FieldType.INT, exclusive, 10), is(false));
    assertThat(passes(FieldType.INT, exclusive, 5), is(true));
    assertThat(passes(FieldType.INT, exclusive, null), is(true));
    assertThat(onlyError(one(FieldType.INT, exclusive, 10)).message(), is("v must be < 10, was 10"));
    assertThat(onlyError(one(FieldType.INT, inclusive, 11)).message(), is("v must be <= 10, was 11"));
  }

  @Test
  public void rangeOnDecimalsComparesByValue() {
    List<FieldSpec> schema = List.of(field("amount", FieldType.DECIMAL));
    List<RuleSpec> rules = List.of(range("amount_positive", "amount", "0", "10000", false, true));
    Violation e = onlyError(run(schema, rules, new BigDecimal("-5.00")));
    assertThat(e.reason(), is("amount_positive"));
    assertThat(e.rule(), is("range"));
    assertThat(e.field(), is("amount"));
    assertThat(e.message(), is("amount must be > 0, was -5.00"));
    assertThat(run(schema, rules, new BigDecimal("0.00")).isValid(), is(false));
    assertThat(run(schema, rules, new BigDecimal("0.01")).isValid(), is(true));
    assertThat(run(schema, rules, new BigDecimal("10000.000")).isValid(), is(true));
    assertThat(run(schema, rules, new BigDecimal("10000.001")).isValid(), is(false));
  }

  @Test
  public void fractionalBoundsOnIntAndLongAndDoubleFields() {
    RuleSpec r = range("r", "v", "0.5", "2.5");
    assertThat(passes(FieldType.INT, r, 0), is(false));
    assertThat(passes(FieldType.INT, r, 1), is(true));
    assertThat(passes(FieldType.LONG, r, 3L), is(false));
    assertThat(passes(FieldType.DOUBLE, r, 0.5), is(true));
    assertThat(passes(FieldType.DOUBLE, r, 0.49999), is(false));
    assertThat(passes(FieldType.DOUBLE, range("r", "v", "0.1", null), 0.1), is(true));
    assertThat(passes(FieldType.DOUBLE, r, Double.NaN), is(false));
    assertThat(passes(FieldType.LONG, range("r", "v", null, "9223372036854775806"), Long.MAX_VALUE), is(false));
  }

  @Test
  public void rangeOnDates() {
    RuleSpec r = range("in_2024", "v", "2024-01-01", "2024-12-31");
    assertThat(passes(FieldType.DATE, r, LocalDate.of(2024, 1, 1)), is(true));
    assertThat(passes(FieldType.DATE, r, LocalDate.of(2024, 12, 31)), is(true));
    assertThat(onlyError(one(FieldType.DATE, r, LocalDate.of(2023, 12, 31))).message(),
        is("v must be >= 2024-01-01, was 2023-12-31"));
    assertThat(passes(FieldType.DATE, r, LocalDate.of(2025, 1, 1)), is(false));
  }

  @Test
  public void rangeOnTimestamps() {
    RuleSpec r = range("recent", "v", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00+02:00", true, false);
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2024-01-01T00:00:00Z")), is(true));
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2023-12-31T23:59:59.999Z")), is(false));
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2024-01-01T21:59:59.999Z")), is(true));
    assertThat(passes(FieldType.TIMESTAMP, r, ts("2024-01-01T22:00:00Z")), is(false));
    // a bound without offset is read in clean.timezone (UTC here)
    assertThat(passes(FieldType.TIMESTAMP, range("r", "v", "2024-01-01 00:00:00", null), ts("2023-12-31T23:00:00Z")), is(false));
  }

  @Test
  public void invalidRangesAreRefusedAtCreate() {
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.STRING, range("r", "v", "a", "b"), "x"));
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.INT, range("r", "v", "ten", null), 1));
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.DATE, range("r", "v", "01/01/2024", null), null));
    assertThrows(IllegalArgumentException.class, () -> one(FieldType.INT, range("r", "missing", "0", null), 1));
  }

  // ---- length ----

  @Test
  public void lengthCountsCodePointsInclusive() {
    RuleSpec r = length("len", "v", "2", "3");
    assertThat(passes(FieldType.STRING, r, "ab"), is(true));
    assertThat(passes(FieldType.STRING, r, "abc"), is(true));
    assertThat(passes(FieldType.STRING, r, "a😀b"), is(true)); // 3 code points, 4 chars
    assertThat(passes(FieldType.STRING, r, "😀😀😀😀"), is(false));
    assertThat(passes(FieldType.STRING, r, null), is(true));
    assertThat(onlyError(one(FieldType.STRING, r, "a")).message(), is("v must have at least 2 characters, had 1: \"a\""));
    assertThat(onlyError(one(FieldType.STRING, r, "abcd")).message(), is("v must have at most 3 characters, had 4: \"abcd\""));
  }

  // ---- regex ----

  @Test
  public void regexMustMatchTheWholeValue() {
    RuleSpec r = regex("currency_code", "v", "[A-Z]{3}", false);
    assertThat(passes(FieldType.STRING, r, "USD"), is(true));
    assertThat(passes(FieldType.STRING, r, "USDX"), is(false));
    assertThat(passes(FieldType.STRING, r, "usd"), is(false));
    assertThat(passes(FieldType.STRING, r, null), is(true));
    assertThat(passes(FieldType.STRING, regex("c", "v", "[A-Z]{3}", true), "usd"), is(true));
    Violation e = onlyError(one(FieldType.STRING, regex("email_format", "v", "^[^@\\s]+@[^@\\s]+\\.[a-z]+$", false), "x@"));
    assertThat(e.rule(), is("regex"));
    assertThat(e.message(), is("v \"x@\" does not match ^[^@\\s]+@[^@\\s]+\\.[a-z]+$"));
  }

  @Test
  public void regexOnANumberUsesItsPlainText() {
    assertThat(passes(FieldType.DECIMAL, regex("two_places", "v", "-?\\d+\\.\\d{2}", false), new BigDecimal("12.50")), is(true));
    assertThat(passes(FieldType.DECIMAL, regex("two_places", "v", "-?\\d+\\.\\d{2}", false), new BigDecimal("12.5")), is(false));
  }

  @Test
  public void aCatastrophicRegexFailsTheRuleInsteadOfHanging() {
    Violation e = onlyError(one(FieldType.STRING, regex("slow", "v", "(.*a){10}x", false), "a".repeat(60)));
    assertThat(e.reason(), is("slow"));
    assertThat(e.message(), containsString("could not be matched"));
  }

  // ---- in ----

  @Test
  public void inComparesStringsExactlyOrIgnoringCase() {
    RuleSpec r = in("currency_known", "v", false, "USD", "EUR");
    assertThat(passes(FieldType.STRING, r, "USD"), is(true));
    assertThat(passes(FieldType.STRING, r, "usd"), is(false));
    assertThat(passes(FieldType.STRING, r, null), is(true));
    assertThat(passes(FieldType.STRING, in("c", "v", true, "USD", "EUR"), "eur"), is(true));
    Violation e = onlyError(one(FieldType.STRING, r, "XYZ"));
    assertThat(e.rule(), is("in"));
    assertThat(e.message(), is("v \"XYZ\" is not one of [USD, EUR]"));
  }

  @Test
  public void inComparesNumbersByValue() {
    RuleSpec r = in("code", "v", false, "1", "2.50", "0");
    assertThat(passes(FieldType.INT, r, 1), is(true));
    assertThat(passes(FieldType.DECIMAL, r, new BigDecimal("1.0")), is(true));
    assertThat(passes(FieldType.DECIMAL, r, new BigDecimal("2.5")), is(true));
    assertThat(passes(FieldType.DOUBLE, r, 2.5), is(true));
    assertThat(passes(FieldType.DECIMAL, r, new BigDecimal("0.000")), is(true));
    assertThat(passes(FieldType.LONG, r, 3L), is(false));
    assertThat(onlyError(one(FieldType.DECIMAL, r, new BigDecimal("3.10"))).message(), is("v 3.10 is not one of [1, 2.50, 0]"));
  }

  @Test
  public void inOnBooleansAndDates() {
    assertThat(passes(FieldType.BOOLEAN, in("b", "v", false, "TRUE"), true), is(true));
    assertThat(passes(FieldType.BOOLEAN, in("b", "v", false, "true"), false), is(false));
    assertThat(passes(FieldType.DATE, in("d", "v", false, "2024-01-05"), LocalDate.of(2024, 1, 5)), is(true));
    assertThat(passes(FieldType.TIMESTAMP, in("t", "v", false, "2024-01-05T12:00:00+02:00"), ts("2024-01-05T10:00:00Z")), is(true));
  }

  // ---- severity, messages, many rules ----

  @Test
  public void warnRulesGoToWarnings() {
    Validation v = one(FieldType.INT, warn(range("small", "v", null, "10")), 11);
    assertThat(v.errors(), is(empty()));
    assertThat(v.isValid(), is(true));
    assertThat(v.warnings(), hasSize(1));
    assertThat(v.warnings().get(0).reason(), is("small"));
  }

  @Test
  public void theRuleMessageReplacesTheGeneratedOne() {
    Violation e = onlyError(one(FieldType.INT, withMessage(range("r", "v", "0", null), "no negative amounts"), -1));
    assertThat(e.message(), is("no negative amounts"));
  }

  @Test
  public void everyRuleRunsAndAllFailuresAreListed() {
    List<FieldSpec> schema = List.of(
        required("id", FieldType.STRING), field("email", FieldType.STRING), field("amount", FieldType.DECIMAL),
        field("currency", FieldType.STRING));
    List<RuleSpec> rules = List.of(
        regex("email_format", "email", "[^@]+@[^@]+", false),
        range("amount_positive", "amount", "0", null, false, true),
        in("currency_known", "currency", false, "USD", "EUR"),
        warn(length("email_short", "email", null, "3")));
    Validation v = run(schema, rules, "o1", "nope", new BigDecimal("-1"), "XYZ");
    assertThat(v.errors().stream().map(Violation::reason).toList(),
        contains("email_format", "amount_positive", "currency_known"));
    assertThat(v.warnings().stream().map(Violation::reason).toList(), contains("email_short"));
    assertThat(run(schema, rules, "o1", "a@b", new BigDecimal("1"), "USD"), is(Validation.valid()));
  }

  @Test
  public void longValuesAreTruncatedInMessages() {
    Violation e = onlyError(one(FieldType.STRING, in("c", "v", false, "a"), "y".repeat(300)));
    assertThat(e.message(), is("v \"" + "y".repeat(100) + "\"... is not one of [a]"));
  }
}
