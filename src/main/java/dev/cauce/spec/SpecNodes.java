package dev.cauce.spec;

import dev.cauce.spec.YamlTree.Entry;
import dev.cauce.spec.YamlTree.Kind;
import dev.cauce.spec.YamlTree.ListNode;
import dev.cauce.spec.YamlTree.MapNode;
import dev.cauce.spec.YamlTree.Node;
import dev.cauce.spec.YamlTree.ScalarNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Typed, problem-collecting access to a {@link YamlTree}: every wrong node type, unknown or
 * repeated key and missing required key becomes a {@link SpecProblem}; accessors then return null
 * so that checking can go on. Package-private: used by {@link SpecLoader}.
 */
final class SpecNodes {
  private final String file;
  private final List<SpecProblem> problems = new ArrayList<>();

  SpecNodes(String file) {
    this.file = file;
  }

  List<SpecProblem> problems() {
    return problems;
  }

  void problem(String path, int line, String message) {
    problems.add(new SpecProblem(file, path, line, message));
  }

  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  static boolean isNull(Node n) {
    return n == null || n instanceof ScalarNode s && s.isNull();
  }

  // ---- node-level accessors ------------------------------------------------------------------

  /** A map, or null (with a problem) when {@code n} is something else. */
  MapView map(Node n, String path, Collection<String> allowedKeys) {
    if (n instanceof MapNode m) {
      MapView view = new MapView(m, path);
      for (Entry dup : m.duplicates()) {
        Entry first = m.entries().get(dup.key());
        problem(child(path, dup.key()), dup.keyLine(),
            "duplicate key \"" + dup.key() + "\" (first given at line " + first.keyLine() + ")");
      }
      if (allowedKeys != null) {
        view.checkKeys(allowedKeys, "");
      }
      return view;
    }
    problem(path, n.line(), "expected a map" + keysHint(allowedKeys) + ", got " + n.describe());
    return null;
  }

  private static String keysHint(Collection<String> keys) {
    return keys == null ? "" : " (keys: " + String.join(", ", keys) + ")";
  }

  /** A list's items, or null (with a problem). */
  List<Node> list(Node n, String path, String ofWhat) {
    if (n instanceof ListNode l) {
      return l.items();
    }
    problem(path, n.line(), "expected a list of " + ofWhat + ", got " + n.describe());
    return null;
  }

  /** The text of a non-null scalar (strings, numbers and booleans as written), or null (with a problem). */
  String text(Node n, String path) {
    if (n instanceof ScalarNode s && !s.isNull()) {
      return s.text();
    }
    problem(path, n.line(), "expected a text value, got " + n.describe());
    return null;
  }

  /** A list of texts (each item a scalar), or null when the node is not a list; bad items are left out. */
  List<String> texts(Node n, String path, String ofWhat) {
    List<Node> items = list(n, path, ofWhat);
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String t = text(items.get(i), index(path, i));
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  Boolean bool(Node n, String path) {
    // only true/false (any case) are booleans: the parser leaves YAML 1.1's yes/no/on/off as strings
    if (n instanceof ScalarNode s && s.kind() == Kind.BOOLEAN) {
      return s.text().equalsIgnoreCase("true");
    }
    problem(path, n.line(), "expected true or false, got " + n.describe());
    return null;
  }

  /** A whole number (within long range), or null (with a problem). */
  Long integer(Node n, String path) {
    if (n instanceof ScalarNode s && s.kind() == Kind.INT) {
      Number v = s.number();
      if (v instanceof BigInteger b && b.bitLength() > 63) {
        problem(path, n.line(), "number " + s.text() + " is too large");
        return null;
      }
      return v.longValue();
    }
    problem(path, n.line(), "expected a whole number, got " + n.describe());
    return null;
  }

  /** A number, or null (with a problem). */
  Double number(Node n, String path) {
    if (n instanceof ScalarNode s && (s.kind() == Kind.INT || s.kind() == Kind.FLOAT)) {
      return s.number().doubleValue();
    }
    problem(path, n.line(), "expected a number, got " + n.describe());
    return null;
  }

  /** Levenshtein-close allowed word, for "did you mean" hints; null when none is close. */
  static String closest(String word, Collection<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String a : allowed) {
      int d = distance(word.toLowerCase(Locale.ROOT), a);
      if (d < bestDistance) {
        bestDistance = d;
        best = a;
      }
    }
    return best != null && bestDistance <= Math.max(1, Math.min(2, word.length() / 3)) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** "; allowed: a, b, c" plus a "did you mean" hint when one is close to {@code given}. */
  static String allowed(String given, Collection<String> allowed) {
    String hint = given == null ? null : closest(given, allowed);
    return "; allowed: " + String.join(", ", allowed) + (hint == null ? "" : " (did you mean \"" + hint + "\"?)");
  }

  // ---- map view -------------------------------------------------------------------------------

  /** A map node with its path; keys whose value is YAML null count as absent. */
  final class MapView {
    final MapNode node;
    final String path;

    MapView(MapNode node, String path) {
      this.node = node;
      this.path = path;
    }

    int line() {
      return node.line();
    }

    String path(String key) {
      return child(path, key);
    }

    int line(String key) {
      Entry e = node.entries().get(key);
      return e == null ? node.line() : e.keyLine();
    }

    /** The key's value, or null when absent or null. */
    Node get(String key) {
      Entry e = node.entries().get(key);
      return e == null || isNull(e.value()) ? null : e.value();
    }

    boolean has(String key) {
      return get(key) != null;
    }

    /** Whether the key is written at all (even with an empty value). */
    boolean written(String key) {
      return node.entries().containsKey(key);
    }

    List<Entry> entries() {
      return List.copyOf(node.entries().values());
    }

    /** Reports every key not in {@code allowed}; {@code what} prefixes the message (e.g. "a range rule "). */
    void checkKeys(Collection<String> allowed, String what) {
      for (Entry e : node.entries().values()) {
        if (!allowed.contains(e.key())) {
          problem(path(e.key()), e.keyLine(),
              "unknown key \"" + e.key() + "\"" + (what.isEmpty() ? "" : " for " + what) + allowed(e.key(), allowed));
        }
      }
    }

    /** True when present; otherwise reports it missing. */
    boolean require(String key) {
      if (has(key)) {
        return true;
      }
      problem(path(key), line(), "missing required key \"" + key + "\"" + (written(key) ? " (it has no value)" : ""));
      return false;
    }

    String text(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.text(n, path(key));
    }

    String requiredText(String key) {
      return require(key) ? text(key) : null;
    }

    Boolean bool(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.bool(n, path(key));
    }

    Long integer(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.integer(n, path(key));
    }

    Double number(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.number(n, path(key));
    }

    List<Node> list(String key, String ofWhat) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.list(n, path(key), ofWhat);
    }

    List<String> texts(String key, String ofWhat) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.texts(n, path(key), ofWhat);
    }

    MapView map(String key, Collection<String> allowedKeys) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.map(n, path(key), allowedKeys);
    }
  }
}
