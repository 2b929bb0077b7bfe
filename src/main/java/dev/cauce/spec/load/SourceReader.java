package dev.cauce.spec.load;

import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.HeaderPolicy;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec.DuplicateKeys;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code source}: files (path, format, CSV dialect) or an HTTP API ({@link HttpSpecReader}). */
final class SourceReader {
  static final List<String> SOURCE_KEYS = List.of("type", "path", "format", "csv", "duplicate_keys", "http");
  static final List<String> FILE_SOURCE_KEYS = List.of("type", "path", "format", "csv", "duplicate_keys");
  static final List<String> HTTP_SOURCE_KEYS = List.of("type", "format", "duplicate_keys", "http");
  static final List<String> CSV_KEYS = List.of("delimiter", "quote", "header", "columns", "max_quoted_lines", "max_quoted_bytes",
      "missing_columns", "extra_columns", "column_order");
  /** The most a record spanning lines may be bounded to: its bytes are held to scan them again when cut. */
  static final long MAX_QUOTED_LINES = 10_000_000;
  static final long MAX_QUOTED_BYTES = 256L << 20;
  private static final List<String> SOURCE_FORMATS = List.of("jsonl", "csv");
  private static final List<String> SOURCE_TYPES = List.of("file", "http");
  private static final List<String> DUPLICATE_KEYS = List.of("reject", "first", "last");

  private final SpecReading s;

  SourceReader(SpecReading s) {
    this.s = s;
  }

  SourceSpec read(MapView r) {
    if (!r.require("source")) {
      return null;
    }
    MapView m = r.map("source", SOURCE_KEYS);
    if (m == null) {
      return null;
    }
    String type = m.has("type") ? m.oneOf("type", SOURCE_TYPES, "source type") : "file";
    if (type == null) {
      return null;
    }
    if (type.equals("http")) {
      return http(m);
    }
    if (m.written("http")) {
      m.problem("http", "http is only used with type: http; keys for a file source: " + String.join(", ", FILE_SOURCE_KEYS));
    }
    String path = m.requiredText("path");
    if (path != null && path.isBlank()) {
      m.problem("path", "must not be empty");
    }
    SourceSpec.Format format = null;
    if (m.require("format")) {
      format = SpecReading.enumOf(SourceSpec.Format.class, m.oneOf("format", SOURCE_FORMATS, "format"));
    }
    CsvSpec csv = CsvSpec.DEFAULT;
    if (m.has("csv")) {
      if (format == SourceSpec.Format.JSONL) {
        m.problem("csv", "csv options are only allowed with format: csv");
      }
      csv = csv(m.map("csv", CSV_KEYS));
    }
    if (format == SourceSpec.Format.CSV && m.written("duplicate_keys")) {
      m.problem("duplicate_keys", "duplicate_keys is only used with JSON records (format: jsonl, or type: http)");
    }
    return new SourceSpec(path, format, csv).withDuplicateKeys(duplicateKeys(m));
  }

  /** {@code duplicate_keys}: reject (default) | first | last. */
  private static DuplicateKeys duplicateKeys(MapView m) {
    return m.has("duplicate_keys")
        ? SpecReading.enumOf(DuplicateKeys.class, m.oneOf("duplicate_keys", DUPLICATE_KEYS, "duplicate_keys policy"))
        : DuplicateKeys.REJECT;
  }

  /** {@code type: http}: JSON records from an API, configured under {@code http}. */
  private SourceSpec http(MapView m) {
    for (String key : List.of("path", "csv")) {
      if (m.written(key)) {
        m.problem(key, key + " is only used with type: file; keys for an http source: "
            + String.join(", ", HTTP_SOURCE_KEYS) + " (the API is configured under source.http)");
      }
    }
    if (m.has("format")) {
      String f = m.oneOf("format", SOURCE_FORMATS, "format");
      if (f != null && !f.equals("jsonl")) {
        m.problem("format", "an http source reads JSON records (each a JSON object): format must be jsonl, or left out");
      }
    }
    if (!m.require("http")) {
      return null;
    }
    HttpSourceSpec http = new HttpSpecReader(s.nodes).read(m.map("http", HttpSpecReader.HTTP_KEYS));
    return http == null ? null : SourceSpec.http(http).withDuplicateKeys(duplicateKeys(m));
  }

  private CsvSpec csv(MapView c) {
    if (c == null) {
      return null;
    }
    Character delimiter = c.has("delimiter") ? c.oneChar("delimiter") : Character.valueOf(CsvSpec.DEFAULT.delimiter());
    Character quote = c.has("quote") ? c.oneChar("quote") : Character.valueOf(CsvSpec.DEFAULT.quote());
    for (String key : List.of("delimiter", "quote")) {
      Character ch = key.equals("delimiter") ? delimiter : quote;
      if (ch != null && c.has(key) && (ch == '\n' || ch == '\r')) {
        c.problem(key, "a line break cannot be the " + key);
      }
    }
    if (delimiter != null && quote != null && delimiter.charValue() == quote.charValue()) {
      c.problem(c.has("quote") ? "quote" : "delimiter", "the delimiter and the quote must differ (both \"" + show(quote) + "\")");
    }
    Boolean header = c.bool("header", CsvSpec.DEFAULT.header());
    List<String> columns = List.of();
    if (c.written("columns")) {
      if (Boolean.TRUE.equals(header)) {
        c.problem("columns", "columns are only used with header: false (with a header, columns are matched to fields by name)");
      }
      List<String> given = c.has("columns") ? c.texts("columns", "column names (schema fields)") : null;
      if (given != null) {
        columns = checkColumns(c, given);
      }
    }
    if (Boolean.FALSE.equals(header) && columns.isEmpty()) {
      columns = s.fieldTypes.keySet().stream().filter(f -> !s.derivedFields.contains(f)).toList();
    }
    Integer maxLines = c.boundedInt("max_quoted_lines", 1, MAX_QUOTED_LINES, CsvSpec.DEFAULT_MAX_QUOTED_LINES);
    Integer maxBytes = c.boundedInt("max_quoted_bytes", 1, MAX_QUOTED_BYTES, CsvSpec.DEFAULT_MAX_QUOTED_BYTES);
    HeaderPolicy headers = headerPolicy(c, header);
    if (delimiter == null || quote == null || header == null || maxLines == null || maxBytes == null || headers == null) {
      return null;
    }
    return new CsvSpec(delimiter, quote, header, columns, maxLines, maxBytes, headers);
  }

  /** missing_columns (refuse | fill), extra_columns (ignore | refuse), column_order (any | strict); null after a problem. */
  private static HeaderPolicy headerPolicy(MapView c, Boolean header) {
    List<String> keys = List.of("missing_columns", "extra_columns", "column_order");
    String missing = c.has(keys.get(0)) ? c.oneOf(keys.get(0), List.of("refuse", "fill"), "missing_columns policy") : "refuse";
    String extra = c.has(keys.get(1)) ? c.oneOf(keys.get(1), List.of("ignore", "refuse"), "extra_columns policy") : "ignore";
    String order = c.has(keys.get(2)) ? c.oneOf(keys.get(2), List.of("any", "strict"), "column_order policy") : "any";
    if (Boolean.FALSE.equals(header)) {
      keys.stream().filter(c::written).findFirst().ifPresent(k ->
          c.problem(k, "missing_columns, extra_columns and column_order are only used with header: true (they check the header line)"));
    }
    return missing == null || extra == null || order == null ? null
        : new HeaderPolicy(missing.equals("fill"), extra.equals("refuse"), order.equals("strict"));
  }

  private List<String> checkColumns(MapView c, List<String> given) {
    String path = c.path("columns");
    List<Node> items = ((ListNode) c.get("columns")).items();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof ScalarNode n) || n.isNull()) {
        continue;
      }
      String col = n.text();
      String p = SpecNodes.index(path, i);
      if (s.checkField(col, p, n.line()) && s.derivedFields.contains(col)) {
        s.problem(p, n.line(), "\"" + col + "\" is derived (computed after cleaning), not read from a column");
      }
      Integer first = seen.putIfAbsent(col, i);
      if (first != null) {
        s.problem(p, n.line(), "column \"" + col + "\" is listed twice (also " + SpecNodes.index(path, first) + ")");
      }
    }
    if (!given.isEmpty()) {
      for (String req : s.requiredFields) {
        if (!given.contains(req)) {
          c.problem("columns", "required field \"" + req + "\" is not among the columns: every record would be rejected");
        }
      }
    }
    return given;
  }

  private static String show(char c) {
    return switch (c) {
      case '\t' -> "\\t";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      default -> String.valueOf(c);
    };
  }
}
