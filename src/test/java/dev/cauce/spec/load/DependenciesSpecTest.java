package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.parse;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.DependencySpec.Repair;
import java.util.List;
import org.junit.Test;

/** Spec checks of {@code dependencies}: fields, sides, names, repair and margin, with their lines. */
public class DependenciesSpecTest {
  @Test
  public void readsDependenciesWithDefaults() {
    List<DependencySpec> deps = parse(BASE + """
        dependencies:
          - {determinant: [order_id], dependent: [email, qty]}
          - {name: by_mail, determinant: [email, ordered_on], dependent: [amount], repair: none}
          - {name: strict, determinant: [qty], dependent: [email], margin: {min_share: 0.8, min_lead: 2}}
        """).dependencies();
    assertThat(deps, equalTo(List.of(
        new DependencySpec("order_id_to_email_qty", List.of("order_id"), List.of("email", "qty"), Repair.MAJORITY, 0.5, 1),
        new DependencySpec("by_mail", List.of("email", "ordered_on"), List.of("amount"), Repair.NONE, 0.5, 1),
        new DependencySpec("strict", List.of("qty"), List.of("email"), Repair.MAJORITY, 0.8, 2))));
  }

  @Test
  public void fieldsMustBeSchemaFieldsOnOneSideOnly() {
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [zip], dependent: [email]}\n",
        "dependencies[0].determinant[0]", 13, "\"zip\" is not a schema field");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty, email]}\n",
        "dependencies[0].dependent[1]", 13, "\"email\" is repeated (also dependencies[0].determinant[0]): a field cannot determine itself");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email, email], dependent: [qty]}\n",
        "dependencies[0].determinant[1]", 13, "\"email\" is repeated");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [], dependent: [qty]}\n",
        "dependencies[0].determinant", 13, "needs at least one field");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email]}\n",
        "dependencies[0].dependent", 13, "missing required key \"dependent\"");
  }

  @Test
  public void repairMarginAndNamesAreChecked() {
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty], repair: vote}\n",
        "dependencies[0].repair", 13, "majority");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty], margin: {min_share: 1.5}}\n",
        "dependencies[0].margin.min_share", 13, "must be a ratio between 0 and 1");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty], margin: {min_lead: 0}}\n",
        "dependencies[0].margin.min_lead", 13, "must be between 1 and 1000000");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty], repair: none, margin: {min_lead: 2}}\n",
        "dependencies[0].margin", 13, "margin is only used with repair: majority");
    assertOnlyProblem(BASE + "dependencies:\n  - {name: a.b, determinant: [email], dependent: [qty]}\n",
        "dependencies[0].name", 13, "invalid name \"a.b\"");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty]}\n  - {determinant: [email], dependent: [qty]}\n",
        "dependencies[1].determinant", 14, "duplicate dependency name \"email_to_qty\" (also dependencies[0])");
    assertOnlyProblem(BASE + "dependencies:\n  - {determinant: [email], dependent: [qty], tolerance: 1}\n",
        "dependencies[0].tolerance", 13, "");
  }

  @Test
  public void theRepairsFolderNameIsTaken() {
    assertOnlyProblem(BASE + "sinks: [{name: repairs}]\ndependencies:\n  - {determinant: [email], dependent: [qty]}\n",
        "dependencies", 13, "a sink is named \"repairs\"");
    parse(BASE + "sinks: [{name: repairs}]\ndependencies:\n  - {determinant: [email], dependent: [qty], repair: none}\n");
    assertOnlyProblem(BASE + "dead_letter: {warned: repairs}\ndependencies:\n  - {determinant: [email], dependent: [qty]}\n",
        "dependencies", 13, "dead_letter.warned or dedupe.dropped is \"repairs\"");
  }
}
