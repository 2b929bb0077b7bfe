package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.FILE;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.loadFails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.fail;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CleanStep;
import dev.cauce.spec.PipelineSpec.CleanStep.Op;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleLimit;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.read.SpecProblem;
import dev.cauce.validate.rules.ExpressionRule;
import dev.cauce.validate.rules.InRule;
import dev.cauce.validate.rules.LengthRule;
import dev.cauce.validate.rules.NotNullRule;
import dev.cauce.validate.rules.RangeRule;
import dev.cauce.validate.rules.RegexRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Loading valid specs into the model, defaults, files, and the error report as a whole. */
public class SpecLoaderTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  static final String FULL = """
      name: orders
      description: Orders from the web shop
      source:
        path: pipelines/data/orders/*.tsv.gz
        format: csv
        csv:
          delimiter: "\\t"
          quote: "'"
          header: false
          columns: [order_id, email, amount, currency, ordered_on, updated_at, qty, gift]
          max_quoted_lines: 50
          max_quoted_bytes: 65536
      schema:
        - name: order_id
          type: string
          required: true
        - {name: email, type: string}
        - {name: amount, type: decimal, required: false}
        - {name: currency, type: string}
        - {name: ordered_on, type: date}
        - {name: updated_at, type: timestamp}
        - {name: qty, type: int}
        - {name: gift, type: boolean}
      clean:
        all: [trim, collapse_whitespace]
        null_tokens: ["", "-"]
        timezone: Europe/Madrid
        fields:
          email: [lower]
          currency: [upper, {null_if: ["?", "XXX"]}]
          amount:
            steps:
              - trim
              - strip: "[$€£]"
              - replace: {pattern: '^(\\d+)\\.0+ ?oz$', with: "$1"}
              - extract: '(\\d+(\\.\\d+)?)'
            default: "0"
            grouping: "."
            decimal: ","
          ordered_on:
            formats: ["dd/MM/yyyy", iso]
          updated_at:
            formats: [iso, epoch_millis]
            default: "1970-01-01T00:00:00Z"
          gift:
            default: false
      validate:
        - {name: amount_positive, rule: range, field: amount, min: 0, max: 10000, min_inclusive: false}
        - {name: email_present, rule: not_null, field: email, severity: warn, message: "no email"}
        - {name: email_length, rule: length, field: email, min: 3, max: 254}
        - {name: currency_code, rule: regex, field: currency, pattern: "^[A-Z]{3}$", ignore_case: true}
        - {name: currency_known, rule: in, field: currency, values: [USD, EUR, 826]}
        - {name: recent, rule: range, field: ordered_on, min: 2020-01-01, max: "2030-01-01", max_inclusive: false}
        - {name: sane_qty, rule: expression, expr: "qty > 0 || abs(amount) >= 0", severity: error}
      dedupe:
        key: [order_id, email]
        keep: latest
        order_by: updated_at
        buckets: 64
      output: out/orders-v2
      sinks:
        - {name: orders, format: parquet, shards: 4, mode: append}
        - {name: orders_csv, format: csv, shards: 0, mode: overwrite}
      dead_letter: {name: bad, format: csv, mode: append}
      quality:
        max_rejected_ratio: 0.1
        min_records: 1
        limits:
          amount_positive: {max_ratio: 0.05}
          malformed_csv: {max_count: 10}
          order_id_required: {max_ratio: 0.5, max_count: 3}
      """;

  private static CleanStep step(Op op, String pattern, String replacement) {
    return new CleanStep(op, pattern, replacement, List.of());
  }

  @Test
  public void fullSpecUsingEveryKeyLoadsToTheExpectedModel() {
    PipelineSpec spec = parse(FULL);

    assertThat(spec.name(), equalTo("orders"));
    assertThat(spec.description(), equalTo("Orders from the web shop"));
    List<String> columns = List.of("order_id", "email", "amount", "currency", "ordered_on", "updated_at", "qty", "gift");
    assertThat(spec.source(), equalTo(new SourceSpec("pipelines/data/orders/*.tsv.gz", SourceSpec.Format.CSV,
        new CsvSpec('\t', '\'', false, columns, 50, 65536))));
    assertThat(spec.schema(), contains(
        new FieldSpec("order_id", FieldType.STRING, true),
        new FieldSpec("email", FieldType.STRING, false),
        new FieldSpec("amount", FieldType.DECIMAL, false),
        new FieldSpec("currency", FieldType.STRING, false),
        new FieldSpec("ordered_on", FieldType.DATE, false),
        new FieldSpec("updated_at", FieldType.TIMESTAMP, false),
        new FieldSpec("qty", FieldType.INT, false),
        new FieldSpec("gift", FieldType.BOOLEAN, false)));

    CleanSpec clean = spec.clean();
    assertThat(clean.all(), contains(CleanStep.simple(Op.TRIM), CleanStep.simple(Op.COLLAPSE_WHITESPACE)));
    assertThat(clean.nullTokens(), contains("", "-"));
    assertThat(clean.timezone(), equalTo("Europe/Madrid"));
    assertThat(clean.fields(), equalTo(Map.of(
        "email", new FieldCleaning(List.of(CleanStep.simple(Op.LOWER)), null, List.of(), null, null),
        "currency", new FieldCleaning(List.of(CleanStep.simple(Op.UPPER),
            new CleanStep(Op.NULL_IF, null, null, List.of("?", "XXX"))), null, List.of(), null, null),
        "amount", new FieldCleaning(List.of(
                CleanStep.simple(Op.TRIM),
                step(Op.STRIP, "[$€£]", null),
                step(Op.REPLACE, "^(\\d+)\\.0+ ?oz$", "$1"),
                step(Op.EXTRACT, "(\\d+(\\.\\d+)?)", null)),
            "0", List.of(), '.', ','),
        "ordered_on", new FieldCleaning(List.of(), null, List.of("dd/MM/yyyy", "iso"), null, null),
        "updated_at", new FieldCleaning(List.of(), "1970-01-01T00:00:00Z", List.of("iso", "epoch_millis"), null, null),
        "gift", new FieldCleaning(List.of(), "false", List.of(), null, null))));

    assertThat(spec.validate(), contains(
        new RangeRule("amount_positive", "amount", "0", "10000", false, true, Severity.ERROR, null),
        new NotNullRule("email_present", "email", Severity.WARN, "no email"),
        new LengthRule("email_length", "email", 3, 254, Severity.ERROR, null),
        new RegexRule("currency_code", "currency", "^[A-Z]{3}$", true, Severity.ERROR, null),
        new InRule("currency_known", "currency", List.of("USD", "EUR", "826"), false, Severity.ERROR, null),
        new RangeRule("recent", "ordered_on", "2020-01-01", "2030-01-01", true, false, Severity.ERROR, null),
        new ExpressionRule("sane_qty", "qty > 0 || abs(amount) >= 0", Severity.ERROR, null)));

    assertThat(spec.dedupe(), equalTo(new DedupeSpec(List.of("order_id", "email"), DedupeSpec.Keep.LATEST,
        "updated_at", 64)));
    assertThat(spec.output(), equalTo("out/orders-v2"));
    assertThat(spec.sinks(), contains(
        new SinkSpec("orders", SinkFormat.PARQUET, 4, WriteMode.APPEND),
        new SinkSpec("orders_csv", SinkFormat.CSV, 0, WriteMode.OVERWRITE)));
    assertThat(spec.deadLetter(), equalTo(new DeadLetterSpec("bad", SinkFormat.CSV, WriteMode.APPEND)));
    assertThat(spec.quality(), equalTo(new QualitySpec(0.1, 1L, Map.of(
        "amount_positive", new RuleLimit(0.05, null),
        "malformed_csv", new RuleLimit(null, 10L),
        "order_id_required", new RuleLimit(0.5, 3L)))));
  }

  @Test
  public void minimalSpecGetsEveryDefault() {
    PipelineSpec spec = parse(BASE);

    assertThat(spec.description(), nullValue());
    assertThat(spec.source().csv(), equalTo(CsvSpec.DEFAULT));
    assertThat(spec.schema().get(1), equalTo(new FieldSpec("email", FieldType.STRING, false)));
    assertThat(spec.clean(), equalTo(CleanSpec.defaults()));
    assertThat(spec.clean().all(), contains(CleanStep.simple(Op.TRIM)));
    assertThat(spec.clean().nullTokens(), equalTo(List.of("", "N/A", "NA", "null", "none", "empty")));
    assertThat(spec.clean().timezone(), equalTo("UTC"));
    assertThat(spec.validate(), empty());
    assertThat(spec.dedupe(), nullValue());
    assertThat(spec.output(), equalTo("out/orders"));
    assertThat(spec.sinks(), contains(new SinkSpec("orders", SinkFormat.JSONL, 1, WriteMode.OVERWRITE)));
    assertThat(spec.deadLetter(), equalTo(DeadLetterSpec.DEFAULT));
    assertThat(spec.quality(), equalTo(QualitySpec.NONE));
  }

  @Test
  public void partialSectionsKeepTheDefaultsOfKeysNotGiven() {
    PipelineSpec spec = parse(BASE + """
        clean:
          timezone: America/New_York
        validate:
          - {name: amount_max, rule: range, field: amount, max: 5}
          - {name: email_format, rule: regex, field: email, pattern: "@"}
        dedupe:
          key: [order_id]
        sinks:
          - {name: main}
        dead_letter:
          format: csv
        quality:
          min_records: 0
        """);
    assertThat(spec.clean(), equalTo(new CleanSpec(List.of(CleanStep.simple(Op.TRIM)),
        CleanSpec.DEFAULT_NULL_TOKENS, Map.of(), "America/New_York")));
    RangeRule range = (RangeRule) spec.validate().get(0);
    assertThat(range.severity(), equalTo(Severity.ERROR));
    assertThat(range.min(), nullValue());
    assertThat(range.max(), equalTo("5"));
    assertThat(range.minInclusive(), equalTo(true));
    assertThat(range.maxInclusive(), equalTo(true));
    assertThat(((RegexRule) spec.validate().get(1)).ignoreCase(), equalTo(false));
    assertThat(spec.dedupe(), equalTo(new DedupeSpec(List.of("order_id"), DedupeSpec.Keep.FIRST, null, 16)));
    assertThat(spec.sinks(), contains(new SinkSpec("main", SinkFormat.JSONL, 1, WriteMode.OVERWRITE)));
    assertThat(spec.deadLetter(), equalTo(new DeadLetterSpec("rejected", SinkFormat.CSV, WriteMode.OVERWRITE)));
    assertThat(spec.quality(), equalTo(new QualitySpec(null, 0L, Map.of())));
  }

  @Test
  public void csvWithoutHeaderOrColumnsTakesTheSchemaOrder() {
    PipelineSpec spec = parse("""
        name: events
        source: {path: in.csv, format: csv, csv: {header: false, delimiter: ";"}}
        schema:
          - {name: b, type: string}
          - {name: a, type: long}
        """);
    assertThat(spec.source().csv(), equalTo(new CsvSpec(';', '"', false, List.of("b", "a"))));
    assertThat(spec.source().csv().maxQuotedLines(), equalTo(1000));
    assertThat(spec.source().csv().maxQuotedBytes(), equalTo(1 << 20));

    PipelineSpec noBlock = parse("""
        name: events
        source: {path: in.csv, format: csv}
        schema: [{name: a, type: integer}]
        """);
    assertThat(noBlock.source().csv(), equalTo(CsvSpec.DEFAULT));
    assertThat(noBlock.schema().get(0).type(), equalTo(FieldType.INT));
  }

  @Test
  public void tabDelimiterMayBeWrittenAsTheYamlEscapeOrLiterally() {
    String spec = """
        name: events
        source: {path: in.tsv, format: csv, csv: {delimiter: %s}}
        schema: [{name: a, type: string}]
        """;
    assertThat(parse(spec.formatted("\"\\t\"")).source().csv().delimiter(), equalTo('\t'));
    assertThat(parse(spec.formatted("'\\t'")).source().csv().delimiter(), equalTo('\t'));
  }

  @Test
  public void loadReadsAFile() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("orders.yaml");
    Files.writeString(file, FULL);
    assertThat(SpecLoader.load(file), equalTo(parse(FULL)));
  }

  @Test
  public void loadReportsAMissingFile() {
    Path file = tmp.getRoot().toPath().resolve("nope.yaml");
    SpecException e = loadFails(file);
    assertThat(e.file(), equalTo(file.toString()));
    assertProblem(problemAt(e, "(file)"), 0, "file not found");
    assertThat(e.getMessage(), equalTo(file + ": 1 problem\n  - (file): file not found"));
  }

  @Test
  public void loadReportsAFileThatCannotBeRead() throws Exception {
    assertProblem(problemAt(loadFails(tmp.getRoot().toPath()), "(file)"), 0, "is a directory");

    Path binary = tmp.getRoot().toPath().resolve("binary.yaml");
    Files.write(binary, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xC3, (byte) 0x28});
    assertProblem(problemAt(loadFails(binary), "(file)"), 0, "not valid UTF-8");
  }

  @Test
  public void emptyFileIsOneProblem() throws Exception {
    Path empty = tmp.getRoot().toPath().resolve("empty.yaml");
    Files.writeString(empty, "");
    assertProblem(problemAt(loadFails(empty), "(file)"), 0, "the file is empty");
    for (String text : List.of("   \n\n", "# nothing but a comment\n", "---\n", "~\n")) {
      SpecException e = fails(text);
      assertThat(text, e.problems().size(), equalTo(1));
      assertProblem(problemAt(e, "(file)"), 0, "the file is empty");
    }
  }

  @Test
  public void invalidYamlSyntaxIsOneProblemWithTheParsersLine() {
    SpecException e = fails("""
        name: orders
        source:
          path: "unterminated
        schema: []
        """);
    assertThat(e.problems().size(), equalTo(1));
    SpecProblem p = problemAt(e, "(file)");
    assertThat(p.message(), startsWith("invalid YAML: "));
    assertThat(p.line() >= 3, equalTo(true));

    SpecException flow = fails("name: orders\nschema: [a, b\nsource: x\n");
    assertProblem(problemAt(flow, "(file)"), 3, "invalid YAML: while parsing a flow sequence");

    SpecException indent = fails("name: orders\nsource: x\n  path: y\n");
    assertProblem(problemAt(indent, "(file)"), 3, "mapping values are not allowed here");
  }

  @Test
  public void aFileMustHoldOneMapDocument() {
    assertProblem(problemAt(fails("- name: orders\n"), "(file)"), 1, "a spec is a map with the keys name, ");
    assertProblem(problemAt(fails("just text\n"), "(file)"), 1, "got a string \"just text\"");
    assertProblem(problemAt(fails(BASE + "---\nname: other\n"), "(file)"), 13, "only one YAML document");
  }

  @Test
  public void yamlAliasesAreRefusedRatherThanMisread() {
    SpecException e = fails(BASE + """
        validate:
          - {name: r1, rule: in, field: email, values: &codes [a, b]}
          - {name: r2, rule: in, field: email, values: *codes}
        """);
    assertThat(e.problems().size(), equalTo(1));
    assertProblem(problemAt(e, "(file)"), 14, "YAML aliases (*codes) are not supported");
  }

  @Test
  public void emptyValuesAreAbsentButQuotedEmptyStringsAreKept() {
    PipelineSpec spec = parse(BASE + """
        description:
        clean:
        dedupe:
        quality:
        """);
    assertThat(spec.description(), nullValue());
    assertThat(spec.clean(), equalTo(CleanSpec.defaults()));
    assertThat(spec.dedupe(), nullValue());
    assertThat(spec.quality(), equalTo(QualitySpec.NONE));

    PipelineSpec quoted = parse(BASE + "clean: {null_tokens: [\"\", ''], fields: {email: [{null_if: [\"\"]}]}}\n");
    assertThat(quoted.clean().nullTokens(), equalTo(List.of("", "")));
    assertThat(quoted.clean().forField("email").steps().get(0).tokens(), equalTo(List.of("")));
  }

  @Test
  public void onlyTrueAndFalseAreBooleansAndOtherWordsStayText() {
    PipelineSpec spec = parse(BASE.replace("required: true}", "required: True}") + """
        clean:
          null_tokens: [no, off, N/A]
        validate:
          - {name: country_ok, rule: in, field: email, values: [NO, yes, on, 1.50]}
        """);
    assertThat(spec.schema().get(0).required(), equalTo(true));
    assertThat(spec.clean().nullTokens(), equalTo(List.of("no", "off", "N/A")));
    assertThat(((InRule) spec.validate().get(0)).values(), equalTo(List.of("NO", "yes", "on", "1.50")));
  }

  @Test
  public void reportFormatsEveryProblemUnderTheFileName() {
    SpecException e = fails(BASE + """
        validate:
          - {name: a, rule: regex, field: email, pattern: "[a-z"}
        dedupe:
          key: [orderid]
        """);
    assertThat(e.getMessage(), equalTo("""
        pipelines/test.yaml: 2 problems
          - validate[0].pattern (line 13): invalid regex "[a-z": Unclosed character class near index 3
          - dedupe.key[0] (line 15): "orderid" is not a schema field; schema fields: order_id, email, amount, \
        ordered_on, updated_at, qty"""));
    assertThat(e.problems().get(0), equalTo(new SpecProblem(FILE, "validate[0].pattern", 13,
        "invalid regex \"[a-z\": Unclosed character class near index 3")));
  }

  @Test
  public void problemToStringOmitsAnUnknownLine() {
    assertThat(new SpecProblem("f.yaml", "(file)", 0, "file not found").toString(), equalTo("(file): file not found"));
    assertThat(new SpecProblem("f.yaml", "name", 1, "bad").toString(), equalTo("name (line 1): bad"));
    SpecException one = new SpecException(new SpecProblem("f.yaml", "name", 1, "bad"));
    assertThat(one.getMessage(), equalTo("f.yaml: 1 problem\n  - name (line 1): bad"));
    assertThat(one.file(), equalTo("f.yaml"));
  }

  @Test
  public void aSpecWithManyProblemsReportsAllOfThemInLineOrder() {
    SpecException e = fails("""
        name: Orders
        colour: blue
        source:
          path: in.csv
          format: xml
        schema:
          - {name: id, type: str}
          - {name: id, type: int}
          - {name: amount, type: decimal, required: yes}
        clean:
          timezone: Mars/Olympus
          fields:
            amout: [trim]
            amount: [{strip: "("}]
        validate:
          - {name: amount_ok, rule: range, field: amount, min: ten}
          - {name: amount_ok, rule: between, field: amount}
        dedupe:
          key: []
          buckets: 0
        sinks:
          - {name: _tmp, shards: -1}
        quality:
          max_rejected_ratio: 1.5
          limits:
            nope: {max_ratio: 0.1}
        """);
    List<String> expected = List.of(
        "name", "colour", "source.format", "schema[0].type", "schema[1].name", "schema[2].required",
        "clean.timezone", "clean.fields.amout", "clean.fields.amount[0].strip", "validate[0].min",
        "validate[1].name", "validate[1].rule", "dedupe.key", "dedupe.buckets", "sinks[0].name",
        "sinks[0].shards", "quality.max_rejected_ratio", "quality.limits.nope");
    assertThat(SpecTesting.paths(e), equalTo(String.join(", ", expected)));
    assertThat(e.getMessage(), startsWith(FILE + ": 18 problems\n  - name (line 1): invalid name \"Orders\""));
    for (int i = 1; i < e.problems().size(); i++) {
      assertThat(e.problems().get(i - 1).line() <= e.problems().get(i).line(), equalTo(true));
    }
    assertThat(problemAt(e, "quality.limits.nope").line(), equalTo(26));
  }

  @Test
  public void specExceptionNeedsAProblem() {
    try {
      new SpecException("f.yaml", List.of());
      fail("expected IllegalArgumentException");
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage(), containsString("at least one problem"));
    }
  }

  static {
    // the text blocks above use UTF-8 (€, £); make sure the platform reads the file as written
    assertThat(StandardCharsets.UTF_8.name(), equalTo("UTF-8"));
  }
}
