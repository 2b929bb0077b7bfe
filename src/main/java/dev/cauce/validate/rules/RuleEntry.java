package dev.cauce.validate.rules;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import dev.cauce.spec.read.SpecNodes.MapView;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * One {@code validate} entry as its rule type reads it: the map (problems are reported there), the
 * common keys already checked (name, severity, message; the field and its type for one-field rules,
 * null when absent or unknown), the declared fields' types, the zone bounds are read in, and the
 * declared references' key columns by name (null when the references section had a problem).
 */
public record RuleEntry(
    MapView map,
    String name,
    Severity severity,
    String message,
    String field,
    FieldType fieldType,
    Map<String, FieldType> fieldTypes,
    boolean schemaKnown,
    ZoneId zone,
    Map<String, List<String>> references) {

  void problem(String key, String text) {
    map.problem(key, text);
  }

  /** Reports a problem with the entry as a whole. */
  void problem(String text) {
    map.nodes().problem(map.path, map.line(), text);
  }

  /** Reports a field of another type than string (length and regex rules). */
  void needsStringField(String ruleType) {
    if (fieldType != null && fieldType != FieldType.STRING) {
      problem("field", "a " + ruleType + " rule needs a string field; " + field + " is " + fieldType.specName());
    }
  }
}
