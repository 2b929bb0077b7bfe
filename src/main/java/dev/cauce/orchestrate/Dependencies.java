package dev.cauce.orchestrate;

import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.load.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The order pipelines must run in, from their specs' {@code depends_on}. A pipeline is named by its
 * spec file, {@code pipelines/<name>.yaml}; {@link SpecLoader} checks that every name it depends on
 * has such a file. This class finds cycles (and names them) and sorts the pipelines so that each
 * runs after everything it depends on.
 */
public final class Dependencies {
  private Dependencies() {}

  /** A dependency cycle: its pipelines in order, the first repeated at the end. */
  public static final class CycleException extends RuntimeException {
    private final List<String> cycle;

    public CycleException(List<String> cycle) {
      super("dependency cycle: " + String.join(" -> ", cycle) + "; remove one of these depends_on entries");
      this.cycle = List.copyOf(cycle);
    }

    public List<String> cycle() {
      return cycle;
    }
  }

  /** Every spec in {@code dir} ({@code *.yaml}), loaded and checked, by file name without .yaml, sorted. */
  public static Map<String, PipelineSpec> loadAll(Path dir) {
    Map<String, PipelineSpec> specs = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
        String name = f.getFileName().toString().replaceAll("\\.yaml$", "");
        try {
          specs.put(name, SpecLoader.load(f));
        } catch (SpecException e) {
          problems.add(e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the pipeline specs in " + dir, e);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return specs;
  }

  /**
   * The names in an order where each comes after all it depends on; among pipelines that are ready
   * together, alphabetical.
   *
   * @param dependsOn each pipeline's direct dependencies (every name must be a key)
   * @throws CycleException naming a cycle when there is one
   */
  public static List<String> order(Map<String, List<String>> dependsOn) {
    Optional<List<String>> cycle = findCycle(dependsOn);
    if (cycle.isPresent()) {
      throw new CycleException(cycle.get());
    }
    Map<String, Integer> waiting = new TreeMap<>();
    Map<String, List<String>> dependents = new TreeMap<>();
    dependsOn.forEach((p, deps) -> {
      waiting.put(p, deps.size());
      deps.forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(p));
    });
    TreeSet<String> ready = new TreeSet<>();
    waiting.forEach((p, n) -> {
      if (n == 0) {
        ready.add(p);
      }
    });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String p = ready.pollFirst();
      order.add(p);
      for (String d : dependents.getOrDefault(p, List.of())) {
        if (waiting.merge(d, -1, Integer::sum) == 0) {
          ready.add(d);
        }
      }
    }
    return order;
  }

  /** A cycle in the graph, if any: e.g. [a, b, c, a]. */
  public static Optional<List<String>> findCycle(Map<String, List<String>> dependsOn) {
    Set<String> done = new HashSet<>();
    for (String start : new TreeSet<>(dependsOn.keySet())) {
      Optional<List<String>> c = dfs(start, dependsOn, done, new ArrayDeque<>(), new HashSet<>());
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> dfs(
      String node, Map<String, List<String>> graph, Set<String> done, Deque<String> path, Set<String> onPath) {
    if (onPath.contains(node)) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (String p : path) { // path is a stack: iterate from the bottom
        in |= p.equals(node);
        if (in) {
          cycle.add(p);
        }
      }
      cycle.add(node);
      return Optional.of(cycle);
    }
    if (done.contains(node)) {
      return Optional.empty();
    }
    path.addLast(node);
    onPath.add(node);
    for (String d : graph.getOrDefault(node, List.of())) {
      Optional<List<String>> c = dfs(d, graph, done, path, onPath);
      if (c.isPresent()) {
        return c;
      }
    }
    path.removeLast();
    onPath.remove(node);
    done.add(node);
    return Optional.empty();
  }

  /**
   * For one run: follows {@code spec}'s dependencies through the specs beside {@code specFile} and
   * returns a problem when they form a cycle or one of them cannot be read.
   */
  public static Optional<String> checkSpec(Path specFile, PipelineSpec spec) {
    if (spec.dependsOn().isEmpty()) {
      return Optional.empty();
    }
    Path dir = specFile.toAbsolutePath().getParent();
    String self = specFile.getFileName().toString().replaceAll("\\.yaml$", "");
    Map<String, List<String>> graph = new LinkedHashMap<>();
    graph.put(self, spec.dependsOn());
    Deque<String> todo = new ArrayDeque<>(spec.dependsOn());
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (graph.containsKey(name)) {
        continue;
      }
      try {
        List<String> deps = SpecLoader.load(dir.resolve(name + ".yaml")).dependsOn();
        graph.put(name, deps);
        todo.addAll(deps);
      } catch (SpecException e) {
        return Optional.of(specFile + ": depends_on " + name + ", whose spec has problems:\n" + e.getMessage());
      }
    }
    graph.values().forEach(deps -> deps.forEach(d -> graph.putIfAbsent(d, List.of())));
    return findCycle(graph).map(c -> specFile + ": " + new CycleException(c).getMessage());
  }
}
