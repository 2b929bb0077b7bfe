package dev.cauce.spec.load;

import dev.cauce.expect.ExpectationType;
import dev.cauce.expect.ExpectationTypes;
import dev.cauce.expect.Kwargs;
import dev.cauce.model.Reasons;
import dev.cauce.spec.ExpectationSpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.SpecProblem;
import dev.cauce.spec.read.YamlTree;
import dev.cauce.spec.read.YamlTree.Entry;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.MapNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code expectations} (a list in GX's vocabulary) and {@code expectation_suite} (an exported
 * GX suite: the JSON of GX 0.15+ with {@code expectation_suite_name} and {@code expectation_type},
 * or of GX 1.x with {@code name} and {@code type}, kwargs under {@code kwargs} or flattened beside
 * the type). Each expectation's kwargs are checked against its type and the schema ({@link
 * Kwargs}); an unknown type is a problem listing the supported ones, or, under {@code
 * expectations_unknown: skip}, an expectation reported as skipped.
 */
final class ExpectationsReader {
  static final List<String> UNKNOWN = List.of("error", "skip");
  /** An expectation's own keys; every other key is a kwarg (GX 1.x writes them flattened). */
  static final List<String> KEYS = List.of("expectation_type", "type", "kwargs", "meta", "severity", "name", "exact_limit");
  /** Keys GX writes beside an expectation that say nothing about what it checks. */
  static final List<String> GX_NOTES = List.of("id", "ge_cloud_id", "notes", "description", "rendered_content",
      "expectation_context", "windows");
  static final List<String> WARN = List.of("warn", "warning", "info");
  static final List<String> ERROR = List.of("error", "critical");

  private final SpecReading s;
  private final Map<String, Integer> ids = new HashMap<>();
  private long exactLimit = ExpectationSpec.EXACT_LIMIT;

  ExpectationsReader(SpecReading s) {
    this.s = s;
  }

  List<ExpectationSpec> read(MapView r) {
    List<ExpectationSpec> out = new ArrayList<>();
    boolean skipUnknown = "skip".equals(r.oneOf("expectations_unknown", UNKNOWN, "expectations_unknown value"));
    exactLimit = exactLimit(r, "expectations_exact_limit", ExpectationSpec.EXACT_LIMIT);
    String suite = r.text("expectation_suite");
    if (suite != null) {
      readSuite(suite, r, skipUnknown, out);
    }
    List<Node> items = r.list("expectations", "expectations");
    if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        ExpectationSpec e = expectation(s.nodes, items.get(i), SpecNodes.index("expectations", i), skipUnknown);
        if (e != null) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /** The suite file's expectations; its problems are told at the spec's {@code expectation_suite} key. */
  private void readSuite(String file, MapView r, boolean skipUnknown, List<ExpectationSpec> out) {
    String text;
    try {
      Path p = s.specDir == null ? Path.of(file) : s.specDir.resolve(file); // as map_file: beside the spec
      if (Files.size(p) > SpecLoader.MAX_SPEC_BYTES) {
        r.problem("expectation_suite", file + " is larger than " + SpecLoader.MAX_SPEC_BYTES + " bytes");
        return;
      }
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
    } catch (CharacterCodingException e) {
      r.problem("expectation_suite", file + " is not valid UTF-8 text");
      return;
    } catch (IOException | RuntimeException e) {
      r.problem("expectation_suite", "cannot read the suite " + file + " (" + e + "); the path is relative to the spec's"
          + " folder");
      return;
    }
    SpecNodes suite = new SpecNodes(file);
    try {
      Node root = YamlTree.parse(text.startsWith("\uFEFF") ? text.substring(1) : text);
      MapView m = suite.map(root, "", null);
      if (m != null) {
        if (!m.has("expectation_suite_name") && !m.has("name")) {
          suite.problem("", m.line(), "a GX suite names itself with expectation_suite_name (GX 0.x) or name (GX 1.x)");
        }
        List<Node> items = m.require("expectations") ? m.list("expectations", "expectations") : null;
        for (int i = 0; items != null && i < items.size(); i++) {
          ExpectationSpec e = expectation(suite, items.get(i), SpecNodes.index("expectations", i), skipUnknown);
          if (e != null) {
            out.add(e);
          }
        }
      }
    } catch (YamlTree.YamlSyntaxException e) {
      suite.problem("", e.line, "not JSON: " + e.getMessage());
    }
    for (SpecProblem p : suite.problems()) {
      r.problem("expectation_suite", file + (p.line() > 0 ? " line " + p.line() : "") + (p.path().isEmpty() ? "" : " " + p.path())
          + ": " + p.message());
    }
  }

  private ExpectationSpec expectation(SpecNodes nodes, Node item, String path, boolean skipUnknown) {
    MapView m = nodes.map(item, path, null);
    if (m == null) {
      return null;
    }
    String typeKey = m.has("expectation_type") ? "expectation_type" : "type";
    if (m.has("expectation_type") && m.has("type")) {
      m.problem("type", "give expectation_type (GX 0.x) or type (GX 1.x), not both");
    }
    String typeName = m.require(typeKey) ? m.text(typeKey) : null;
    if (typeName == null) {
      return null;
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    Map<String, Integer> kwargLines = new HashMap<>();
    Map<String, String> kwargPaths = new HashMap<>();
    MapView kw = m.map("kwargs", null);
    if (kw != null) {
      for (Entry e : kw.entries()) {
        kwargs.put(e.key(), value(nodes, e.value(), kw.path(e.key())));
        kwargLines.put(e.key(), e.keyLine());
        kwargPaths.put(e.key(), kw.path(e.key()));
      }
    }
    for (Entry e : m.entries()) {
      if (KEYS.contains(e.key()) || GX_NOTES.contains(e.key())) {
        continue;
      }
      if (kwargs.containsKey(e.key())) {
        m.problem(e.key(), "kwarg \"" + e.key() + "\" is given twice: under kwargs and beside the type");
        continue;
      }
      kwargs.put(e.key(), value(nodes, e.value(), m.path(e.key()))); // GX 1.x: kwargs beside the type
      kwargLines.put(e.key(), e.keyLine());
      kwargPaths.put(e.key(), m.path(e.key()));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    MapView mm = m.map("meta", null);
    if (mm != null) {
      mm.entries().forEach(e -> meta.put(e.key(), value(nodes, e.value(), mm.path(e.key()))));
    }
    boolean warn = severity(m, meta);
    ExpectationType type = ExpectationTypes.named(typeName);
    if (type == null) {
      if (skipUnknown) {
        return new ExpectationSpec(id(m, typeName, kwargs), typeName, kwargs, meta, warn,
            "unknown expectation type (expectations_unknown: skip)");
      }
      m.problem(typeKey, "unknown expectation type \"" + typeName + "\"" + SpecNodes.allowed(typeName, ExpectationTypes.names())
          + "; or set expectations_unknown: skip to report it as skipped");
      return null;
    }
    Kwargs.Problems problems = (k, msg) -> {
      if (k == null) {
        nodes.problem(path, m.line(), msg);
      } else if (!kwargLines.containsKey(k)) {
        nodes.problem(kw != null ? kw.path(k) : m.path(k), kw != null ? kw.line() : m.line(), msg);
      } else {
        nodes.problem(kwargPaths.get(k), kwargLines.get(k), msg);
      }
    };
    boolean ok = new Kwargs(type, kwargs, s.schemaKnown ? s.fieldTypes : null, s.zone, problems).check();
    String id = id(m, type.name(), kwargs);
    return ok ? new ExpectationSpec(id, type.name(), kwargs, meta, warn, null, exactLimit(m, "exact_limit", exactLimit)) : null;
  }

  /** A count of values kept exactly: a whole number of 1 or more. */
  private static long exactLimit(MapView m, String key, long dflt) {
    if (!m.has(key)) {
      return dflt;
    }
    Long n = m.integer(key);
    if (n == null) {
      return dflt; // not a whole number: told already
    }
    if (n < 1) {
      m.problem(key, key + " must be a whole number of 1 or more (values kept exactly before a median or quantile"
          + " is approximated)");
      return dflt;
    }
    return n;
  }

  /** {@code severity} (cauce's warn/error, GX 1.x's critical/warning/info), else {@code meta.severity}. */
  private boolean severity(MapView m, Map<String, Object> meta) {
    String given = m.has("severity") ? m.text("severity") : meta.get("severity") instanceof String t ? t : null;
    if (given == null) {
      return false;
    }
    String v = given.toLowerCase(Locale.ROOT);
    if (!WARN.contains(v) && !ERROR.contains(v)) {
      m.problem(m.has("severity") ? "severity" : "meta", "unknown severity \"" + given + "\"; allowed: warn, error"
          + " (GX's warning, info and critical too)");
    }
    return WARN.contains(v);
  }

  /** The reason code: {@code name} when given, else the type and its column(s); a repeat gets #2, #3... */
  private String id(MapView m, String type, Map<String, Object> kwargs) {
    String base;
    if (m.has("name")) {
      base = m.text("name");
      if (base != null && !RulesReader.RULE_NAME.matcher(base).matches()) {
        m.problem("name", "invalid expectation name \"" + base + "\": must match " + RulesReader.RULE_NAME.pattern());
      } else if (base != null && (s.ruleNames.contains(base) || Reasons.all().contains(base))) {
        m.problem("name", "expectation name \"" + base + "\" is already a rule name or reason code; choose another name");
      }
    } else {
      List<String> cols = new ArrayList<>();
      for (String k : List.of("column", "column_A", "column_B")) {
        if (kwargs.get(k) instanceof String c) {
          cols.add(c);
        }
      }
      boolean keyed = type.contains("compound") || type.contains("multicolumn"); // the table's lists are no key
      if (kwargs.get("column_list") instanceof List<?> l && cols.isEmpty() && keyed) {
        l.forEach(c -> cols.add(String.valueOf(c)));
      }
      base = cols.isEmpty() ? type : type + ":" + String.join(",", cols);
    }
    int n = ids.merge(String.valueOf(base), 1, Integer::sum);
    String id = n == 1 ? base : base + "#" + n;
    s.ruleNames.add(id); // quality.limits may name it
    return id;
  }

  /** A node as JSON values: String, BigDecimal, Boolean, List, Map or null. */
  static Object value(SpecNodes nodes, Node n, String path) {
    if (n instanceof ScalarNode sc) {
      return switch (sc.kind()) {
        case NULL -> null;
        case BOOLEAN -> sc.text().equalsIgnoreCase("true");
        case STRING -> sc.text();
        case INT, FLOAT -> number(nodes, sc, path);
      };
    }
    if (n instanceof ListNode l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.items().size(); i++) {
        out.add(value(nodes, l.items().get(i), SpecNodes.index(path, i)));
      }
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Entry e : ((MapNode) n).entries().values()) {
      out.put(e.key(), value(nodes, e.value(), SpecNodes.child(path, e.key())));
    }
    return out;
  }

  private static BigDecimal number(SpecNodes nodes, ScalarNode sc, String path) {
    try {
      return new BigDecimal(sc.text().replace("_", ""));
    } catch (NumberFormatException e) {
      double d = sc.number().doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        nodes.problem(path, sc.line(), "expected a finite number, got " + sc.text());
        return null;
      }
      return BigDecimal.valueOf(d);
    }
  }
}
