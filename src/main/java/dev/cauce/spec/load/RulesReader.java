package dev.cauce.spec.load;

import dev.cauce.model.Reasons;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Entry;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.validate.rules.RuleEntry;
import dev.cauce.validate.rules.RuleType;
import dev.cauce.validate.rules.RuleTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads {@code validate}: each rule's common keys (name, rule, severity, message, and the field of
 * one-field rules) here, the rest by its type in {@link RuleTypes}.
 */
final class RulesReader {
  static final Pattern RULE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  static final String REQUIRED_SUFFIX = "_required";
  private static final List<String> SEVERITIES = SpecReading.names(Severity.values());

  private final SpecReading s;
  /** Rule name → the path of the rule that took it first. */
  private final Map<String, String> seen = new HashMap<>();

  RulesReader(SpecReading s) {
    this.s = s;
  }

  List<RuleSpec> read(MapView r) {
    List<RuleSpec> rules = new ArrayList<>();
    List<Node> items = r.list("validate", "rules");
    if (items == null) {
      return rules;
    }
    for (int i = 0; i < items.size(); i++) {
      MapView m = s.nodes.map(items.get(i), SpecNodes.index("validate", i), null);
      RuleSpec rule = m == null ? null : rule(m);
      if (rule != null) {
        rules.add(rule);
      }
    }
    return rules;
  }

  private RuleSpec rule(MapView m) {
    String name = m.requiredText("name");
    if (name != null) {
      checkName(m, name);
    }
    RuleType type = m.require("rule") ? RuleTypes.named(m.oneOf("rule", RuleTypes.names(), "rule")) : null;
    checkKeys(m, type);
    Severity severity = Severity.ERROR;
    if (m.has("severity")) {
      severity = SpecReading.enumOf(Severity.class, m.oneOf("severity", SEVERITIES, "severity"));
    }
    String message = m.text("message");
    String field = null;
    FieldType fieldType = null;
    if (type != null && type.hasField() && m.require("field") || type == null && m.has("field")) {
      field = m.text("field");
      if (field != null && s.checkField(field, m.path("field"), m.line("field"))) {
        fieldType = s.fieldTypes.get(field);
      }
    }
    if (type == null) {
      return null;
    }
    RuleSpec rule = type.reader().apply(
        new RuleEntry(m, name, severity, message, field, fieldType, s.fieldTypes, s.schemaKnown, s.zone, referenceKeys()));
    return name == null || severity == null ? null : rule;
  }

  /** The declared references' key columns by name; null when they are not known (a problem was reported). */
  private Map<String, List<String>> referenceKeys() {
    if (!s.referencesKnown) {
      return null;
    }
    Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
    s.references.forEach((n, ref) -> keys.put(n, ref.key()));
    return keys;
  }

  private void checkKeys(MapView m, RuleType type) {
    if (type == null) {
      m.checkKeys(RuleTypes.allKeys(), "");
      return;
    }
    List<String> allowed = Stream.concat(RuleTypes.COMMON_KEYS.stream(), type.keys().stream()).toList();
    for (Entry e : m.entries()) {
      if (allowed.contains(e.key())) {
        continue;
      }
      String msg = type.refusedKeys().get(e.key());
      if (msg == null && RuleTypes.allKeys().contains(e.key())) {
        msg = e.key() + " is not used by " + type.name() + " rules; they take "
            + String.join(", ", type.keys()) + " (and name, rule, severity, message)";
      } else if (msg == null) {
        msg = "unknown key \"" + e.key() + "\" for a " + type.name() + " rule" + SpecNodes.allowed(e.key(), allowed);
      }
      m.nodes().problem(m.path(e.key()), e.keyLine(), msg);
    }
  }

  private void checkName(MapView m, String name) {
    if (!RULE_NAME.matcher(name).matches()) {
      m.problem("name", "invalid rule name \"" + name + "\": must match " + RULE_NAME.pattern());
    }
    String first = seen.putIfAbsent(name, m.path);
    if (first != null) {
      m.problem("name", "duplicate rule name \"" + name + "\" (also " + first + ")");
    }
    if (name.endsWith(REQUIRED_SUFFIX)
        && s.requiredFields.contains(name.substring(0, name.length() - REQUIRED_SUFFIX.length()))) {
      m.problem("name", "rule name \"" + name + "\" is the reason code of required field "
          + name.substring(0, name.length() - REQUIRED_SUFFIX.length()) + "; choose another name");
    }
    if (Reasons.all().contains(name)) {
      m.problem("name", "rule name \"" + name + "\" is a stage reason code; choose another name");
    }
    s.ruleNames.add(name);
  }
}
