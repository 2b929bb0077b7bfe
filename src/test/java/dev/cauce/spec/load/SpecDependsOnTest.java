package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertProblem;
import static dev.cauce.spec.load.SpecTesting.problemAt;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertThrows;

import dev.cauce.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The {@code depends_on} key: names of other pipelines' specs. */
public class SpecDependsOnTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void defaultsToNoDependencies() {
    assertThat(SpecTesting.parse(BASE).dependsOn(), empty());
  }

  @Test
  public void namesPipelinesWhoseSpecsAreBesideIt() throws IOException {
    Path dir = tmp.getRoot().toPath();
    Files.writeString(dir.resolve("customers.yaml"), "name: customers\n");
    Files.writeString(dir.resolve("orders.yaml"), BASE + "depends_on: [customers]\n");
    assertThat(SpecLoader.load(dir.resolve("orders.yaml")).dependsOn(), contains("customers"));
  }

  @Test
  public void unknownSelfRepeatedAndInvalidNamesAreProblems() throws IOException {
    Path dir = tmp.getRoot().toPath();
    Files.writeString(dir.resolve("customers.yaml"), "name: customers\n");
    Files.writeString(dir.resolve("orders.yaml"), BASE + "depends_on: [custmers, orders, customers, customers, Bad!]\n");
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(dir.resolve("orders.yaml")));
    assertProblem(problemAt(e, "depends_on[0]"), 12, "unknown pipeline \"custmers\": no custmers.yaml in " + dir
        + "; allowed: customers, orders (did you mean \"customers\"?)");
    assertProblem(problemAt(e, "depends_on[1]"), 12, "a pipeline cannot depend on itself (\"orders\")");
    assertProblem(problemAt(e, "depends_on[3]"), 12, "\"customers\" is listed twice");
    assertProblem(problemAt(e, "depends_on[4]"), 12, "invalid pipeline name \"Bad!\"");
  }

  @Test
  public void mustBeAList() {
    SpecException e = SpecTesting.fails(BASE + "depends_on: orders\n");
    assertProblem(problemAt(e, "depends_on"), 12, "expected a list");
  }
}
