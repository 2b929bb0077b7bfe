package dev.cauce;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.cauce.metrics.CauceMetrics;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.junit.Test;

/**
 * Every DoFn that can reach a counter ({@link CauceMetrics} or Beam's {@link Counter}, through any
 * chain of classes) calls {@link CauceMetrics#startBundle()} in its {@code @StartBundle} and {@link
 * CauceMetrics#finishBundle()} in its {@code @FinishBundle} (its own or an inherited one): cauce's
 * counters hand their increments to Beam there.
 */
public class CountingFnsTest {
  @Test
  public void everyCountingDoFnStartsAndFinishesItsBundleCounts() {
    assertThat(missingHooks(ArchitectureTest.MAIN), empty());
  }

  @Test
  public void theCheckSeesADoFnThatForgets() {
    JavaClasses sample = new ClassFileImporter().importClasses(ForgetsToFlush.class, Flushes.class, CauceMetrics.class);
    assertThat(missingHooks(sample), org.hamcrest.Matchers.equalTo(List.of(
        ForgetsToFlush.class.getName() + " lacks CauceMetrics.startBundle() in @StartBundle, CauceMetrics.finishBundle() in @FinishBundle")));
  }

  /** The counting DoFns among {@code classes} that lack a hook, one line each. */
  static List<String> missingHooks(JavaClasses classes) {
    return classes.stream()
        .filter(c -> c.isAssignableTo(DoFn.class) && !c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT))
        .filter(CountingFnsTest::reachesACounter)
        .map(c -> {
          List<String> missing = Stream.of(
                  calls(c, DoFn.StartBundle.class, "startBundle") ? null : "CauceMetrics.startBundle() in @StartBundle",
                  calls(c, DoFn.FinishBundle.class, "finishBundle") ? null : "CauceMetrics.finishBundle() in @FinishBundle")
              .filter(s -> s != null).toList();
          return missing.isEmpty() ? null : c.getName() + " lacks " + String.join(", ", missing);
        })
        .filter(s -> s != null).sorted().toList();
  }

  /**
   * Whether {@code c} reaches a counter by calls, constructions and field accesses, followed through
   * dev.cauce's classes (not through interfaces to their implementations: a DoFn whose only counting
   * hides behind one is not seen).
   */
  private static boolean reachesACounter(JavaClass c) {
    java.util.Set<JavaClass> seen = new java.util.HashSet<>();
    java.util.Deque<JavaClass> todo = new java.util.ArrayDeque<>(List.of(c));
    while (!todo.isEmpty()) {
      JavaClass k = todo.pop();
      if (k.isEquivalentTo(CauceMetrics.class) || k.isEquivalentTo(Counter.class)) {
        return true;
      }
      if (seen.add(k) && (k.equals(c) || k.getPackageName().startsWith(PackageMap.ROOT))) {
        k.getAccessesFromSelf().forEach(a -> todo.push(a.getTargetOwner()));
        k.getAllRawSuperclasses().forEach(todo::push);
      }
    }
    return false;
  }

  /** Whether a method of {@code c} or a superclass annotated {@code hook} calls {@code CauceMetrics.<method>()}. */
  private static boolean calls(JavaClass c, Class<? extends Annotation> hook, String method) {
    return Stream.concat(Stream.of(c), c.getAllRawSuperclasses().stream())
        .flatMap(k -> k.getMethods().stream())
        .filter(m -> m.isAnnotatedWith(hook))
        .anyMatch(m -> callsCauceMetrics(m, method));
  }

  private static boolean callsCauceMetrics(JavaMethod m, String method) {
    return m.getMethodCallsFromSelf().stream().anyMatch(call ->
        call.getTargetOwner().isEquivalentTo(CauceMetrics.class) && call.getName().equals(method));
  }

  static final class ForgetsToFlush extends DoFn<String, String> {
    private final Counter c = CauceMetrics.counter("x");

    @ProcessElement
    public void process(@Element String s) {
      c.inc();
    }
  }

  static final class Flushes extends DoFn<String, String> {
    private final Counter c = CauceMetrics.counter("x");

    @StartBundle
    public void start() {
      CauceMetrics.startBundle();
    }

    @ProcessElement
    public void process(@Element String s) {
      c.inc();
    }

    @FinishBundle
    public void finish() {
      CauceMetrics.finishBundle();
    }
  }
}
