package dev.cauce.orchestrate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.cauce.spec.load.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DependenciesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void eachPipelineComesAfterWhatItDependsOnReadyOnesAlphabetically() {
    Map<String, List<String>> g = new LinkedHashMap<>();
    g.put("report", List.of("customers", "orders"));
    g.put("customers", List.of("orders"));
    g.put("orders", List.of());
    g.put("trips", List.of());
    g.put("zones", List.of());
    assertThat(Dependencies.order(g), contains("orders", "customers", "report", "trips", "zones"));
  }

  @Test
  public void aCycleIsNamed() {
    Map<String, List<String>> g = new LinkedHashMap<>();
    g.put("a", List.of("b"));
    g.put("b", List.of("c"));
    g.put("c", List.of("a"));
    g.put("d", List.of());
    Dependencies.CycleException e = assertThrows(Dependencies.CycleException.class, () -> Dependencies.order(g));
    assertThat(e.cycle(), contains("a", "b", "c", "a"));
    assertThat(e.getMessage(), containsString("dependency cycle: a -> b -> c -> a"));
  }

  @Test
  public void aSingleRunFindsACycleThroughTheSpecsBesideIt() throws IOException {
    Path dir = tmp.getRoot().toPath();
    String body = "source: {path: in/*.jsonl, format: jsonl}\nschema:\n  - {name: id, type: string}\n";
    Files.writeString(dir.resolve("x.yaml"), "name: x\ndepends_on: [y]\n" + body);
    Files.writeString(dir.resolve("y.yaml"), "name: y\ndepends_on: [x]\n" + body);
    Files.writeString(dir.resolve("z.yaml"), "name: z\ndepends_on: [y]\n" + body);
    Optional<String> p = Dependencies.checkSpec(dir.resolve("z.yaml"), SpecLoader.load(dir.resolve("z.yaml")));
    assertThat(p.orElseThrow(), containsString("dependency cycle: x -> y -> x"));
    Files.writeString(dir.resolve("x.yaml"), "name: x\n" + body);
    assertThat(Dependencies.checkSpec(dir.resolve("z.yaml"), SpecLoader.load(dir.resolve("z.yaml"))), equalTo(Optional.empty()));
  }
}
