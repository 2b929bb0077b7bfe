package dev.cauce.spec.load;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.regex.UserRegex;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the section readers of one spec share: where problems go, and what earlier sections found
 * that later ones check against (the schema's fields, the time zone, the rule names).
 */
final class SpecReading {
  final SpecNodes nodes;
  /** The folder {@code depends_on} names are looked up in; null when the spec is not a file. */
  final Path specDir;

  /** Declared field names (first occurrence) → type (null when the type is invalid). */
  final Map<String, FieldType> fieldTypes = new LinkedHashMap<>();
  final Set<String> requiredFields = new LinkedHashSet<>();
  /** Fields computed by {@code derive}: no source column. */
  final Set<String> derivedFields = new LinkedHashSet<>();
  /** False when the schema is missing or not a list: field references are then not checked. */
  boolean schemaKnown;
  /** {@code clean.timezone}, in which bounds and defaults without offset are read. */
  ZoneId zone = ZoneOffset.UTC;
  final Set<String> ruleNames = new LinkedHashSet<>();
  /** {@code references} by name (each read without a problem), with where each is. */
  final Map<String, dev.cauce.spec.ReferenceSpec> references = new LinkedHashMap<>();
  final Map<String, String> referencePaths = new LinkedHashMap<>();
  final Map<String, Integer> referenceLines = new LinkedHashMap<>();
  /** Whether {@code references} was read without problems (else reference names are not checked). */
  boolean referencesKnown = true;
  private JdbcSpecReader jdbc;

  SpecReading(String file, Path specDir) {
    this.nodes = new SpecNodes(file);
    this.specDir = specDir;
  }

  void problem(String path, int line, String message) {
    nodes.problem(path, line, message);
  }

  /** Whether {@code field} is declared; otherwise reports it (when the schema is known). */
  boolean checkField(String field, String path, int line) {
    if (fieldTypes.containsKey(field)) {
      return true;
    }
    if (schemaKnown) {
      problem(path, line, "\"" + field + "\" is not a schema field; schema fields: " + String.join(", ", fieldTypes.keySet()));
    }
    return false;
  }

  void checkRegex(String regex, String path, int line) {
    String p = UserRegex.problem(regex);
    if (p != null) {
      problem(path, line, p);
    }
  }

  /** The reader of jdbc sinks and the dead letter's table (made after the schema is read). */
  JdbcSpecReader jdbc() {
    if (jdbc == null) {
      jdbc = new JdbcSpecReader(nodes, fieldTypes, requiredFields, schemaKnown);
    }
    return jdbc;
  }

  /** An enum's values as the spec writes them. */
  static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
  }

  /** The enum value of a spec name (one of {@link #names}), or null for null. */
  static <E extends Enum<E>> E enumOf(Class<E> type, String specName) {
    return specName == null ? null : Enum.valueOf(type, specName.toUpperCase(Locale.ROOT));
  }
}
