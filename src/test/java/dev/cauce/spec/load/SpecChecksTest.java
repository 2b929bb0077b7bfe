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
import static org.hamcrest.Matchers.not;

import dev.cauce.model.Reasons;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.read.SpecProblem;
import java.util.List;
import org.junit.Test;

/**
 * One test per class of spec problem: each asserts the problem's path, line and the key part of its
 * message. {@link SpecTesting#BASE} is a valid 11-line spec, so appended sections start at line 12.
 */
public class SpecChecksTest {

  // ---- structure: unknown keys, missing keys, node types ----

  @Test
  public void unknownKeysAreReportedAtEveryLevelWithTheAllowedKeys() {
    SpecException e = fails("""
        name: orders
        sorce: {path: x, format: jsonl}
        source:
          path: in.csv
          format: csv
          csv: {delimter: ";"}
        schema:
          - {name: a, type: string, nullable: true}
        dedupe: {key: [a], kep: first}
        quality:
          limits:
            a_required: {max_ratio: 0.1, max: 3}
        """);
    assertProblem(problemAt(e, "sorce"), 2, "unknown key \"sorce\"; allowed: name, description, source, schema");
    assertProblem(problemAt(e, "sorce"), 2, "(did you mean \"source\"?)");
    assertProblem(problemAt(e, "source.csv.delimter"), 6,
        "unknown key \"delimter\"; allowed: delimiter, quote, header, columns, max_quoted_lines, max_quoted_bytes,"
            + " missing_columns, extra_columns, column_order (did you mean \"delimiter\"?)");
    assertProblem(problemAt(e, "schema[0].nullable"), 8, "allowed: name, type, required");
    assertProblem(problemAt(e, "dedupe.kep"), 9, "allowed: key, keep, order_by, buckets");
    assertProblem(problemAt(e, "quality.limits.a_required.max"), 12, "allowed: max_ratio, max_count");
    assertThat(e.problems().size(), equalTo(6)); // a_required is not a required field's reason either
  }

  @Test
  public void csvQuotedBoundsMustBePositiveAndSane() {
    SpecException e = fails("""
        name: orders
        source:
          path: in.csv
          format: csv
          csv: {max_quoted_lines: 0, max_quoted_bytes: 1073741824}
        schema:
          - {name: a, type: string}
        """);
    assertProblem(problemAt(e, "source.csv.max_quoted_lines"), 5, "must be between 1 and 10000000, got 0");
    assertProblem(problemAt(e, "source.csv.max_quoted_bytes"), 5, "must be between 1 and 268435456, got 1073741824");
    assertThat(e.problems().size(), equalTo(2));
  }

  @Test
  public void missingRequiredKeysAreReportedAtTheEnclosingMapsLine() {
    SpecException e = fails("""
        description: nothing else
        source:
          format: jsonl
        """);
    assertProblem(problemAt(e, "name"), 1, "missing required key \"name\"");
    assertProblem(problemAt(e, "schema"), 1, "missing required key \"schema\"");
    assertProblem(problemAt(e, "source.path"), 2, "missing required key \"path\"");
    assertThat(e.problems().size(), equalTo(3));

    SpecException fields = fails(BASE + """
        validate:
          - {rule: not_null, field: email}
          - {name: r2, field: email}
          - {name: r3, rule: in}
        """);
    assertProblem(problemAt(fields, "validate[0].name"), 13, "missing required key \"name\"");
    assertProblem(problemAt(fields, "validate[1].rule"), 14, "missing required key \"rule\"");
    assertProblem(problemAt(fields, "validate[2].field"), 15, "missing required key \"field\"");
    assertProblem(problemAt(fields, "validate[2].values"), 15, "missing required key \"values\"");
    assertThat(fields.problems().size(), equalTo(4));
  }

  @Test
  public void aKeyWithNoValueCountsAsMissing() {
    assertOnlyProblem(BASE.replace("  path: in/*.jsonl", "  path:"), "source.path", 2,
        "missing required key \"path\" (it has no value)");
  }

  @Test
  public void wrongNodeTypesSayWhatWasExpected() {
    SpecException e = fails("""
        name: orders
        source: in.jsonl
        schema:
          - {name: a, type: string, required: yes}
          - {name: b, type: [int]}
        dedupe:
          key: a
          buckets: "8"
        sinks:
          - {name: main, shards: two}
        quality: {max_rejected_ratio: low}
        clean:
          all: trim
        """);
    assertProblem(problemAt(e, "source"), 2, "expected a map (keys: type, path, format, csv, duplicate_keys, http), got a string \"in.jsonl\"");
    assertProblem(problemAt(e, "schema[0].required"), 4, "expected true or false, got a string \"yes\"");
    assertProblem(problemAt(e, "schema[1].type"), 5, "expected a text value, got a list");
    assertProblem(problemAt(e, "dedupe.key"), 7, "expected a list of schema fields, got a string \"a\"");
    assertProblem(problemAt(e, "dedupe.buckets"), 8, "expected a whole number, got a string \"8\"");
    assertProblem(problemAt(e, "sinks[0].shards"), 10, "expected a whole number, got a string \"two\"");
    assertProblem(problemAt(e, "quality.max_rejected_ratio"), 11, "expected a number, got a string \"low\"");
    assertProblem(problemAt(e, "clean.all"), 13, "expected a list of cleaning steps, got a string \"trim\"");
    assertThat(e.problems().size(), equalTo(8));
  }

  @Test
  public void repeatedKeysAreProblems() {
    assertOnlyProblem(BASE + "name: again\n", "name", 12, "duplicate key \"name\" (first given at line 1)");
  }

  // ---- enums ----

  @Test
  public void enumValuesListWhatIsAllowed() {
    SpecException e = fails("""
        name: orders
        source: {path: x, format: json}
        schema:
          - {name: a, type: text}
          - {name: t, type: timestamp}
        validate:
          - {name: r1, rule: between, field: a}
          - {name: r2, rule: not_null, field: a, severity: fatal}
        dedupe: {key: [a], keep: last}
        sinks:
          - {name: s1, format: avro, mode: replace}
        dead_letter: {format: parquet}
        """);
    assertProblem(problemAt(e, "source.format"), 2, "unknown format \"json\"; allowed: jsonl, csv");
    assertProblem(problemAt(e, "schema[0].type"), 4,
        "unknown type \"text\"; allowed: string, int, long, double, decimal, boolean, date, timestamp");
    assertProblem(problemAt(e, "validate[0].rule"), 7,
        "unknown rule \"between\"; allowed: not_null, range, length, regex, in, in_reference, expression");
    assertProblem(problemAt(e, "validate[1].severity"), 8, "unknown severity \"fatal\"; allowed: error, warn");
    assertProblem(problemAt(e, "dedupe.keep"), 9, "unknown keep \"last\"; allowed: first, latest");
    assertProblem(problemAt(e, "sinks[0].format"), 11, "unknown sink format \"avro\"; allowed: jsonl, csv, parquet");
    assertProblem(problemAt(e, "sinks[0].mode"), 11, "unknown mode \"replace\"; allowed: overwrite, append");
    assertProblem(problemAt(e, "dead_letter.format"), 12, "unknown dead letter format \"parquet\"; allowed: jsonl, csv");
    assertThat(e.problems().size(), equalTo(8));
  }

  @Test
  public void duplicateKeysPolicyMustBeKnownAndOnlyForJsonRecords() {
    assertOnlyProblem(BASE.replace("  format: jsonl\n", "  format: jsonl\n  duplicate_keys: keep\n"),
        "source.duplicate_keys", 5, "unknown duplicate_keys policy \"keep\"; allowed: reject, first, last");
    assertOnlyProblem(BASE.replace("  format: jsonl\n", "  format: jsonl\n  duplicate_keys: fist\n"),
        "source.duplicate_keys", 5, "allowed: reject, first, last (did you mean \"first\"?)");
    assertOnlyProblem(BASE.replace("  format: jsonl\n", "  format: jsonl\n  duplicate_keys: [first]\n"),
        "source.duplicate_keys", 5, "expected a text value, got a list");
    assertOnlyProblem(BASE.replace("in/*.jsonl\n  format: jsonl\n", "in/*.csv\n  format: csv\n  duplicate_keys: last\n"),
        "source.duplicate_keys", 5, "duplicate_keys is only used with JSON records (format: jsonl, or type: http)");
  }

  @Test
  public void duplicateKeysPolicyIsReadWithRejectByDefault() {
    assertThat(parse(BASE).source().duplicateKeys(), equalTo(PipelineSpec.SourceSpec.DuplicateKeys.REJECT));
    for (PipelineSpec.SourceSpec.DuplicateKeys d : PipelineSpec.SourceSpec.DuplicateKeys.values()) {
      String name = d.name().toLowerCase(java.util.Locale.ROOT);
      PipelineSpec spec = parse(BASE.replace("  format: jsonl\n", "  format: jsonl\n  duplicate_keys: " + name + "\n"));
      assertThat(spec.source().duplicateKeys(), equalTo(d));
    }
  }

  @Test
  public void stepsMustBeKnownAndWellFormed() {
    SpecException e = fails(BASE + """
        clean:
          all: [trim, squash]
          fields:
            email:
              - strip
              - {lower: true}
              - {strip: "x", extract: "y"}
              - {null_if: []}
              - {remove: "x"}
              - {replace: {with: "y"}}
        """);
    assertProblem(problemAt(e, "clean.all[1]"), 13, "unknown step \"squash\"; allowed: trim, collapse_whitespace, "
        + "lower, upper, strip, replace, extract, null_if");
    assertProblem(problemAt(e, "clean.fields.email[0]"), 16, "step strip needs an argument");
    assertProblem(problemAt(e, "clean.fields.email[1].lower"), 17, "takes no argument");
    assertProblem(problemAt(e, "clean.fields.email[2]"), 18, "a map with keys strip, extract");
    assertProblem(problemAt(e, "clean.fields.email[3].null_if"), 19, "needs at least one value");
    assertProblem(problemAt(e, "clean.fields.email[4].remove"), 20, "unknown step \"remove\"");
    assertProblem(problemAt(e, "clean.fields.email[5].replace.pattern"), 21, "missing required key \"pattern\"");
    assertThat(e.problems().size(), equalTo(7));
  }

  // ---- names ----

  @Test
  public void specNameMustBeLowerCaseIdentifier() {
    assertOnlyProblem(BASE.replace("name: orders", "name: 1orders"), "name", 1,
        "invalid name \"1orders\": must match [a-z][a-z0-9_-]*");
    assertThat(parse(BASE.replace("name: orders", "name: web-orders_2")).name(), equalTo("web-orders_2"));
  }

  @Test
  public void fieldNamesMustBeIdentifiersAndUnique() {
    SpecException e = fails("""
        name: orders
        source: {path: x, format: jsonl}
        schema:
          - {name: order-id, type: string}
          - {name: amount, type: double}
          - {name: amount, type: double}
          - {name: _Ok1, type: double}
        """);
    assertProblem(problemAt(e, "schema[0].name"), 4, "invalid field name \"order-id\": must match [A-Za-z_][A-Za-z0-9_]*");
    assertProblem(problemAt(e, "schema[2].name"), 6, "duplicate field name \"amount\" (also schema[1])");
    assertThat(e.problems().size(), equalTo(2));
    assertProblem(problemAt(fails(BASE.replace(
        "  - {name: qty, type: int}\n", "")  + "schema: []\n"), "schema"), 11, "duplicate key");
    assertOnlyProblem("name: x\nsource: {path: x, format: jsonl}\nschema: []\n", "schema", 3,
        "needs at least one field");
  }

  @Test
  public void ruleNamesMustBeValidUniqueAndNotClashWithImplicitReasons() {
    SpecException e = fails(BASE + """
        validate:
          - {name: Amount, rule: not_null, field: amount}
          - {name: email_ok, rule: not_null, field: email}
          - {name: email_ok, rule: not_null, field: email}
          - {name: order_id_required, rule: not_null, field: order_id}
          - {name: malformed_json, rule: not_null, field: email}
          - {name: email_required, rule: not_null, field: email, severity: warn}
        """);
    assertProblem(problemAt(e, "validate[0].name"), 13, "invalid rule name \"Amount\": must match [a-z][a-z0-9_]*");
    assertProblem(problemAt(e, "validate[2].name"), 15, "duplicate rule name \"email_ok\" (also validate[1])");
    assertProblem(problemAt(e, "validate[3].name"), 16, "is the reason code of required field order_id");
    assertProblem(problemAt(e, "validate[4].name"), 17, "is a stage reason code");
    assertThat("email is not required, so email_required is free", e.problems().size(), equalTo(4));
  }

  @Test
  public void sinkNamesMustBeValidUniqueAndDistinctFromTheDeadLetter() {
    SpecException e = fails(BASE + """
        sinks:
          - {name: Main}
          - {name: main}
          - {name: main}
          - {name: _staging}
          - {name: bad}
        dead_letter: {name: bad}
        """);
    assertProblem(problemAt(e, "sinks[0].name"), 13, "invalid name \"Main\": must match [a-z0-9_-]+");
    assertProblem(problemAt(e, "sinks[2].name"), 15, "duplicate sink name \"main\" (also sinks[1])");
    assertProblem(problemAt(e, "sinks[3].name"), 16, "names starting with _ are reserved");
    assertProblem(problemAt(e, "sinks[4].name"), 17, "is the dead letter's name");
    assertThat(e.problems().size(), equalTo(4));

    assertOnlyProblem(BASE + "dead_letter: {name: _rejects}\n", "dead_letter.name", 12, "reserved");
    assertOnlyProblem(BASE.replace("name: orders", "name: rejected"), "name", 1,
        "the default sink would be named \"rejected\", the dead letter's name");
  }

  // ---- CSV ----

  @Test
  public void csvDelimiterAndQuoteAreSingleDistinctCharacters() {
    String csv = """
        name: orders
        source:
          path: in.csv
          format: csv
          csv: {delimiter: %s, quote: %s}
        schema: [{name: a, type: string}]
        """;
    assertOnlyProblem(csv.formatted("\";;\"", "'\"'"), "source.csv.delimiter", 5,
        "must be exactly one character, got \";;\" (2 characters)");
    assertOnlyProblem(csv.formatted("\",\"", "''"), "source.csv.quote", 5, "must be exactly one character");
    assertOnlyProblem(csv.formatted("\"|\"", "\"|\""), "source.csv.quote", 5,
        "the delimiter and the quote must differ (both \"|\")");
    assertOnlyProblem(csv.formatted("\"\\n\"", "'\"'"), "source.csv.delimiter", 5, "a line break cannot be the delimiter");
    assertThat(parse(csv.formatted("'|'", "\"'\"")).source().csv().quote(), equalTo('\''));
  }

  @Test
  public void csvHeaderPoliciesRefuseUnknownValues() {
    SpecException e = fails("""
        name: orders
        source:
          path: in.csv
          format: csv
          csv:
            missing_columns: ignore
            extra_columns: fill
            column_order: sorted
        schema: [{name: a, type: string}]
        """);
    assertProblem(problemAt(e, "source.csv.missing_columns"), 6, "unknown missing_columns policy \"ignore\"; allowed: refuse, fill");
    assertProblem(problemAt(e, "source.csv.extra_columns"), 7, "unknown extra_columns policy \"fill\"; allowed: ignore, refuse");
    assertProblem(problemAt(e, "source.csv.column_order"), 8, "unknown column_order policy \"sorted\"; allowed: any, strict");
    assertThat(e.problems().size(), equalTo(3));
    assertThat(e.getMessage(), containsString("pipelines/test.yaml"));
  }

  @Test
  public void csvHeaderPoliciesOnlyWithAHeaderAndTheirDefaults() {
    String csv = """
        name: orders
        source:
          path: in.csv
          format: csv
          csv: {header: %s, missing_columns: fill%s}
        schema: [{name: a, type: string}]
        """;
    assertOnlyProblem(csv.formatted("false", ""), "source.csv.missing_columns", 5,
        "missing_columns, extra_columns and column_order are only used with header: true");
    assertThat(parse(csv.formatted("true", ", extra_columns: refuse, column_order: strict")).source().csv().headerPolicy(),
        equalTo(new PipelineSpec.HeaderPolicy(true, true, true)));
    assertThat(parse(csv.formatted("true", "")).source().csv().headerPolicy(), equalTo(new PipelineSpec.HeaderPolicy(true, false, false)));
    assertThat(parse(BASE).source().csv().headerPolicy(), equalTo(PipelineSpec.HeaderPolicy.DEFAULT));
    assertThat(PipelineSpec.HeaderPolicy.DEFAULT, equalTo(new PipelineSpec.HeaderPolicy(false, false, false)));
  }

  @Test
  public void csvBlockOnlyWithCsvFormatAndColumnsOnlyWithoutHeader() {
    assertOnlyProblem(BASE.replace("  format: jsonl\n", "  format: jsonl\n  csv: {delimiter: \";\"}\n"),
        "source.csv", 5, "csv options are only allowed with format: csv");

    SpecException e = fails("""
        name: orders
        source:
          path: in.csv
          format: csv
          csv:
            columns: [a, b]
        schema: [{name: a, type: string}, {name: b, type: string}]
        """);
    assertProblem(problemAt(e, "source.csv.columns"), 6, "columns are only used with header: false");
    assertThat(e.problems().size(), equalTo(1));
  }

  @Test
  public void csvColumnsMustBeSchemaFieldsOnceEach() {
    SpecException e = fails("""
        name: orders
        source:
          path: in.csv
          format: csv
          csv:
            header: false
            columns:
              - a
              - c
              - a
        schema:
          - {name: a, type: string}
          - {name: b, type: string, required: true}
        """);
    assertProblem(problemAt(e, "source.csv.columns[1]"), 9, "\"c\" is not a schema field; schema fields: a, b");
    assertProblem(problemAt(e, "source.csv.columns[2]"), 10, "column \"a\" is listed twice (also source.csv.columns[0])");
    assertProblem(problemAt(e, "source.csv.columns"), 7, "required field \"b\" is not among the columns");
    assertThat(e.problems().size(), equalTo(3));
  }

  // ---- references to schema fields ----

  @Test
  public void everyFieldReferenceMustBeASchemaField() {
    SpecException e = fails(BASE + """
        clean:
          fields:
            amout: [trim]
        validate:
          - {name: r1, rule: not_null, field: emial}
        dedupe:
          key: [orderid]
          keep: latest
          order_by: updated
        """);
    assertProblem(problemAt(e, "clean.fields.amout"), 14, "\"amout\" is not a schema field; " + SCHEMA_FIELDS);
    assertProblem(problemAt(e, "validate[0].field"), 16, "\"emial\" is not a schema field; " + SCHEMA_FIELDS);
    assertProblem(problemAt(e, "dedupe.key[0]"), 18, "\"orderid\" is not a schema field; " + SCHEMA_FIELDS);
    assertProblem(problemAt(e, "dedupe.order_by"), 20, "\"updated\" is not a schema field; " + SCHEMA_FIELDS);
    assertThat(e.problems().size(), equalTo(4));
  }

  @Test
  public void withoutAUsableSchemaFieldReferencesAreNotReportedAgain() {
    SpecException e = fails("""
        name: orders
        source: {path: x, format: jsonl}
        schema: {a: string}
        dedupe: {key: [a]}
        """);
    assertProblem(problemAt(e, "schema"), 3, "expected a list of fields");
    assertThat(e.problems().size(), equalTo(1));
  }

  // ---- regexes ----

  @Test
  public void everyRegexMustCompileAndTheMessageGivesJavasDescription() {
    SpecException e = fails(BASE + """
        clean:
          all: [{strip: "(ab"}]
          fields:
            email:
              - {replace: {pattern: "a{2,1}", with: "b"}}
              - {extract: "*x"}
        validate:
          - {name: email_format, rule: regex, field: email, pattern: "[a-z"}
        """);
    assertProblem(problemAt(e, "clean.all[0].strip"), 13, "invalid regex \"(ab\": Unclosed group near index 3");
    assertProblem(problemAt(e, "clean.fields.email[0].replace.pattern"), 16, "invalid regex \"a{2,1}\": Illegal repetition range");
    assertProblem(problemAt(e, "clean.fields.email[1].extract"), 17, "invalid regex \"*x\": Dangling meta character '*'");
    assertProblem(problemAt(e, "validate[0].pattern"), 19, "invalid regex \"[a-z\": Unclosed character class near index 3");
    assertThat(e.problems().size(), equalTo(4));
  }

  @Test
  public void replacementMustOnlyNameGroupsTheRegexHas() {
    String spec = BASE + """
        clean:
          fields:
            email:
              - replace:
                  pattern: "(\\\\w+)@(?<host>.*)"
                  with: %s
        """;
    assertOnlyProblem(spec.formatted("\"$3\""), "clean.fields.email[0].replace.with", 17, "No group 3");
    assertOnlyProblem(spec.formatted("\"${domain}\""), "clean.fields.email[0].replace.with", 17, "domain");
    assertThat(parse(spec.formatted("\"$1 at ${host} costs \\\\$2\"")).clean().forField("email").steps().get(0)
        .replacement(), equalTo("$1 at ${host} costs \\$2"));
  }

  // ---- formats, separators, defaults ----

  @Test
  public void formatsMustBeKnownOrValidPatternsAndOnlyOnTemporalFields() {
    SpecException e = fails(BASE + """
        clean:
          fields:
            ordered_on:
              formats: [iso, "dd/MM/yyyy", "yyyy-MM-dd'T", "bb-MM"]
            updated_at: {formats: [epoch_seconds, epoch_millis, "yyyy-MM-dd HH:mm"]}
            amount: {formats: [iso]}
        """);
    assertProblem(problemAt(e, "clean.fields.ordered_on.formats[2]"), 15,
        "invalid date format \"yyyy-MM-dd'T\": Pattern ends with an incomplete string literal");
    assertProblem(problemAt(e, "clean.fields.ordered_on.formats[3]"), 15, "invalid date format \"bb-MM\"");
    assertProblem(problemAt(e, "clean.fields.amount.formats"), 17,
        "formats are only for date and timestamp fields; amount is decimal");
    assertThat(e.problems().size(), equalTo(3));
  }

  @Test
  public void groupingAndDecimalAreDistinctSingleCharactersOnNumericFields() {
    SpecException e = fails(BASE + """
        clean:
          fields:
            email: {grouping: ","}
            amount: {grouping: ",", decimal: ","}
            qty: {grouping: "."}
        """);
    assertProblem(problemAt(e, "clean.fields.email.grouping"), 14, "grouping is only for numeric fields");
    assertProblem(problemAt(e, "clean.fields.amount.grouping"), 15, "the grouping and decimal separators must differ");
    assertProblem(problemAt(e, "clean.fields.qty.grouping"), 16, "the default decimal separator; set decimal");
    assertThat(e.problems().size(), equalTo(3));

    assertOnlyProblem(BASE + "clean:\n  fields:\n    amount: {decimal: \"dot\"}\n", "clean.fields.amount.decimal", 14,
        "must be exactly one character");
    assertOnlyProblem(BASE + "clean:\n  fields:\n    amount: {decimal: \"0\"}\n", "clean.fields.amount.decimal", 14,
        "a digit or sign cannot be the decimal separator");
  }

  @Test
  public void defaultsMustConvertToTheFieldsType() {
    SpecException e = fails(BASE + """
        clean:
          fields:
            qty: {default: "1.5"}
            amount: {default: "12,50"}
            ordered_on: {default: "31/12/2020"}
            updated_at: {default: "yesterday"}
        """);
    assertProblem(problemAt(e, "clean.fields.qty.default"), 14, "default \"1.5\" has a fractional part; expected an int (field qty is int)");
    assertProblem(problemAt(e, "clean.fields.amount.default"), 15, "is not a decimal");
    assertProblem(problemAt(e, "clean.fields.ordered_on.default"), 16, "is not a date in formats [iso]");
    assertProblem(problemAt(e, "clean.fields.updated_at.default"), 17, "is not a timestamp in formats [iso]");
    assertThat(e.problems().size(), equalTo(4));

    assertOnlyProblem(BASE.replace("type: int}", "type: boolean}") + "clean: {fields: {qty: {default: \"maybe\"}}}\n",
        "clean.fields.qty.default", 12, "is not a boolean (true/false, yes/no, y/n, 1/0, t/f)");
    assertOnlyProblem(BASE + "clean: {fields: {qty: {default: \"3000000000\"}}}\n", "clean.fields.qty.default", 12,
        "is out of range for an int");
  }

  @Test
  public void defaultsMayBeWrittenInTheFieldsOwnFormats() {
    PipelineSpec spec = parse(BASE + """
        clean:
          fields:
            amount: {default: "1.234,50", grouping: ".", decimal: ","}
            ordered_on: {default: "31/12/2020", formats: ["dd/MM/yyyy"]}
            updated_at: {default: "1700000000", formats: [epoch_seconds]}
            qty: {default: 0}
            email: {default: "n/a"}
        """);
    assertThat(spec.clean().forField("amount").defaultValue(), equalTo("1.234,50"));
    assertThat(spec.clean().forField("qty").defaultValue(), equalTo("0"));
    assertThat(spec.clean().forField("ordered_on").formats(), equalTo(List.of("dd/MM/yyyy")));
  }

  // ---- rules ----

  @Test
  public void keysNotMeaningfulForARuleTypeAreProblems() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: not_null, field: email, pattern: "x"}
          - {name: r2, rule: range, field: amount, min: 1, values: [1]}
          - {name: r3, rule: regex, field: email, pattern: "x", min_inclusive: true}
          - {name: r4, rule: in, field: email, values: [a], colour: red}
        """);
    assertProblem(problemAt(e, "validate[0].pattern"), 13, "pattern is not used by not_null rules; they take field");
    assertProblem(problemAt(e, "validate[1].values"), 14,
        "values is not used by range rules; they take field, min, max, min_inclusive, max_inclusive");
    assertProblem(problemAt(e, "validate[2].min_inclusive"), 15, "is not used by regex rules");
    assertProblem(problemAt(e, "validate[3].colour"), 16, "unknown key \"colour\" for a in rule; allowed: name, rule,");
    assertThat(e.problems().size(), equalTo(4));
  }

  // ---- dedupe ----

  @Test
  public void dedupeKeysAreNonEmptyWithoutRepeatsAndOrderByGoesWithLatest() {
    SpecException e = fails(BASE + """
        dedupe:
          key: [order_id, email, order_id]
          keep: latest
        """);
    assertProblem(problemAt(e, "dedupe.key[2]"), 13, "\"order_id\" is repeated (also dedupe.key[0])");
    assertProblem(problemAt(e, "dedupe.order_by"), 12, "missing required key \"order_by\" (required with keep: latest)");
    assertThat(e.problems().size(), equalTo(2));

    assertOnlyProblem(BASE + "dedupe: {key: [], keep: latest, order_by: updated_at}\n", "dedupe.key", 12,
        "needs at least one field");
    SpecException first = fails(BASE + "dedupe:\n  key: [order_id]\n  order_by: updated_at\n");
    assertProblem(problemAt(first, "dedupe.order_by"), 14, "order_by is only used with keep: latest");
  }

  @Test
  public void dedupeBucketsAreBetween1And4096() {
    assertOnlyProblem(BASE + "dedupe: {key: [order_id], buckets: 0}\n", "dedupe.buckets", 12,
        "must be between 1 and 4096, got 0");
    assertOnlyProblem(BASE + "dedupe: {key: [order_id], buckets: 4097}\n", "dedupe.buckets", 12,
        "must be between 1 and 4096, got 4097");
    assertThat(parse(BASE + "dedupe: {key: [order_id], buckets: 4096}\n").dedupe().buckets(), equalTo(4096));
  }

  // ---- quality ----

  @Test
  public void qualityRatiosAndCountsAreInRange() {
    SpecException e = fails(BASE + """
        quality:
          max_rejected_ratio: -0.1
          min_records: -1
          limits:
            malformed_json: {max_ratio: 2}
            invalid_number: {max_count: -3}
            invalid_date: {}
        """);
    assertProblem(problemAt(e, "quality.max_rejected_ratio"), 13, "must be a ratio between 0 and 1, got -0.1");
    assertProblem(problemAt(e, "quality.min_records"), 14, "must be 0 or more, got -1");
    assertProblem(problemAt(e, "quality.limits.malformed_json.max_ratio"), 16, "must be a ratio between 0 and 1, got 2");
    assertProblem(problemAt(e, "quality.limits.invalid_number.max_count"), 17, "must be 0 or more, got -3");
    assertProblem(problemAt(e, "quality.limits.invalid_date"), 18, "a limit needs max_ratio, max_count or both");
    assertThat(e.problems().size(), equalTo(5));
  }

  @Test
  public void qualityLimitsAreKeyedByKnownReasonCodes() {
    SpecException e = fails(BASE + """
        validate:
          - {name: amount_positive, rule: range, field: amount, min: 0}
        quality:
          limits:
            amount_positive: {max_ratio: 0.1}
            order_id_required: {max_count: 0}
            email_required: {max_count: 0}
            amount_postive: {max_count: 0}
        """);
    assertProblem(problemAt(e, "quality.limits.email_required"), 18, "field email is not required");
    SpecProblem unknown = problemAt(e, "quality.limits.amount_postive");
    assertProblem(unknown, 19, "\"amount_postive\" is not a reason code; allowed: rule names (amount_positive), "
        + "required fields' reasons (order_id_required), stage reasons (invalid_utf8, ");
    assertThat(unknown.message(), containsString("(did you mean \"amount_positive\"?)"));
    assertThat(e.problems().size(), equalTo(2));
  }

  @Test
  public void everyStageReasonCodeIsAcceptedAsALimit() {
    StringBuilder limits = new StringBuilder(BASE + "quality:\n  limits:\n");
    for (String code : Reasons.all()) {
      limits.append("    ").append(code).append(": {max_count: 1}\n");
    }
    assertThat(parse(limits.toString()).quality().limits().keySet(), equalTo(java.util.Set.copyOf(Reasons.all())));
    assertThat(Reasons.all(), org.hamcrest.Matchers.hasItems("malformed_json", "invalid_utf8", "invalid_timestamp"));
    assertThat(Reasons.all().size(), equalTo(java.util.Set.copyOf(Reasons.all()).size()));
  }

  // ---- timezone, sinks, output ----

  @Test
  public void timezoneMustBeAValidZoneId() {
    assertOnlyProblem(BASE + "clean:\n  timezone: Mars/Olympus\n", "clean.timezone", 13,
        "invalid time zone \"Mars/Olympus\"");
    assertThat(parse(BASE + "clean: {timezone: \"+02:00\"}\n").clean().timezone(), equalTo("+02:00"));
  }

  @Test
  public void sinksAreNonEmptyWithNonNegativeShards() {
    assertOnlyProblem(BASE + "sinks: []\n", "sinks", 12, "needs at least one sink");
    assertOnlyProblem(BASE + "sinks:\n  - {name: main, shards: -1}\n", "sinks[0].shards", 13,
        "must be between 0 and 10000, got -1");
    assertOnlyProblem(BASE + "sinks:\n  - {format: csv}\n", "sinks[0].name", 13, "missing required key \"name\"");
  }

  @Test
  public void outputMustNotBeEmpty() {
    assertOnlyProblem(BASE + "output: \" \"\n", "output", 12, "must not be empty");
    assertThat(parse(BASE + "output: gs://bucket/orders\n").output(), equalTo("gs://bucket/orders"));
  }

  @Test
  public void messagesNameOnlyTheOffendingNode() {
    SpecProblem p = assertOnlyProblem(BASE + "validate:\n  - {name: r, rule: not_null, field: email, severity: WARN}\n",
        "validate[0].severity", 13, "unknown severity \"WARN\"");
    assertThat(p.message(), not(containsString("schema")));
  }
}
