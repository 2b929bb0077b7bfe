package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.fails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.LookupSpec;
import dev.cauce.spec.ReferenceSpec;
import dev.cauce.spec.ReferenceSpec.Format;
import dev.cauce.spec.ReferenceSpec.OnDuplicate;
import dev.cauce.spec.SpecException;
import dev.cauce.validate.rules.InReferenceRule;
import java.util.List;
import org.junit.Test;

/** Spec checks of references, in_reference rules and field lookups: every problem with its path and line. */
public class ReferenceSpecTest {
  /** Lines 1-4; references from line 5, then the schema and rules given. */
  private static String spec(String references, String schema, String validate) {
    return "name: m\nsource: {path: in/*.csv, format: csv}\nsinks: [{name: out}]\nquality: {}\n"
        + references + "schema:\n" + schema + (validate == null ? "" : "validate:\n" + validate);
  }

  static final String ZIPS = """
      references:
        - {name: zips, path: data/zips.csv, key: [zip]}
        - {name: stores, query: "select region, store, manager from stores", key: [region, store], max_rows: 50}
      """; // lines 5-7

  static final String FIELDS = """
        - {name: zip, type: string}
        - {name: region, type: string}
        - {name: store, type: int}
        - {name: city, type: string, lookup: {reference: zips, on: [zip]}}
        - {name: manager, type: string, lookup: {reference: stores, on: [region, store], on_missing: reject}}
      """; // schema from line 8: fields on lines 9-13

  @Test
  public void readsReferencesRulesAndLookups() {
    PipelineSpec s = parse(spec(ZIPS, FIELDS, """
          - {name: zip_known, rule: in_reference, reference: zips, fields: [zip], severity: warn}
          - {name: store_known, rule: in_reference, reference: stores, fields: [region, store]}
        """));
    assertThat(s.references(), equalTo(List.of(
        new ReferenceSpec("zips", "data/zips.csv", Format.CSV, null, List.of("zip"), OnDuplicate.FIRST,
            ReferenceSpec.DEFAULT_MAX_ROWS, ReferenceSpec.DEFAULT_MAX_BYTES, List.of(FieldType.STRING), null),
        new ReferenceSpec("stores", null, null, "select region, store, manager from stores", List.of("region", "store"),
            OnDuplicate.FIRST, 50, ReferenceSpec.DEFAULT_MAX_BYTES, List.of(FieldType.STRING, FieldType.INT), null))));
    assertThat(s.field("city").get().lookup(), equalTo(new LookupSpec("zips", List.of("zip"), "city", false)));
    assertThat(s.field("manager").get().lookup(), equalTo(new LookupSpec("stores", List.of("region", "store"), "manager", true)));
    assertThat(s.field("city").get().computed(), equalTo(true));
    InReferenceRule r = (InReferenceRule) s.validate().get(1);
    assertThat(java.util.Arrays.asList(r.reference(), r.fields(), r.field()),
        equalTo(java.util.Arrays.asList("stores", List.of("region", "store"), null)));
    assertThat(s.validate().get(0).field(), equalTo("zip"));
  }

  @Test
  public void aReferenceNeedsOneSourceAKeyAndBounds() {
    SpecException e = fails(spec("""
        references:
          - {name: a, key: [k]}
          - {name: b, path: x.csv, query: select 1, key: [k]}
          - {name: c, path: x.txt, key: [k]}
          - {name: d, query: delete from t, key: [k]}
          - {name: e, path: e.csv, key: []}
          - {name: f, path: f.csv, key: [k, k], max_rows: 0, max_bytes: 2000000000}
          - {name: a, path: a.jsonl, key: [k], on_duplicate: last}
          - {name: Bad, path: g.csv, key: [k]}
        """, "  - {name: k, type: string}\n", null));
    assertProblem(problemAt(e, "references[0].path"), 6, "a reference needs a path (a CSV or JSONL file) or a query (PostgreSQL)");
    assertProblem(problemAt(e, "references[1].query"), 7, "give a path or a query, not both");
    assertProblem(problemAt(e, "references[2].path"), 8, "cannot tell the format of x.txt from its extension: add format: csv or format: jsonl");
    assertProblem(problemAt(e, "references[3].query"), 9, "must be a query that reads (starting with SELECT, WITH, TABLE or VALUES)");
    assertProblem(problemAt(e, "references[4].key"), 10, "needs at least one column");
    assertProblem(problemAt(e, "references[5].key"), 11, "lists a column twice: [k, k]");
    assertProblem(problemAt(e, "references[5].max_rows"), 11, "must be between 1 and 10000000, got 0");
    assertProblem(problemAt(e, "references[5].max_bytes"), 11, "must be between 1 and 1073741824, got 2000000000");
    assertProblem(problemAt(e, "references[6].name"), 12, "duplicate reference name \"a\" (also references[0])");
    assertProblem(problemAt(e, "references[6].on_duplicate"), 12, "unknown on_duplicate policy \"last\"");
    assertProblem(problemAt(e, "references[7].name"), 13, "invalid reference name \"Bad\": must match [a-z][a-z0-9_]*");
    assertThat(e.getMessage(), e.problems().size(), equalTo(11));
  }

  @Test
  public void anInReferenceRuleNamesADeclaredReferenceAndItsKeyFields() {
    String rules = """
          - {name: r1, rule: in_reference, reference: zipz, fields: [zip]}
          - {name: r2, rule: in_reference, reference: stores, fields: [store]}
          - {name: r3, rule: in_reference, reference: zips, fields: [nope]}
          - {name: r4, rule: in_reference, reference: zips, field: zip}
        """; // lines 15-18
    SpecException e = fails(spec(ZIPS, FIELDS, rules));
    assertProblem(problemAt(e, "validate[0].reference"), 15, "unknown reference \"zipz\"; references: zips, stores");
    assertProblem(problemAt(e, "validate[1].fields"), 16,
        "gives 1 field(s) for reference stores, whose key has 2 column(s) [region, store]");
    assertProblem(problemAt(e, "validate[2].fields[0]"), 17, "\"nope\" is not a schema field; schema fields: zip, region, store, city, manager");
    assertProblem(problemAt(e, "validate[3].field"), 18, "in_reference rules take fields (a list)");
    assertProblem(problemAt(e, "validate[3].fields"), 18, "missing required key \"fields\"");
    assertThat(e.getMessage(), e.problems().size(), equalTo(5));
  }

  @Test
  public void aLookupIsOnReadOrDerivedFieldsOfADeclaredReference() {
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, lookup: {reference: zipz, on: [zip]}}\n",
        null), "schema[1].lookup.reference", 10, "unknown reference \"zipz\"; references: zips, stores");
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, lookup: {reference: zips, on: [zip, zip]}}\n",
        null), "schema[1].lookup.on", 10, "gives 2 field(s) for reference zips, whose key has 1 column(s) [zip]");
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, lookup: {reference: zips, on: [zap]}}\n",
        null), "schema[1].lookup.on[0]", 10, "\"zap\" is not a schema field");
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: a, type: string, lookup: {reference: zips, on: [b], column: city}}\n"
        + "  - {name: b, type: string, lookup: {reference: zips, on: [zip], column: city}}\n", null), "schema[1].lookup.on[0]", 10,
        "\"b\" is looked up too; a lookup is on fields read or derived");
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, from: City, lookup: {reference: zips, on: [zip]}}\n",
        null), "schema[1].lookup", 10, "a looked-up field is set from a reference, not read, derived or mapped");
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, lookup: {reference: zips, on: [zip], on_missing: drop}}\n",
        null), "schema[1].lookup.on_missing", 10, "unknown on_missing policy \"drop\"");
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, lookup: {reference: zips, on: [zip], column: zip}}\n",
        null), "schema[1].lookup.column", 10, "\"zip\" is a key column of reference zips");
  }

  @Test
  public void everyUseComparesAKeyColumnAsTheSameKind() {
    assertOnlyProblem(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: zip_n, type: int}\n"
        + "  - {name: city, type: string, lookup: {reference: zips, on: [zip]}}\n",
        "  - {name: zip_known, rule: in_reference, reference: zips, fields: [zip_n]}\n"), "references[0].key", 6,
        "key column zip is compared as text by the lookup of field city (zip string) and as number by rule zip_known (zip_n int)");
  }

  @Test
  public void aLookedUpFieldIsNotACsvColumnAndAValueOfItsRowIsNotRequired() {
    PipelineSpec s = parse(spec(ZIPS, "  - {name: zip, type: string}\n  - {name: city, type: string, required: true,"
        + " lookup: {reference: zips, on: [zip]}}\n", null));
    assertThat(dev.cauce.parse.RecordParser.sourceNames(s), equalTo(List.of("zip")));
  }
}
