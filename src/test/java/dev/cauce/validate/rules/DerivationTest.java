package dev.cauce.validate.rules;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.clean.Cleaner;
import dev.cauce.coders.Schemas;
import dev.cauce.model.Result;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecTesting;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/** Derived fields: computed after cleaning, cast to their type, null over nulls, derive_failed with the values read. */
public class DerivationTest {
  private static final PipelineSpec SPEC = SpecTesting.parse("""
      name: m
      source: {path: in/*.jsonl, format: jsonl}
      schema:
        - {name: city, type: string}
        - {name: released, type: string}
        - {name: fare, type: decimal}
        - {name: state, type: string, derive: 'extract(city, " ([A-Z]{2})$", 1)'}
        - {name: year, type: int, derive: 'extract(released, "^([0-9]+)-", 1)'}
        - {name: day, type: date, derive: 'released'}
        - {name: double_fare, type: decimal, derive: 'fare * 2'}
        - {name: tag, type: string, derive: 'state + "-" + released'}
      clean:
        fields:
          day: {formats: [iso]}
          year: {default: "1900"}
      """);

  private static Result<Row> derive(String city, String released, String fare) {
    Cleaner cleaner = Cleaner.create(SPEC);
    List<Object> raw = new ArrayList<>(Arrays.asList(city, released, fare, null, null, null, null, null));
    Row typed = cleaner.clean(Row.withSchema(Schemas.raw(SPEC)).attachValues(raw)).value();
    return Derivation.create(SPEC).apply(typed);
  }

  @Test
  public void derivedFieldsAreComputedInOrderAndCast() {
    Result<Row> r = derive("San Francisco CA", "1979-05-25", "10.25");
    assertThat(r.value().getValues(), contains("San Francisco CA", "1979-05-25", new BigDecimal("10.25"), "CA", 1979,
        LocalDate.of(1979, 5, 25), new BigDecimal("20.50"), "CA-1979-05-25"));
  }

  @Test
  public void aDerivationOverANullOrANonMatchIsNullOrTheDefault() {
    assertThat(derive(null, null, null).value().getValues().subList(3, 8), contains(null, 1900, null, null, null)); // year's default
    // no match: extract gives null; the field reading it is null too
    assertThat(derive("Amity", "1975-06-20", "1").value().getValues().subList(3, 8),
        contains(null, 1975, LocalDate.of(1975, 6, 20), new BigDecimal("2"), null));
  }

  @Test
  public void aFailingDerivationRejectsNamingTheFieldAndTheValuesRead() {
    Result<Row> r = derive("X NY", "2020-13-01", "1");
    assertThat(r.violations().stream().map(v -> v.reason() + " " + v.field() + " " + v.message()).toList(), contains(
        "derive_failed day day: derive released failed: \"2020-13-01\" is not a date in formats [iso]"
            + " (released = \"2020-13-01\")"));
    Result<Row> big = derive("X NY", "99999999999-01-01", "1");
    assertThat(big.violations().get(0).message(), equalTo(
        "year: derive extract(released, \"^([0-9]+)-\", 1) failed: \"99999999999\" is out of range for an int"
            + " (released = \"99999999999-01-01\")"));
  }

  @Test
  public void extractRunsOnRe2() {
    assertThat(ExpressionFunctions.extract("a1b22", "([0-9]+)", 1), equalTo("1"));
    assertThat(ExpressionFunctions.extract("abc", "([0-9]+)", 0), equalTo(null));
    assertThat(ExpressionFunctions.extract("x".repeat(30) + "y", "(x+x+)+y", 0), equalTo("x".repeat(30) + "y"));
  }
}
