package dev.cauce;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.cycle_detection.Cycle;
import com.tngtech.archunit.library.cycle_detection.CycleDetector;
import com.tngtech.archunit.library.cycle_detection.Cycles;
import com.tngtech.archunit.library.cycle_detection.Edge;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The package map of the main code, for notes and reviews: each package of dev.cauce with its
 * source files and lines, the packages it depends on (with how many class pairs make each
 * dependency), the two-way dependencies and every cycle. {@code .ci/package-map} runs it;
 * {@code --classes} also lists the class pairs behind each dependency.
 */
public final class PackageMap {
  static final String ROOT = "dev.cauce";

  /** The main classes of dev.cauce (no tests, no jars). */
  static JavaClasses mainClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(ROOT);
  }

  /** package -> package -> the "Class -> Class" pairs (top-level classes) behind that dependency. */
  static Map<String, Map<String, Set<String>>> edges(JavaClasses classes) {
    Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = c.getPackageName();
      if (!inRoot(from)) {
        continue;
      }
      edges.computeIfAbsent(from, k -> new TreeMap<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        String to = target.getPackageName();
        if (inRoot(to) && !to.equals(from)) {
          edges.get(from).computeIfAbsent(to, k -> new TreeSet<>()).add(topLevel(c) + " -> " + topLevel(target));
        }
      }
    }
    return edges;
  }

  static boolean inRoot(String pkg) {
    return pkg.equals(ROOT) || pkg.startsWith(ROOT + ".");
  }

  /** {@code dev.cauce.core} -> {@code core}; the root package is {@code (root)}. */
  static String shortName(String pkg) {
    return pkg.equals(ROOT) ? "(root)" : pkg.substring(ROOT.length() + 1);
  }

  static String topLevel(JavaClass c) {
    String name = c.getName().substring(c.getPackageName().length() + 1);
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  /** Every cycle of the package graph, as {@code a -> b -> a}. */
  static List<String> cycles(Map<String, Map<String, Set<String>>> edges) {
    List<Edge<String>> all = new ArrayList<>();
    edges.forEach((from, tos) -> tos.keySet().forEach(to -> all.add(Edge.create(from, to))));
    Cycles<Edge<String>> found = CycleDetector.detectCycles(edges.keySet(), all);
    List<String> out = new ArrayList<>();
    for (Cycle<Edge<String>> cycle : found) {
      List<String> path = new ArrayList<>();
      cycle.getEdges().forEach(e -> path.add(shortName(e.getOrigin())));
      path.add(path.get(0));
      out.add(String.join(" -> ", path));
    }
    out.sort(Comparator.comparingInt((String c) -> c.split(" -> ").length).thenComparing(c -> c));
    return out;
  }

  public static void main(String[] args) throws IOException {
    boolean classes = List.of(args).contains("--classes");
    print(mainClasses(), Path.of("src/main/java"), classes, System.out);
  }

  static void print(JavaClasses main, Path sources, boolean classes, PrintStream out) throws IOException {
    Map<String, Map<String, Set<String>>> edges = edges(main);
    out.println("| package | files | lines | depends on |");
    out.println("|---|---:|---:|---|");
    int files = 0;
    long lines = 0;
    for (String pkg : edges.keySet()) {
      Path dir = sources.resolve(pkg.replace('.', '/'));
      List<Path> java;
      try (Stream<Path> s = Files.list(dir)) {
        java = s.filter(p -> p.toString().endsWith(".java")).toList();
      }
      long n = 0;
      for (Path p : java) {
        try (Stream<String> l = Files.lines(p)) {
          n += l.count();
        }
      }
      files += java.size();
      lines += n;
      List<String> deps = edges.get(pkg).entrySet().stream()
          .map(e -> shortName(e.getKey()) + " (" + e.getValue().size() + ")").toList();
      out.printf("| %s | %d | %d | %s |%n", shortName(pkg), java.size(), n, String.join(", ", deps));
    }
    out.printf("| all %d packages | %d | %d | |%n", edges.size(), files, lines);
    out.println();
    out.println("(n) = the number of class pairs behind a dependency.");

    List<String> twoWay = new ArrayList<>();
    edges.forEach((from, tos) -> tos.keySet().forEach(to -> {
      if (from.compareTo(to) < 0 && edges.getOrDefault(to, Map.of()).containsKey(from)) {
        twoWay.add(shortName(from) + " <-> " + shortName(to));
      }
    }));
    out.println();
    out.println("Two-way dependencies: " + (twoWay.isEmpty() ? "none" : twoWay.size() + ": " + String.join(", ", twoWay)));
    List<String> cycles = cycles(edges);
    out.println("Cycles: " + (cycles.isEmpty() ? "none" : cycles.size()));
    cycles.forEach(c -> out.println("  " + c));

    if (classes) {
      out.println();
      out.println("Class pairs behind each dependency:");
      edges.forEach((from, tos) -> tos.forEach((to, pairs) -> {
        out.println("  " + shortName(from) + " -> " + shortName(to) + ":");
        pairs.forEach(p -> out.println("      " + p));
      }));
    }
  }
}
