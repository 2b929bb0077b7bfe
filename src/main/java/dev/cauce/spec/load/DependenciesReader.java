package dev.cauce.spec.load;

import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code dependencies}: functional dependencies {@code {name, determinant, dependent, repair,
 * margin: {min_share, min_lead}}}. The fields must be schema fields, none repeated nor on both sides;
 * names are unique; with a repair, no sink nor the dead letter may be named {@value DependencySpec#REPAIRS}.
 */
final class DependenciesReader {
  static final List<String> KEYS = List.of("name", "determinant", "dependent", "repair", "margin");
  static final List<String> MARGIN_KEYS = List.of("min_share", "min_lead");
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final int MAX_LEAD = 1_000_000;
  private static final List<String> REPAIRS = SpecReading.names(DependencySpec.Repair.values());

  private final SpecReading s;

  DependenciesReader(SpecReading s) {
    this.s = s;
  }

  List<DependencySpec> read(MapView r, List<SinkSpec> sinks, DeadLetterSpec deadLetter, DedupeSpec dedupe) {
    List<DependencySpec> deps = new ArrayList<>();
    if (!r.has("dependencies")) {
      return deps;
    }
    List<Node> items = r.list("dependencies", "dependencies ({determinant: [fields], dependent: [fields], repair, margin})");
    if (items == null) {
      return deps;
    }
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String path = SpecNodes.index("dependencies", i);
      MapView m = s.nodes.map(items.get(i), path, KEYS);
      DependencySpec d = m == null ? null : dependency(m, path, names);
      if (d != null) {
        deps.add(d);
      }
    }
    if (DependencySpec.anyRepairs(deps)) {
      for (SinkSpec sink : sinks) {
        if (DependencySpec.REPAIRS.equals(sink.name())) {
          r.problem("dependencies", "a sink is named \"" + DependencySpec.REPAIRS + "\", the folder of the repaired cells; rename the sink");
        }
      }
      if (DependencySpec.REPAIRS.equals(deadLetter.name())) {
        r.problem("dependencies", "the dead letter is named \"" + DependencySpec.REPAIRS + "\", the folder of the repaired cells; rename it");
      }
      if (DependencySpec.REPAIRS.equals(deadLetter.warned()) || dedupe != null && DependencySpec.REPAIRS.equals(dedupe.dropped())) {
        r.problem("dependencies", "dead_letter.warned or dedupe.dropped is \"" + DependencySpec.REPAIRS
            + "\", the folder of the repaired cells; choose another folder");
      }
    }
    return deps;
  }

  private DependencySpec dependency(MapView m, String path, Map<String, String> names) {
    boolean ok = m.require("determinant") & m.require("dependent");
    Map<String, String> seen = new HashMap<>(); // field → path of its first mention, both sides
    List<String> determinant = fields(m, "determinant", seen);
    List<String> dependent = fields(m, "dependent", seen);
    String name = m.text("name");
    if (name != null && !NAME.matcher(name).matches()) {
      m.problem("name", "invalid name \"" + name + "\": must match " + NAME.pattern());
      ok = false;
    }
    if (name == null && determinant != null && dependent != null) {
      name = DependencySpec.defaultName(determinant, dependent);
    }
    if (name != null) {
      String first = names.putIfAbsent(name, path);
      if (first != null) {
        m.problem(m.has("name") ? "name" : "determinant", "duplicate dependency name \"" + name + "\" (also " + first
            + "); give each a name");
        ok = false;
      }
    }
    DependencySpec.Repair repair = DependencySpec.Repair.MAJORITY;
    if (m.has("repair")) {
      repair = SpecReading.enumOf(DependencySpec.Repair.class, m.oneOf("repair", REPAIRS, "repair"));
    }
    double minShare = DependencySpec.DEFAULT_MIN_SHARE;
    int minLead = DependencySpec.DEFAULT_MIN_LEAD;
    if (m.has("margin")) {
      MapView margin = m.map("margin", MARGIN_KEYS);
      if (margin == null) {
        ok = false;
      } else {
        if (repair == DependencySpec.Repair.NONE) {
          m.problem("margin", "margin is only used with repair: majority");
        }
        Double share = margin.ratio("min_share");
        Integer lead = margin.boundedInt("min_lead", 1, MAX_LEAD, DependencySpec.DEFAULT_MIN_LEAD);
        ok &= (share != null || !margin.has("min_share")) && lead != null;
        minShare = share == null ? minShare : share;
        minLead = lead == null ? minLead : lead;
      }
    }
    if (!ok || determinant == null || dependent == null || repair == null) {
      return null;
    }
    return new DependencySpec(name, determinant, dependent, repair, minShare, minLead);
  }

  /** One side's fields: a non-empty list of schema fields, none mentioned before in this dependency. */
  private List<String> fields(MapView m, String key, Map<String, String> seen) {
    if (!m.has(key)) {
      return null;
    }
    List<String> fields = m.texts(key, "schema fields");
    if (fields == null) {
      return null;
    }
    if (fields.isEmpty()) {
      m.problem(key, "needs at least one field");
      return null;
    }
    boolean ok = true;
    List<Node> items = ((ListNode) m.get(key)).items();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof ScalarNode n && !n.isNull()) {
        String p = SpecNodes.index(m.path(key), i);
        ok &= s.checkField(n.text(), p, n.line());
        String first = seen.putIfAbsent(n.text(), p);
        if (first != null) {
          s.problem(p, n.line(), "\"" + n.text() + "\" is repeated (also " + first + ")"
              + (first.contains("determinant") && key.equals("dependent") ? ": a field cannot determine itself" : ""));
          ok = false;
        }
      }
    }
    return ok ? fields : null;
  }
}
