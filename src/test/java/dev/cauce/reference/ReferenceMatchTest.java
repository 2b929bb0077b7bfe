package dev.cauce.reference;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.cauce.coders.Schemas;
import dev.cauce.model.References;
import dev.cauce.model.Result;
import dev.cauce.model.Violation;
import dev.cauce.reference.ReferenceLoader.ReferenceException;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import dev.cauce.validate.Lookups;
import dev.cauce.validate.Validation;
import dev.cauce.validate.Validator;
import dev.cauce.validate.rules.ReferenceKeys;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Reading references and matching records against them in plain Java (no Beam pipeline): keys, lookups, in_reference, bounds. */
public class ReferenceMatchTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void keysCompareByKindOfType() {
    assertThat(ReferenceKeys.ofRecord(List.of(new BigDecimal("7.50"))), equalTo(ReferenceKeys.ofCells(List.of("k"), List.of(" 7.5 "),
        List.of(FieldType.DECIMAL), ZoneOffset.UTC)));
    assertThat(ReferenceKeys.ofRecord(List.of(7L)), equalTo(ReferenceKeys.ofCells(List.of("k"), List.of("7.0"),
        List.of(FieldType.INT), ZoneOffset.UTC)));
    // text keeps leading zeros: "02134" is not "2134"
    assertThat(ReferenceKeys.ofRecord(List.of("02134")).equals(ReferenceKeys.ofCells(List.of("k"), List.of("2134"),
        List.of(FieldType.STRING), ZoneOffset.UTC)), equalTo(false));
    assertThat(ReferenceKeys.ofRecord(List.of(LocalDate.of(2024, 2, 1), true)), equalTo(ReferenceKeys.ofCells(List.of("d", "b"),
        List.of("2024-02-01", "TRUE"), List.of(FieldType.DATE, FieldType.BOOLEAN), ZoneOffset.UTC)));
    // compound keys cannot collide by joining: ["a:b", "c"] is not ["a", "b:c"]
    assertThat(ReferenceKeys.ofRecord(List.of("a:b", "c")).equals(ReferenceKeys.ofRecord(List.of("a", "b:c"))), equalTo(false));
    assertThat(ReferenceKeys.ofRecord(Arrays.asList("a", null)), equalTo(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceKeys.ofCells(List.of("zip"), List.of("x1"), List.of(FieldType.INT), ZoneOffset.UTC));
    assertThat(e.getMessage(), equalTo("key column zip holds \"x1\", not a number (it is compared with a int field)"));
  }

  static final String SPEC = """
      name: m
      source: {path: in/*.csv, format: csv}
      references:
        - {name: zips, path: REF, key: [zip]}
        - {name: stores, path: STORES, key: [region, store], on_duplicate: error}
      schema:
        - {name: id, type: string}
        - {name: zip, type: string}
        - {name: region, type: string}
        - {name: store, type: int}
        - {name: city, type: string, lookup: {reference: zips, on: [zip]}}
        - {name: pop, type: long, lookup: {reference: zips, on: [zip], column: population, on_missing: reject}}
      validate:
        - {name: store_known, rule: in_reference, reference: stores, fields: [region, store]}
      """;

  private PipelineSpec spec(String zips, String stores) throws IOException {
    Path z = tmp.getRoot().toPath().resolve("zips.csv");
    Files.writeString(z, zips);
    Path s = tmp.getRoot().toPath().resolve("stores.jsonl");
    Files.writeString(s, stores);
    return SpecLoader.parse(SPEC.replace("REF", z.toString()).replace("STORES", s.toString()), "m.yaml");
  }

  static final String ZIPS = "zip,city,population\n02134,Allston,\n10001,New York,21102\n10001,Duplicate,1\n\n60601, Chicago ,2746\n";
  static final String STORES = "{\"region\":\"west\",\"store\":7,\"manager\":\"Ann\"}\n{\"store\":\"8.0\",\"region\":\"east\"}\n";

  @Test
  public void readsAReferenceAndMatchesRecords() throws IOException {
    PipelineSpec spec = spec(ZIPS, STORES);
    Map<String, ReferenceTable> tables = ReferenceLoader.loadAll(spec, null);
    ReferenceTable zips = tables.get("zips");
    assertThat(zips.describe(), equalTo("zips: 4 rows, 3 keys, 1 duplicate key(s) dropped (" + spec.reference("zips").path() + ", "
        + ZIPS.length() + " bytes)"));
    assertThat(zips.spec().columns(), equalTo(List.of("zip", "city", "population")));
    assertThat(tables.get("stores").spec().columns(), equalTo(List.of("region", "store", "manager")));
    spec = ReferenceLoader.withColumns(spec, tables);
    References refs = References.of(ReferenceLoader.rows(tables));

    Map<String, Long> tally = new TreeMap<>();
    Lookups lookups = Lookups.create(spec, refs);
    Lookups.Tally t = new Lookups.Tally() {
      @Override
      public void filled(String field) {
        tally.merge("filled." + field, 1L, Long::sum);
      }

      @Override
      public void missed(String field) {
        tally.merge("missed." + field, 1L, Long::sum);
      }
    };
    Validator validator = Validator.create(spec, refs);
    List<String> seen = new ArrayList<>();
    for (List<Object> values : List.of(
        Arrays.<Object>asList("1", "10001", "west", 7), // first row of 10001 wins
        Arrays.<Object>asList("2", "02134", "east", 8), // population empty: null, still a match
        Arrays.<Object>asList("3", "60601", "east", 9), // store not in stores
        Arrays.<Object>asList("4", "99999", null, 7), // zip missed: city null, pop rejects; null region passes the rule
        Arrays.<Object>asList("5", null, "west", 7))) { // null key: nothing looked up, not a miss
      Row row = Row.withSchema(Schemas.typed(spec)).addValues(values).addValues(null, null).build();
      Result<Row> looked = lookups.apply(row, t);
      if (!looked.isOk()) {
        seen.add(values.get(0) + " rejected: " + looked.violations().stream().map(Violation::message).toList());
        continue;
      }
      Validation v = validator.validate(looked.value());
      seen.add(values.get(0) + " " + looked.value().getString("city") + " " + looked.value().getInt64("pop")
          + (v.isValid() ? "" : " " + v.errors().stream().map(e -> e.reason() + ": " + e.message()).toList()));
    }
    assertThat(seen, equalTo(List.of(
        "1 New York 21102",
        "2 Allston null",
        "3  Chicago  2746 [store_known: region, store [\"east\", 9] is not in reference stores]",
        "4 rejected: [pop: zip \"99999\" is not in reference zips]",
        "5 null null")));
    assertThat(tally, equalTo(Map.of("filled.city", 3L, "filled.pop", 3L, "missed.city", 1L, "missed.pop", 1L)));
  }

  @Test
  public void aReferenceThatCannotBeUsedIsAClearErrorNamingIt() throws IOException {
    assertThat(problem(spec("zip,town\n1,A\n", STORES)),
        equalTo("field city looks up column city, not in its columns [zip, town]"));
    assertThat(problem(spec("code,city,population\n1,A,2\n", STORES)),
        equalTo("key column(s) zip not in its columns [code, city, population]"));
    assertThat(problem(spec("zip,city,population\n1,A,many\n,B,3\n", STORES)),
        equalTo("row 1: column population does not fit field pop: \"many\" is not a long; row 2: key column zip is empty"));
    assertThat(problem(spec("zip,city,population\n1,A,2\n2,B\n", STORES)), equalTo("row 2 has 2 columns, the header 3"));
    assertThat(ReferenceLoader.loadAll(spec("\uFEFFzip,city,population\n1,A,2\n", STORES), null).get("zips").spec().columns(),
        equalTo(List.of("zip", "city", "population"))); // a BOM before the header is dropped
    PipelineSpec dup = spec(ZIPS, STORES + "{\"region\":\"west\",\"store\":7.00}\n");
    ReferenceException e = assertThrows(ReferenceException.class, () -> ReferenceLoader.loadAll(dup, null));
    assertThat(e.getMessage(), equalTo("cauce: reference stores (" + dup.reference("stores").path()
        + "): row 3: key [\"west\", \"7\"] is given by an earlier row too (on_duplicate: error)"));
    assertThat(problem(spec(ZIPS, "{\"region\":\"west\",\"store\":\"seven\"}\n")),
        equalTo("row 1: key column store holds \"seven\", not a number (it is compared with a int field)"));
  }

  @Test
  public void aReferenceOverItsBoundIsRefusedNamingIt() throws IOException {
    PipelineSpec spec = spec(ZIPS, STORES);
    PipelineSpec fewRows = spec.withReferences(List.of(
        new ReferenceSpecs(spec.reference("zips")).maxRows(3), spec.reference("stores")));
    ReferenceException e = assertThrows(ReferenceException.class, () -> ReferenceLoader.loadAll(fewRows, null));
    assertThat(e.getMessage(), equalTo("cauce: reference zips (" + spec.reference("zips").path() + "): has more than its max_rows 3"
        + " rows (a reference is held in memory by every worker; raise max_rows, up to 10000000)"));
    PipelineSpec fewBytes = spec.withReferences(List.of(
        new ReferenceSpecs(spec.reference("zips")).maxBytes(20), spec.reference("stores")));
    e = assertThrows(ReferenceException.class, () -> ReferenceLoader.loadAll(fewBytes, null));
    assertThat(e.getMessage(), equalTo("cauce: reference zips (" + spec.reference("zips").path() + "): is " + ZIPS.length()
        + " bytes, more than its max_bytes 20 (a reference is held in memory by every worker; raise max_bytes, up to 1073741824)"));
  }

  /** A spec's reference with other bounds. */
  private record ReferenceSpecs(dev.cauce.spec.ReferenceSpec r) {
    dev.cauce.spec.ReferenceSpec maxRows(long n) {
      return new dev.cauce.spec.ReferenceSpec(r.name(), r.path(), r.format(), r.query(), r.key(), r.onDuplicate(), n, r.maxBytes(),
          r.keyTypes(), r.columns());
    }

    dev.cauce.spec.ReferenceSpec maxBytes(long n) {
      return new dev.cauce.spec.ReferenceSpec(r.name(), r.path(), r.format(), r.query(), r.key(), r.onDuplicate(), r.maxRows(), n,
          r.keyTypes(), r.columns());
    }
  }

  /** The problem of the first reference that cannot be used, without its "cauce: reference name (path): " prefix. */
  private static String problem(PipelineSpec spec) {
    ReferenceException e = assertThrows(ReferenceException.class, () -> ReferenceLoader.loadAll(spec, null));
    return e.getMessage().split("\n")[0].replaceFirst("^cauce: reference [a-z]+ \\([^)]*\\): ", "");
  }
}
