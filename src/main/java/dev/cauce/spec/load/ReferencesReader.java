package dev.cauce.spec.load;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.LookupSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.ReferenceSpec;
import dev.cauce.spec.ReferenceSpec.Format;
import dev.cauce.spec.ReferenceSpec.OnDuplicate;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.validate.rules.InReferenceRule;
import dev.cauce.validate.rules.ReferenceKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code references} (the tables rules and lookups use) and each schema field's {@code lookup};
 * after the rules, settles each reference's key types from its uses ({@link #keyTypes}). What a
 * reference's file or query holds (its header) is checked by the plan, which reads it.
 */
final class ReferencesReader {
  static final List<String> KEYS = List.of("name", "path", "format", "query", "key", "on_duplicate", "max_rows", "max_bytes");
  static final List<String> LOOKUP_KEYS = List.of("reference", "on", "column", "on_missing");
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  /** A query must read: it starts with SELECT, WITH, TABLE or VALUES (and runs in a read-only transaction). */
  static final Pattern READING_QUERY = Pattern.compile("(?is)\\s*(select|with|table|values)\\b.*");

  private final SpecReading s;

  ReferencesReader(SpecReading s) {
    this.s = s;
  }

  List<ReferenceSpec> read(MapView r) {
    List<ReferenceSpec> refs = new ArrayList<>();
    List<Node> items = r.list("references", "references ({name, path or query, key})");
    if (items == null) {
      s.referencesKnown = !r.has("references"); // present but not a list: reported, names not checked
      return refs;
    }
    for (int i = 0; i < items.size(); i++) {
      String path = SpecNodes.index("references", i);
      MapView m = s.nodes.map(items.get(i), path, KEYS);
      ReferenceSpec ref = m == null ? null : reference(m);
      if (ref != null) {
        refs.add(ref);
      } else {
        s.referencesKnown = false;
      }
    }
    return refs;
  }

  private ReferenceSpec reference(MapView m) {
    String name = m.requiredText("name");
    boolean ok = name != null;
    if (name != null && !NAME.matcher(name).matches()) {
      m.problem("name", "invalid reference name \"" + name + "\": must match " + NAME.pattern());
      ok = false;
    }
    if (name != null && s.referencePaths.containsKey(name)) {
      m.problem("name", "duplicate reference name \"" + name + "\" (also " + s.referencePaths.get(name) + ")");
      ok = false;
    } else if (name != null) {
      s.referencePaths.put(name, m.path);
    }
    String path = m.text("path");
    String query = m.text("query");
    if (path == null && query == null) {
      m.problem("path", "a reference needs a path (a CSV or JSONL file) or a query (PostgreSQL)");
      ok = false;
    } else if (path != null && query != null) {
      m.problem("query", "give a path or a query, not both");
      ok = false;
    }
    if (path != null && path.isBlank()) {
      m.problem("path", "must not be empty");
      ok = false;
    }
    if (query != null && !READING_QUERY.matcher(query).matches()) {
      m.problem("query", "must be a query that reads (starting with SELECT, WITH, TABLE or VALUES)");
      ok = false;
    }
    Format format = format(m, path, query);
    List<String> key = null;
    if (m.require("key")) {
      key = m.texts("key", "key columns");
      if (key != null && key.isEmpty()) {
        m.problem("key", "needs at least one column");
        key = null;
      } else if (key != null && new HashSet<>(key).size() != key.size()) {
        m.problem("key", "lists a column twice: " + key);
        key = null;
      }
    }
    String dup = m.has("on_duplicate") ? m.oneOf("on_duplicate", List.of("first", "error"), "on_duplicate policy") : "first";
    Integer maxRows = m.boundedInt("max_rows", 1, ReferenceSpec.MAX_ROWS_LIMIT, (int) ReferenceSpec.DEFAULT_MAX_ROWS);
    Integer maxBytes = m.boundedInt("max_bytes", 1, ReferenceSpec.MAX_BYTES_LIMIT, (int) ReferenceSpec.DEFAULT_MAX_BYTES);
    if (!ok || key == null || dup == null || maxRows == null || maxBytes == null || path != null && format == null) {
      return null;
    }
    ReferenceSpec ref = new ReferenceSpec(name, path, format, query, key, OnDuplicate.valueOf(dup.toUpperCase(Locale.ROOT)),
        maxRows, maxBytes, null, null);
    s.references.put(name, ref);
    s.referenceLines.put(name, m.line());
    return ref;
  }

  /** {@code format}, else by the path's extension (.csv; .jsonl, .ndjson, .json); null for a query. */
  private static Format format(MapView m, String path, String query) {
    if (m.has("format")) {
      String f = m.oneOf("format", List.of("csv", "jsonl"), "reference format");
      if (query != null && f != null) {
        m.problem("format", "a query's rows have no file format: remove format");
      }
      return f == null ? null : Format.valueOf(f.toUpperCase(Locale.ROOT));
    }
    if (path == null) {
      return null;
    }
    String p = path.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
    if (p.endsWith(".csv")) {
      return Format.CSV;
    }
    if (p.endsWith(".jsonl") || p.endsWith(".ndjson") || p.endsWith(".json")) {
      return Format.JSONL;
    }
    m.problem("path", "cannot tell the format of " + path + " from its extension: add format: csv or format: jsonl");
    return null;
  }

  /**
   * A schema field's {@code lookup} ({@code on} is checked once the whole schema is known, {@link
   * #checkLookups}); null when absent or after a problem.
   */
  LookupSpec lookup(MapView f, String field) {
    if (!f.written("lookup")) {
      return null;
    }
    MapView m = f.map("lookup", LOOKUP_KEYS);
    if (m == null) {
      if (!f.has("lookup")) {
        f.problem("lookup", "expected a map {reference, on, column, on_missing}");
      }
      return null;
    }
    String reference = m.requiredText("reference");
    ReferenceSpec ref = reference == null ? null : checkName(reference, m.path("reference"), m.line("reference"));
    List<String> on = m.require("on") ? m.texts("on", "fields") : null;
    String column = m.has("column") ? m.text("column") : field;
    String missing = m.has("on_missing") ? m.oneOf("on_missing", List.of("null", "reject"), "on_missing policy") : "null";
    if (on != null && on.isEmpty()) {
      m.problem("on", "needs at least one field");
      return null;
    }
    String arity = ref == null || on == null ? null : ReferenceSpec.arityProblem(on.size(), ref.name(), ref.key());
    if (arity != null) {
      m.problem("on", arity);
      return null;
    }
    if (ref != null && column != null && ref.key().contains(column)) {
      m.problem("column", "\"" + column + "\" is a key column of reference " + ref.name() + ": it equals the record's "
          + String.join(", ", on == null ? List.of() : on) + " already");
    }
    return reference == null || on == null || column == null || missing == null ? null
        : new LookupSpec(reference, on, column, missing.equals("reject"));
  }

  /** The reference named, or null (with a problem when the references were read without problems). */
  ReferenceSpec checkName(String name, String path, int line) {
    ReferenceSpec ref = s.references.get(name);
    if (ref == null && s.referencesKnown) {
      s.problem(path, line, ReferenceSpec.unknown(name, s.references.keySet()));
    }
    return ref;
  }

  /**
   * Each lookup's {@code on} fields: schema fields read from the source or derived (a looked-up
   * field is set after them), with types a key can compare.
   */
  void checkLookups(List<FieldSpec> fields, List<MapView> views) {
    Set<String> lookedUp = new HashSet<>();
    fields.stream().filter(f -> f.lookup() != null).forEach(f -> lookedUp.add(f.name()));
    for (int i = 0; i < fields.size(); i++) {
      FieldSpec f = fields.get(i);
      if (f.lookup() == null) {
        continue;
      }
      String path = SpecNodes.child(views.get(i).path("lookup"), "on");
      int line = views.get(i).line("lookup");
      List<String> on = f.lookup().on();
      for (int j = 0; j < on.size(); j++) {
        String p = SpecNodes.index(path, j);
        if (s.checkField(on.get(j), p, line) && lookedUp.contains(on.get(j))) {
          s.problem(p, line, "\"" + on.get(j) + "\" is looked up too; a lookup is on fields read or derived");
        }
      }
    }
  }

  /**
   * The references with their key types: the types of the fields each use compares the key with
   * (every use must compare a column as the same kind: text, number, date, timestamp or boolean).
   */
  List<ReferenceSpec> keyTypes(List<ReferenceSpec> refs, List<FieldSpec> schema, List<RuleSpec> rules) {
    Map<String, List<String>> uses = new LinkedHashMap<>(); // reference -> the fields of each use, described
    Map<String, List<FieldType>> types = new LinkedHashMap<>();
    List<ReferenceSpec> out = new ArrayList<>();
    for (FieldSpec f : schema) {
      if (f.lookup() != null) {
        use(f.lookup().reference(), f.lookup().on(), "the lookup of field " + f.name(), uses, types);
      }
    }
    for (RuleSpec r : rules) {
      if (r instanceof InReferenceRule in) {
        use(in.reference(), in.fields(), "rule " + in.name(), uses, types);
      }
    }
    for (ReferenceSpec ref : refs) {
      List<FieldType> t = types.get(ref.name());
      out.add(t == null || t.contains(null) ? ref : ref.withKeyTypes(t));
    }
    return out;
  }

  private void use(String reference, List<String> fields, String what, Map<String, List<String>> uses,
      Map<String, List<FieldType>> types) {
    ReferenceSpec ref = s.references.get(reference);
    if (ref == null || fields.size() != ref.key().size()) {
      return;
    }
    List<FieldType> t = fields.stream().map(s.fieldTypes::get).toList();
    List<FieldType> first = types.putIfAbsent(reference, t);
    String described = what + " (" + describe(fields, t) + ")";
    if (first != null && !t.contains(null) && !first.contains(null)) {
      for (int i = 0; i < t.size(); i++) {
        if (!ReferenceKeys.kind(t.get(i)).equals(ReferenceKeys.kind(first.get(i)))) {
          s.problem(SpecNodes.child(s.referencePaths.get(reference), "key"), s.referenceLines.get(reference),
              "key column " + ref.key().get(i) + " is compared as " + ReferenceKeys.kind(first.get(i)) + " by "
                  + uses.get(reference).get(0) + " and as " + ReferenceKeys.kind(t.get(i)) + " by " + described
                  + "; every use must compare a key column as the same kind");
          break;
        }
      }
    }
    uses.computeIfAbsent(reference, k -> new ArrayList<>()).add(described);
  }

  private static String describe(List<String> fields, List<FieldType> types) {
    List<String> d = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      d.add(fields.get(i) + " " + (types.get(i) == null ? "?" : types.get(i).specName()));
    }
    return String.join(", ", d);
  }
}
