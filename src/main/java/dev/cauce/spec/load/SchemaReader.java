package dev.cauce.spec.load;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads {@code schema}: the fields, each with a valid unique name and a known type. */
final class SchemaReader {
  static final List<String> FIELD_KEYS = List.of("name", "type", "required");
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
    for (int i = 0; i < items.size(); i++) {
      String path = SpecNodes.index("schema", i);
      MapView f = s.nodes.map(items.get(i), path, FIELD_KEYS);
      if (f != null) {
        field(f, path, seen, fields);
      }
    }
    return fields;
  }

  private void field(MapView f, String path, Map<String, String> seen, List<FieldSpec> fields) {
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
    if (name != null) {
      s.fieldTypes.put(name, type);
      if (Boolean.TRUE.equals(required)) {
        s.requiredFields.add(name);
      }
      if (type != null) {
        fields.add(new FieldSpec(name, type, Boolean.TRUE.equals(required)));
      }
    }
  }
}
