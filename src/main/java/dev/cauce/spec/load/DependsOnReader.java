package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecLoader.SPEC_NAME;

import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code depends_on}: names of pipelines that must run before this one: valid names, not this
 * one, no repeats, and (when the spec was read from a file) each with a spec {@code <name>.yaml}
 * beside this one. Cycles among specs are found by {@code orchestrate.Dependencies}, which sees them all.
 */
final class DependsOnReader {
  private final SpecReading s;

  DependsOnReader(SpecReading s) {
    this.s = s;
  }

  List<String> read(MapView r, String self) {
    List<String> names = new ArrayList<>();
    if (!r.has("depends_on")) {
      return names;
    }
    List<String> given = r.texts("depends_on", "pipeline names");
    if (given == null) {
      return names;
    }
    List<String> known = s.specDir == null ? null : pipelineNames(s.specDir);
    for (int i = 0; i < given.size(); i++) {
      String dep = given.get(i);
      String path = SpecNodes.index("depends_on", i);
      int line = r.line("depends_on");
      if (!SPEC_NAME.matcher(dep).matches()) {
        s.problem(path, line, "invalid pipeline name \"" + dep + "\": must match " + SPEC_NAME.pattern());
      } else if (dep.equals(self)) {
        s.problem(path, line, "a pipeline cannot depend on itself (\"" + dep + "\")");
      } else if (names.contains(dep)) {
        s.problem(path, line, "\"" + dep + "\" is listed twice");
      } else if (known != null && !known.contains(dep)) {
        s.problem(path, line, "unknown pipeline \"" + dep + "\": no " + dep + ".yaml in " + s.specDir
            + SpecNodes.allowed(dep, known));
      } else {
        names.add(dep);
      }
    }
    return names;
  }

  private static List<String> pipelineNames(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
    } catch (IOException e) {
      return null;
    }
  }
}
