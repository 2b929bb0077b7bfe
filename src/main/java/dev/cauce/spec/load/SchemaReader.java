package dev.cauce.spec.load;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.LookupSpec;
import dev.cauce.spec.PipelineSpec.ValueMap;
import dev.cauce.validate.rules.Derivation;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads {@code schema}: the fields, each with a valid unique name and a known type. */
final class SchemaReader {
  static final List<String> FIELD_KEYS =
      List.of("name", "type", "required", "from", "derive", "map", "map_file", "map_case", "map_nearest", "lookup");
  /** The most edits {@code map_nearest} allows: beyond that, unrelated short values match. */
  static final int MAX_MAP_NEAREST = 3;
  static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final SpecReading s;

  SchemaReader(SpecReading s) {
    this.s = s;
  }

  /** The fields with a usable name and type; every declared name is recorded for later sections. */
  List<FieldSpec> read(MapView r) {
    List<FieldSpec> fields = new ArrayList<>();
    if (!r.require("schema")) {
      return fields;
    }
    List<Node> items = r.list("schema", "fields ({name, type, required})");
    if (items == null) {
      return fields;
    }
    s.schemaKnown = true;
    if (items.isEmpty()) {
      s.problem("schema", r.line("schema"), "needs at least one field");
    }
    Map<String, String> seen = new HashMap<>();
    Map<String, String> sources = new HashMap<>();
    List<MapView> views = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = SpecNodes.index("schema", i);
      MapView f = s.nodes.map(items.get(i), path, FIELD_KEYS);
      if (f != null && field(f, path, seen, sources, fields)) {
        views.add(f);
      }
    }
    checkDerivations(fields, views);
    new ReferencesReader(s).checkLookups(fields, views);
    return fields;
  }

  /** Each derivation reads fields that are read from the source or derived before it, with fitting types. */
  private void checkDerivations(List<FieldSpec> fields, List<MapView> views) {
    Map<String, FieldType> readable = new LinkedHashMap<>();
    for (FieldSpec f : fields) {
      if (!f.computed()) { // looked-up fields are set after the derivations
        readable.put(f.name(), f.type());
      }
    }
    for (int i = 0; i < fields.size(); i++) {
      FieldSpec f = fields.get(i);
      if (f.derived()) {
        for (String problem : Derivation.problems(f.derive(), readable, f.type())) {
          views.get(i).problem("derive", problem);
        }
        readable.put(f.name(), f.type());
      }
    }
  }

  private boolean field(
      MapView f, String path, Map<String, String> seen, Map<String, String> sources, List<FieldSpec> fields) {
    String name = f.requiredText("name");
    if (name != null) {
      if (!FIELD_NAME.matcher(name).matches()) {
        f.problem("name", "invalid field name \"" + name + "\": must match " + FIELD_NAME.pattern());
      }
      String first = seen.putIfAbsent(name, path);
      if (first != null) {
        f.problem("name", "duplicate field name \"" + name + "\" (also " + first + ")");
        name = null;
      }
    }
    FieldType type = null;
    String typeText = f.requiredText("type");
    if (typeText != null) {
      type = FieldType.fromSpec(typeText);
      if (type == null) {
        f.problem("type", "unknown type \"" + typeText + "\"; allowed: " + FieldType.allowed());
      }
    }
    Boolean required = f.bool("required");
    String from = from(f);
    String derive = f.text("derive");
    if (derive != null && from != null) {
      f.problem("derive", "a derived field is computed, not read: remove from or derive");
    }
    if (derive != null && derive.isBlank()) {
      f.problem("derive", "must be an expression");
    }
    if (name != null && derive == null && !f.written("lookup")) {
      String source = from == null ? name : from;
      String first = sources.putIfAbsent(source, path);
      if (first != null) {
        f.problem(from == null ? "name" : "from", "source name \"" + source + "\" is read by another field too ("
            + first + "); each source name feeds one field");
      }
    }
    ValueMap map = new MapReader(s).read(f);
    if (map != null && derive != null) {
      f.problem("map", "a dictionary maps values read from the source; a derived field is computed (map its inputs)");
    }
    LookupSpec lookup = name == null ? null : new ReferencesReader(s).lookup(f, name);
    if (f.written("lookup") && (derive != null || from != null || map != null)) {
      f.problem("lookup", "a looked-up field is set from a reference, not read, derived or mapped: remove from, derive or map");
    }
    if (name != null) {
      s.fieldTypes.put(name, type);
      if (Boolean.TRUE.equals(required)) {
        s.requiredFields.add(name);
      }
      if (derive != null || f.written("lookup")) {
        s.derivedFields.add(name); // not read from the source
      }
      if (type != null) {
        fields.add(new FieldSpec(name, type, Boolean.TRUE.equals(required), from, derive, map, lookup));
        return true;
      }
    }
    return false;
  }

  /** {@code from}: any text; one starting with {@code /} is a JSON pointer (for a JSONL source). */
  private static String from(MapView f) {
    if (!f.written("from")) {
      return null;
    }
    String from = f.text("from");
    if (from == null || from.isEmpty()) {
      f.problem("from", "must name the source key, JSON pointer or CSV header it is read from");
      return null;
    }
    String p = pointerProblem(from);
    if (p != null) {
      f.problem("from", p);
    }
    return from;
  }

  /** Null when {@code from} is no pointer or a valid one (RFC 6901: {@code ~} only as {@code ~0} or {@code ~1}). */
  static String pointerProblem(String from) {
    if (!from.startsWith("/")) {
      return null;
    }
    for (int i = 0; i < from.length(); i++) {
      if (from.charAt(i) == '~' && (i + 1 >= from.length() || (from.charAt(i + 1) != '0' && from.charAt(i + 1) != '1'))) {
        return "invalid JSON pointer \"" + from + "\": ~ must be written ~0 (and / inside a key ~1)";
      }
    }
    return null;
  }
}
