package dev.cauce.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A run record as flat string fields (a Redis hash): scalars as text, {@code counts} as JSON, so
 * {@code redis-cli HGETALL cauce:run:<pipeline>:<runId>} is readable.
 */
final class RunFields {
  private RunFields() {}

  private static final Set<String> JSON_FIELDS = Set.of("counts", "records_per_second");

  static Map<String, String> toFields(RunRecord run) {
    ObjectNode tree = StateJson.MAPPER.valueToTree(run);
    Map<String, String> fields = new LinkedHashMap<>();
    tree.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      if (!v.isNull()) {
        fields.put(e.getKey(), v.isTextual() ? v.asText() : v.toString());
      }
    });
    return fields;
  }

  static RunRecord fromFields(Map<String, String> fields) {
    ObjectNode tree = StateJson.MAPPER.createObjectNode();
    fields.forEach((k, v) -> {
      if (JSON_FIELDS.contains(k)) {
        try {
          tree.set(k, StateJson.MAPPER.readTree(v));
        } catch (java.io.IOException e) {
          throw new IllegalStateException("unreadable field " + k + " of a run in the state store: " + v, e);
        }
      } else {
        tree.put(k, v);
      }
    });
    try {
      return StateJson.MAPPER.treeToValue(tree, RunRecord.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable run in the state store: " + fields, e);
    }
  }
}
