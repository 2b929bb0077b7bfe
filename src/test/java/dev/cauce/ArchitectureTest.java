package dev.cauce;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.cauce.archfixture.NamesARunnerSample;
import dev.cauce.archfixture.RunnerProfileSample;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * The package layers: no package of {@code dev.cauce} depends on itself through others (every
 * package is its own slice), and only the runner profile ({@code RunnerProfile*}) names a runner,
 * by its classes or by a string constant. Main classes only.
 */
public class ArchitectureTest {
  static final String ROOT = PackageMap.ROOT;
  static final JavaClasses MAIN = PackageMap.mainClasses();

  /** A class of the runner profile: {@code RunnerProfile}, {@code RunnerProfiles}, and their nested classes. */
  static final String RUNNER_PROFILE = ".*\\.RunnerProfile[^.]*";
  static final Set<String> RUNNER_NAMES = Set.of("DirectRunner", "FlinkRunner");

  /** Each package of dev.cauce (the root one too) is its own slice. */
  static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      return PackageMap.inRoot(p) ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the packages of " + ROOT;
    }
  };

  static {
    ArchConfiguration.get().setProperty("cycles.maxNumberOfDependenciesPerEdge", "3");
  }

  @Test
  public void noPackageCycles() {
    EvaluationResult result = slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().evaluate(MAIN);
    if (result.hasViolation()) {
      throw new AssertionError(cycleReport(result.getFailureReport().getDetails()));
    }
  }

  @Test
  public void onlyTheRunnerProfileNamesARunner() {
    runnerRule().check(MAIN);
  }

  @Test
  public void theRunnerRuleSeesRunnerNamesAndExemptsTheProfile() {
    EvaluationResult r = runnerRule().evaluate(
        new ClassFileImporter().importClasses(RunnerProfileSample.class, NamesARunnerSample.class));
    assertThat(r.getFailureReport().getDetails(), equalTo(List.of(
        "Class <" + NamesARunnerSample.class.getName() + "> holds the string constant(s) \"FlinkRunner\"")));
  }

  static ArchRule runnerRule() {
    return noClasses()
        .that(not(nameMatching(RUNNER_PROFILE)))
        .should().dependOnClassesThat(resideInAPackage("org.apache.beam.runners.direct..")
            .or(resideInAPackage("org.apache.beam.runners.flink..")))
        .orShould(holdARunnerNameConstant())
        .because("only the runner profile knows which runner a job is on");
  }

  /** One line per cycle ({@link PackageMap#cycles}, shortest first), then ArchUnit's class dependencies behind each. */
  static String cycleReport(List<String> details) {
    List<String> cycles = PackageMap.cycles(PackageMap.edges(MAIN));
    StringBuilder b = new StringBuilder();
    b.append(cycles.size()).append(" package cycle(s) among ").append(ROOT).append(".. (packages relative to ")
        .append(ROOT).append("; (root) is ").append(ROOT).append(" itself):\n");
    for (int i = 0; i < cycles.size(); i++) {
      b.append(String.format("  %2d. %s%n", i + 1, cycles.get(i)));
    }
    b.append("\nThe class dependencies behind each cycle:\n");
    details.forEach(d -> b.append(d).append('\n'));
    return b.toString();
  }

  static ArchCondition<JavaClass> holdARunnerNameConstant() {
    return new ArchCondition<>("hold a string constant naming a runner " + RUNNER_NAMES) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> names = stringConstants(c).stream().filter(RUNNER_NAMES::contains).distinct().toList();
        // satisfied when it holds one: noClasses() reports the satisfied events as violations
        events.add(names.isEmpty()
            ? SimpleConditionEvent.violated(c, c.getName() + " names no runner")
            : SimpleConditionEvent.satisfied(c, "Class <" + c.getName() + "> holds the string constant(s) "
                + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "))));
      }
    };
  }

  /** The string constants of {@code c}'s class file (its constant pool's CONSTANT_String entries). */
  static List<String> stringConstants(JavaClass c) {
    try (InputStream in = c.getSource().orElseThrow().getUri().toURL().openStream();
        DataInputStream data = new DataInputStream(in)) {
      data.skipNBytes(8); // magic, minor and major version
      int count = data.readUnsignedShort();
      String[] utf8 = new String[count];
      List<Integer> strings = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        int tag = data.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = data.readUTF();
          case 8 -> strings.add(data.readUnsignedShort());
          case 7, 16, 19, 20 -> data.skipNBytes(2);
          case 15 -> data.skipNBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> data.skipNBytes(4);
          case 5, 6 -> {
            data.skipNBytes(8);
            i++; // longs and doubles take two entries
          }
          default -> throw new IOException("unknown constant pool tag " + tag + " in " + c.getName());
        }
      }
      return strings.stream().map(i -> utf8[i]).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
