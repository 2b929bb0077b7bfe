package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.SCHEMA_FIELDS;
import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.ExpectationSpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** {@code expectations}, {@code expectation_suite} and {@code expectations_unknown}: GX's vocabulary, checked before the job. */
public class SpecExpectationsTest {

  @Test
  public void expectationsInGxVocabularyAreRead() {
    PipelineSpec spec = parse(BASE + """
        expectations:
          - expectation_type: expect_column_values_to_be_between
            kwargs: {column: amount, min_value: 0, max_value: 99.50, strict_max: true, mostly: 0.9}
            meta: {owner: data-team}
          - type: expect_column_values_to_not_be_null
            column: email
            severity: warn
          - expectation_type: expect_column_values_to_be_unique
            kwargs: {column: order_id}
          - expectation_type: expect_column_values_to_be_unique
            kwargs: {column: order_id}
            name: order_id_unique_again
          - expectation_type: expect_table_row_count_to_equal
            kwargs: {value: 3}
        """);
    List<ExpectationSpec> e = spec.expectations();
    assertThat(e.size(), equalTo(5));
    assertThat(e.get(0).id(), equalTo("expect_column_values_to_be_between:amount"));
    assertThat(e.get(0).kwargs().get("max_value"), equalTo(new BigDecimal("99.50")));
    assertThat(e.get(0).kwargs().get("strict_max"), equalTo(true));
    assertThat(e.get(0).meta(), equalTo(Map.of("owner", "data-team")));
    assertThat(e.get(0).warn(), equalTo(false));
    assertThat(e.get(1).type(), equalTo("expect_column_values_to_not_be_null"));
    assertThat(e.get(1).kwargs(), equalTo(Map.of("column", "email")));
    assertThat(e.get(1).warn(), equalTo(true));
    assertThat(e.get(3).id(), equalTo("order_id_unique_again"));
    assertThat(e.get(4).id(), equalTo("expect_table_row_count_to_equal"));
  }

  @Test
  public void aSuiteLoadsTheSameInGx015AndGx1Formats() {
    for (String file : List.of("suite-gx015.json", "suite-gx1.json")) {
      PipelineSpec spec = parse(BASE + "expectation_suite: src/test/resources/expect/" + file + "\n");
      List<ExpectationSpec> e = spec.expectations();
      assertThat(file, e.stream().map(ExpectationSpec::id).toList(), equalTo(List.of("expect_table_row_count_to_be_between",
          "expect_column_values_to_not_be_null:email", "expect_column_values_to_be_between:amount")));
      assertThat(file, e.get(0).kwargs(), equalTo(Map.of("min_value", new BigDecimal("1"), "max_value", new BigDecimal("1000"))));
      assertThat(file, e.get(1).kwargs(), equalTo(Map.of("column", "email", "mostly", new BigDecimal("0.95"))));
      assertThat(file, e.get(1).meta(), equalTo(Map.of("notes", "profiled")));
      assertThat(file, e.get(2).warn(), equalTo(true));
      assertThat(file, e.get(2).kwargs().get("max_value"), equalTo(new BigDecimal("500.5")));
    }
  }

  @Test
  public void suiteExpectationsComeBeforeTheSpecsOwn() {
    PipelineSpec spec = parse(BASE + """
        expectation_suite: src/test/resources/expect/suite-gx1.json
        expectations:
          - {type: expect_column_to_exist, column: qty}
        """);
    assertThat(spec.expectations().size(), equalTo(4));
    assertThat(spec.expectations().get(3).id(), equalTo("expect_column_to_exist:qty"));
  }

  @Test
  public void anUnknownTypeListsTheSupportedOnes() {
    SpecException e = fails(BASE + """
        expectations:
          - expectation_type: expect_column_values_to_be_odd
            kwargs: {column: qty}
        """);
    assertProblem(problemAt(e, "expectations[0].expectation_type"), 13,
        "unknown expectation type \"expect_column_values_to_be_odd\"; allowed: expect_column_values_to_not_be_null, "
            + "expect_column_values_to_be_null");
    assertThat(e.getMessage(), containsString("expect_column_quantile_values_to_be_between"));
    assertThat(e.getMessage(), containsString("or set expectations_unknown: skip"));
  }

  @Test
  public void withSkipAnUnknownTypeIsKeptAsSkipped() {
    PipelineSpec spec = parse(BASE + """
        expectations_unknown: skip
        expectations:
          - expectation_type: expect_column_values_to_be_odd
            kwargs: {column: qty}
          - {type: expect_column_values_to_not_be_null, column: qty}
        """);
    assertThat(spec.expectations().size(), equalTo(2));
    assertThat(spec.expectations().get(0).skipped(), equalTo("unknown expectation type (expectations_unknown: skip)"));
    assertThat(spec.expectations().get(0).id(), equalTo("expect_column_values_to_be_odd:qty"));
    assertThat(spec.expectations().get(1).skipped(), equalTo(null));
  }

  @Test
  public void kwargsAreCheckedAgainstTheTypeAndTheSchema() {
    SpecException e = fails(BASE + """
        expectations:
          - expectation_type: expect_column_values_to_be_between
            kwargs: {min_value: 1}
          - expectation_type: expect_column_values_to_be_in_set
            kwargs:
              column: amont
              value_set: [1, 2]
          - expectation_type: expect_column_values_to_be_in_set
            kwargs:
              column: qty
              value_set: ["1", 2]
          - expectation_type: expect_column_mean_to_be_between
            kwargs: {column: email, min_value: 1}
          - expectation_type: expect_column_values_to_match_regex
            kwargs: {column: email, regex: "(a", mostly: 1.5}
          - expectation_type: expect_column_values_to_be_between
            kwargs: {column: ordered_on, min_value: "2024-13-01", max_value: "2024-01-31"}
          - expectation_type: expect_column_values_to_not_be_null
            kwargs: {column: qty, row_condition: "qty > 1", colum: x}
          - type: expect_column_max_to_be_between
            column: amount
            min_value: 10
            max_value: 5
        """);
    assertProblem(problemAt(e, "expectations[0].kwargs.column"), 14, "missing kwarg \"column\"");
    assertProblem(problemAt(e, "expectations[1].kwargs.column"), 17, "\"amont\" is not a schema field; " + SCHEMA_FIELDS);
    assertProblem(problemAt(e, "expectations[2].kwargs.value_set"), 22, "value_set values must be a number for int column qty, got the string \"1\"");
    assertProblem(problemAt(e, "expectations[3].kwargs.column"), 24, "expect_column_mean_to_be_between needs a numeric column; email is string");
    SpecException regex = e;
    assertThat(regex.problems().stream().filter(p -> p.path().equals("expectations[4].kwargs.regex")).count(), equalTo(1L));
    assertProblem(problemAt(e, "expectations[4].kwargs.mostly"), 26, "mostly must be between 0 and 1, got 1.5");
    assertProblem(problemAt(e, "expectations[5].kwargs.min_value"), 28, "min_value must be an ISO date (yyyy-MM-dd) for date column ordered_on");
    assertProblem(problemAt(e, "expectations[6].kwargs.row_condition"), 30, "row_condition \"qty > 1\": not supported from"
        + " \"qty > 1\" (condition_parser great_expectations supports col(\"name\") compared");
    assertProblem(problemAt(e, "expectations[6].kwargs.colum"), 30, "unknown kwarg \"colum\" for expect_column_values_to_not_be_null; it takes column, mostly");
    assertProblem(problemAt(e, "expectations[7].max_value"), 34, "max_value is less than min_value");
    assertThat(e.getMessage(), e.problems().size(), equalTo(10));
  }

  @Test
  public void suiteProblemsNameTheSuiteFileAndItsLine() {
    SpecException e = fails(BASE + "expectation_suite: src/test/resources/expect/suite-bad.json\n");
    assertProblem(problemAt(e, "expectation_suite"), 12,
        "src/test/resources/expect/suite-bad.json line 6 expectations[0].kwargs.column: \"mail\" is not a schema field");
  }

  @Test
  public void aMissingSuiteFileSaysWhereItWasLookedFor() {
    assertOnlyProblem(BASE + "expectation_suite: nowhere/suite.json\n", "expectation_suite", 12,
        "cannot read the suite nowhere/suite.json");
  }

  @Test
  public void rowConditionsAreCheckedForTheirParserBeforeTheJob() {
    PipelineSpec ok = parse(BASE + """
        expectations:
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'col("qty")>1 & col("email").notNull()', condition_parser: great_expectations}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'qty >= 2 and order_id != "x"', condition_parser: pandas}
          - {type: expect_column_values_to_be_unique, column: email, row_condition: 'qty > 1 && is_not_null(amount)', condition_parser: cauce}
        """);
    assertThat(ok.expectations().size(), equalTo(3));
    SpecException e = fails(BASE + """
        expectations:
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'col("qty").isin([1, 2])', condition_parser: great_expectations}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'col("qty") > 1', condition_parser: pandas}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'quty > 1', condition_parser: cauce}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'col("email") > 1'}
          - {type: expect_column_mean_to_be_between, column: amount, min_value: 1, row_condition: 'col("qty") > 1'}
          - {type: expect_column_values_to_not_be_null, column: email, row_condition: 'x', condition_parser: spark}
        """);
    assertProblem(problemAt(e, "expectations[0].row_condition"), 13, "row_condition \"col(\"qty\").isin([1, 2])\": not supported"
        + " from \".isin([1, 2])\" (condition_parser great_expectations supports col(\"name\") compared (==, !=, <, <=, >, >=)"
        + " with a number, a quoted string, True or False; col(\"name\").notNull() or .isNull(); combined with &, |, ~ and"
        + " parentheses; condition_parser: cauce takes a cauce expression)");
    assertProblem(problemAt(e, "expectations[1].row_condition"), 14, "not supported from \"col(\"qty\") > 1\" (condition_parser"
        + " pandas supports name compared");
    assertProblem(problemAt(e, "expectations[2].row_condition"), 15, "row_condition \"quty > 1\": expression uses \"quty\","
        + " which is not a schema field");
    assertProblem(problemAt(e, "expectations[3].row_condition"), 16, "row_condition \"col(\"email\") > 1\": ");
    assertProblem(problemAt(e, "expectations[4].row_condition"), 17, "row_condition is supported on row and uniqueness"
        + " expectations only");
    assertProblem(problemAt(e, "expectations[5].condition_parser"), 18, "unknown condition_parser \"spark\"; allowed:"
        + " great_expectations, great_expectations__experimental__, pandas, cauce");
  }

  @Test
  public void exactLimitsAreWholeNumbersOfOneOrMore() {
    PipelineSpec spec = parse(BASE + """
        expectations_exact_limit: 1000
        expectations:
          - {type: expect_column_median_to_be_between, column: amount, min_value: 1}
          - {type: expect_column_median_to_be_between, column: amount, min_value: 1, exact_limit: 10}
        """);
    assertThat(spec.expectations().get(0).exactLimit(), equalTo(1000L));
    assertThat(spec.expectations().get(1).exactLimit(), equalTo(10L));
    assertThat(parse(BASE + "expectations: [{type: expect_column_median_to_be_between, column: amount, min_value: 1}]\n")
        .expectations().get(0).exactLimit(), equalTo(5_000_000L));
    assertOnlyProblem(BASE + """
        expectations_exact_limit: 0
        expectations: [{type: expect_column_median_to_be_between, column: amount, min_value: 1}]
        """, "expectations_exact_limit", 12, "expectations_exact_limit must be a whole number of 1 or more");
  }
}
