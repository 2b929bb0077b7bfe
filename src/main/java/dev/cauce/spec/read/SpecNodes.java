package dev.cauce.spec.read;

import dev.cauce.spec.read.YamlTree.Entry;
import dev.cauce.spec.read.YamlTree.Kind;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.MapNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Typed, problem-collecting access to a {@link YamlTree}: every wrong node type, unknown or
 * repeated key and missing required key becomes a {@link SpecProblem}; accessors then return null
 * so that checking can go on.
 */
public final class SpecNodes {
  private final String file;
  private final List<SpecProblem> problems = new ArrayList<>();

  public SpecNodes(String file) {
    this.file = file;
  }

  public List<SpecProblem> problems() {
    return problems;
  }

  public void problem(String path, int line, String message) {
    problems.add(new SpecProblem(file, path, line, message));
  }

  public static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  public static boolean isNull(Node n) {
    return n == null || n instanceof ScalarNode s && s.isNull();
  }

  // ---- node-level accessors ------------------------------------------------------------------

  /** A map, or null (with a problem) when {@code n} is something else. */
  public MapView map(Node n, String path, Collection<String> allowedKeys) {
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
  public List<Node> list(Node n, String path, String ofWhat) {
    if (n instanceof ListNode l) {
      return l.items();
    }
    problem(path, n.line(), "expected a list of " + ofWhat + ", got " + n.describe());
    return null;
  }

  /** The text of a non-null scalar (strings, numbers and booleans as written), or null (with a problem). */
  public String text(Node n, String path) {
    if (n instanceof ScalarNode s && !s.isNull()) {
      return s.text();
    }
    problem(path, n.line(), "expected a text value, got " + n.describe());
    return null;
  }

  /** A list of texts (each item a scalar), or null when the node is not a list; bad items are left out. */
  public List<String> texts(Node n, String path, String ofWhat) {
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

  public Boolean bool(Node n, String path) {
    // only true/false (any case) are booleans: the parser leaves YAML 1.1's yes/no/on/off as strings
    if (n instanceof ScalarNode s && s.kind() == Kind.BOOLEAN) {
      return s.text().equalsIgnoreCase("true");
    }
    problem(path, n.line(), "expected true or false, got " + n.describe());
    return null;
  }

  /** A whole number (within long range), or null (with a problem). */
  public Long integer(Node n, String path) {
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
  public Double number(Node n, String path) {
    if (n instanceof ScalarNode s && (s.kind() == Kind.INT || s.kind() == Kind.FLOAT)) {
      return s.number().doubleValue();
    }
    problem(path, n.line(), "expected a number, got " + n.describe());
    return null;
  }

  /** Levenshtein-close allowed word, for "did you mean" hints; null when none is close. */
  public static String closest(String word, Collection<String> allowed) {
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
  public static String allowed(String given, Collection<String> allowed) {
    String hint = given == null ? null : closest(given, allowed);
    return "; allowed: " + String.join(", ", allowed) + (hint == null ? "" : " (did you mean \"" + hint + "\"?)");
  }

  // ---- map view -------------------------------------------------------------------------------

  /** A map node with its path; keys whose value is YAML null count as absent. */
  public final class MapView {
    public final MapNode node;
    public final String path;

    MapView(MapNode node, String path) {
      this.node = node;
      this.path = path;
    }

    public int line() {
      return node.line();
    }

    public String path(String key) {
      return child(path, key);
    }

    public int line(String key) {
      Entry e = node.entries().get(key);
      return e == null ? node.line() : e.keyLine();
    }

    /** The key's value, or null when absent or null. */
    public Node get(String key) {
      Entry e = node.entries().get(key);
      return e == null || isNull(e.value()) ? null : e.value();
    }

    public boolean has(String key) {
      return get(key) != null;
    }

    /** Whether the key is written at all (even with an empty value). */
    public boolean written(String key) {
      return node.entries().containsKey(key);
    }

    public List<Entry> entries() {
      return List.copyOf(node.entries().values());
    }

    /** Reports every key not in {@code allowed}; {@code what} prefixes the message (e.g. "a range rule "). */
    public void checkKeys(Collection<String> allowed, String what) {
      for (Entry e : node.entries().values()) {
        if (!allowed.contains(e.key())) {
          SpecNodes.this.problem(path(e.key()), e.keyLine(),
              "unknown key \"" + e.key() + "\"" + (what.isEmpty() ? "" : " for " + what) + allowed(e.key(), allowed));
        }
      }
    }

    /** True when present; otherwise reports it missing. */
    public boolean require(String key) {
      if (has(key)) {
        return true;
      }
      SpecNodes.this.problem(path(key), line(), "missing required key \"" + key + "\"" + (written(key) ? " (it has no value)" : ""));
      return false;
    }

    public String text(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.text(n, path(key));
    }

    public String requiredText(String key) {
      return require(key) ? text(key) : null;
    }

    public Boolean bool(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.bool(n, path(key));
    }

    public Long integer(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.integer(n, path(key));
    }

    public Double number(String key) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.number(n, path(key));
    }

    public List<Node> list(String key, String ofWhat) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.list(n, path(key), ofWhat);
    }

    public List<String> texts(String key, String ofWhat) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.texts(n, path(key), ofWhat);
    }

    public MapView map(String key, Collection<String> allowedKeys) {
      Node n = get(key);
      return n == null ? null : SpecNodes.this.map(n, path(key), allowedKeys);
    }

    /** Where this map's problems go. */
    public SpecNodes nodes() {
      return SpecNodes.this;
    }

    /** Reports a problem at {@code key} (the map's own line when the key is absent). */
    public void problem(String key, String message) {
      SpecNodes.this.problem(path(key), line(key), message);
    }

    /** The key's text when it is one of {@code allowed}; else null (with a problem naming {@code what}). */
    public String oneOf(String key, List<String> allowed, String what) {
      String v = text(key);
      if (v == null) {
        return null;
      }
      if (!allowed.contains(v)) {
        problem(key, "unknown " + what + " \"" + v + "\"" + allowed(v, allowed));
        return null;
      }
      return v;
    }

    /** The key's boolean, {@code dflt} when absent, null after a problem. */
    public Boolean bool(String key, boolean dflt) {
      return has(key) ? bool(key) : Boolean.valueOf(dflt);
    }

    /** One character; {@code \t} written literally (two characters) also means tab. */
    public Character oneChar(String key) {
      String v = text(key);
      if (v == null) {
        return null;
      }
      if (v.equals("\\t")) {
        return '\t';
      }
      if (v.length() != 1) {
        problem(key, "must be exactly one character, got \"" + v + "\" (" + v.length() + " characters)");
        return null;
      }
      return v.charAt(0);
    }

    /** A whole number from {@code min} to {@code max}, {@code dflt} when absent, null after a problem. */
    public Integer boundedInt(String key, long min, long max, int dflt) {
      Long v = integer(key);
      if (v == null) {
        return has(key) ? null : dflt;
      }
      if (v < min || v > max) {
        problem(key, "must be between " + min + " and " + max + ", got " + v);
        return null;
      }
      return v.intValue();
    }

    /** A number from 0 to 1, or null (absent, or after a problem). */
    public Double ratio(String key) {
      Double v = number(key);
      if (v != null && !(v >= 0 && v <= 1)) {
        problem(key, "must be a ratio between 0 and 1, got " + text(key));
        return null;
      }
      return v;
    }

    /** A whole number of 0 or more, or null (absent, or after a problem). */
    public Long nonNegative(String key) {
      Long v = integer(key);
      if (v != null && v < 0) {
        problem(key, "must be 0 or more, got " + v);
        return null;
      }
      return v;
    }
  }
}
