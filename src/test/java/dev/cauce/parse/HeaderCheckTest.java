package dev.cauce.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.cauce.spec.PipelineSpec.HeaderPolicy;
import java.util.List;
import org.junit.Test;

/** A CSV header against the schema under each policy: what is missing, extra, renamed or out of order. */
public class HeaderCheckTest {
  private static final List<String> SCHEMA = List.of("vendor_id", "fare", "tip");
  private static final HeaderPolicy DEFAULT = HeaderPolicy.DEFAULT;
  private static final HeaderPolicy FILL = new HeaderPolicy(true, false, false);
  private static final HeaderPolicy REFUSE_EXTRA = new HeaderPolicy(false, true, false);
  private static final HeaderPolicy STRICT = new HeaderPolicy(false, false, true);

  private static HeaderCheck.Result check(HeaderPolicy policy, String... header) {
    return HeaderCheck.check(List.of(header), SCHEMA, policy);
  }

  @Test
  public void theSchemaColumnsInAnyOrderAreClean() {
    HeaderCheck.Result r = check(DEFAULT, "tip", "vendor_id", "fare");
    assertThat(r.refused(), is(false));
    assertThat(r.problems(), empty());
    assertThat(r.missing(), empty());
    assertThat(r.extra(), empty());
  }

  @Test
  public void aMissingColumnIsRefusedByDefault() {
    HeaderCheck.Result r = check(DEFAULT, "vendor_id", "fare");
    assertThat(r.refused(), is(true));
    assertThat(r.missing(), contains("tip"));
    assertThat(r.problems(), contains("lacks column `tip` (missing_columns: refuse)"));
    assertThat(r.refusal(), equalTo("its CSV header does not fit the schema: lacks column `tip` (missing_columns: refuse);"
        + " fix the file's header, or change source.csv in the spec (missing_columns: fill)"));
  }

  @Test
  public void aSchemaColumnNamedTwiceIsRefusedWhateverThePolicy() {
    // which of the two values the field would take is ambiguous: no policy allows it
    for (HeaderPolicy policy : List.of(DEFAULT, FILL, STRICT)) {
      HeaderCheck.Result r = check(policy, "vendor_id", "fare", "tip", "fare", "note", "note");
      assertThat(r.refused(), is(true));
      assertThat(r.problems().get(r.problems().size() - 1), equalTo("names column `fare` 2 times: which value the field takes is ambiguous"));
      assertThat(r.refusal(), org.hamcrest.Matchers.endsWith("names column `fare` 2 times: which value the field takes is ambiguous;"
          + " fix the file's header"));
    }
  }

  @Test
  public void missingColumnsAreFilledWithFill() {
    HeaderCheck.Result r = check(FILL, "fare");
    assertThat(r.refused(), is(false));
    assertThat(r.missing(), contains("vendor_id", "tip"));
    assertThat(r.problems(), contains("lacks columns `vendor_id`, `tip`: filled with null or the field's default (missing_columns: fill)"));
  }

  @Test
  public void extraColumnsAreIgnoredButReported() {
    HeaderCheck.Result r = check(DEFAULT, "vendor_id", "note", "fare", "tip", "");
    assertThat(r.refused(), is(false));
    assertThat(r.extra(), contains("note", ""));
    assertThat(r.problems(), contains("has extra columns `note`, `` (empty): ignored (extra_columns: ignore)"));
  }

  @Test
  public void extraColumnsAreRefusedWhenAsked() {
    HeaderCheck.Result r = check(REFUSE_EXTRA, "vendor_id", "fare", "tip", "note");
    assertThat(r.refused(), is(true));
    assertThat(r.problems(), contains("has extra column `note` (extra_columns: refuse)"));
    assertThat(r.refusal(), equalTo("its CSV header does not fit the schema: has extra column `note` (extra_columns: refuse);"
        + " fix the file's header, or change source.csv in the spec (extra_columns: ignore)"));
  }

  @Test
  public void aRenamedColumnIsMissingPlusExtraWithAHint() {
    HeaderCheck.Result r = check(DEFAULT, "VendorID", "fare", "tip");
    assertThat(r.refused(), is(true));
    assertThat(r.missing(), contains("vendor_id"));
    assertThat(r.extra(), contains("VendorID"));
    assertThat(r.problems(), contains(
        "lacks column `vendor_id` (missing_columns: refuse)",
        "has extra column `VendorID`: ignored (extra_columns: ignore)",
        "header has `VendorID` where the schema expects `vendor_id`: rename the column in the file or the field in the schema"));
  }

  @Test
  public void renamesMatchIgnoringCaseUnderscoresHyphensAndSpacesOnly() {
    HeaderCheck.Result r = check(FILL, "Vendor-Id", "FARE", "tips");
    assertThat(r.refused(), is(false));
    assertThat(r.missing(), contains("vendor_id", "fare", "tip"));
    assertThat(r.extra(), contains("Vendor-Id", "FARE", "tips"));
    assertThat(r.problems().subList(2, r.problems().size()), contains(
        "header has `Vendor-Id` where the schema expects `vendor_id`: rename the column in the file or the field in the schema",
        "header has `FARE` where the schema expects `fare`: rename the column in the file or the field in the schema"));
  }

  @Test
  public void strictOrderRefusesAnotherOrderAndAllowsExtrasBetween() {
    HeaderCheck.Result r = check(STRICT, "fare", "vendor_id", "tip");
    assertThat(r.refused(), is(true));
    assertThat(r.problems(), contains(
        "columns are out of the schema's order: `fare`, `vendor_id`, `tip` where the schema has `vendor_id`, `fare`, `tip` (column_order: strict)"));
    assertThat(r.refusal(), equalTo("its CSV header does not fit the schema: columns are out of the schema's order: `fare`, `vendor_id`, `tip`"
        + " where the schema has `vendor_id`, `fare`, `tip` (column_order: strict);"
        + " fix the file's header, or change source.csv in the spec (column_order: any)"));

    HeaderCheck.Result between = check(STRICT, "vendor_id", "note", "fare", "tip");
    assertThat(between.refused(), is(false));
    assertThat(between.problems(), contains("has extra column `note`: ignored (extra_columns: ignore)"));
  }

  @Test
  public void strictOrderComparesOnlyTheColumnsPresent() {
    HeaderCheck.Result r = check(new HeaderPolicy(true, false, true), "tip", "vendor_id");
    assertThat(r.refused(), is(true));
    assertThat(r.problems(), contains(
        "lacks column `fare`: filled with null or the field's default (missing_columns: fill)",
        "columns are out of the schema's order: `tip`, `vendor_id` where the schema has `vendor_id`, `tip` (column_order: strict)"));
    assertThat(r.refusal(), equalTo("its CSV header does not fit the schema: "
        + "lacks column `fare`: filled with null or the field's default (missing_columns: fill); "
        + "columns are out of the schema's order: `tip`, `vendor_id` where the schema has `vendor_id`, `tip` (column_order: strict);"
        + " fix the file's header, or change source.csv in the spec (column_order: any)"));
  }

  @Test
  public void everyPolicyAtOnce() {
    HeaderCheck.Result r = check(new HeaderPolicy(false, true, true), "tip", "x");
    assertThat(r.refused(), is(true));
    assertThat(r.refusal(), equalTo("its CSV header does not fit the schema: lacks columns `vendor_id`, `fare` (missing_columns: refuse); "
        + "has extra column `x` (extra_columns: refuse); fix the file's header, or change source.csv in the spec"
        + " (missing_columns: fill, extra_columns: ignore)"));
  }

  @Test
  public void anExtraColumnGivenTwiceCountsOnce() {
    HeaderCheck.Result r = check(DEFAULT, "vendor_id", "fare", "tip", "note", "note");
    assertThat(r.refused(), is(false));
    assertThat(r.problems(), contains("has extra column `note`: ignored (extra_columns: ignore)"));
  }

  @Test
  public void anUnusableHeaderIsANoteNotARefusal() {
    HeaderCheck.Result r = HeaderCheck.unusable("the header line is malformed: x");
    assertThat(r.refused(), is(false));
    assertThat(r.problems(), contains("the header line is malformed: x"));
  }
}
