package dev.cauce.spec;

import dev.cauce.clean.TypedValues;
import dev.cauce.core.Reasons;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CleanStep;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleLimit;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec.RuleType;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.spec.SpecNodes.MapView;
import dev.cauce.spec.YamlTree.Entry;
import dev.cauce.spec.YamlTree.MapNode;
import dev.cauce.spec.YamlTree.Node;
import dev.cauce.spec.YamlTree.ScalarNode;
import dev.cauce.validate.Expressions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.jexl3.JexlScript;

/**
 * Reads a pipeline spec ({@code pipelines/<name>.yaml}, see the README's spec reference) into an
 * immutable {@link PipelineSpec}, applying the documented defaults, after checking it completely:
 * unknown keys, missing keys, wrong value types, unknown enum values, names, CSV dialect, fields
 * that cleaning, rules, dedupe or CSV columns name but the schema lacks, regexes, date formats,
 * defaults and bounds that do not convert to their field's type, expressions, and quality limits.
 * Every problem is collected, each with its path and line, and thrown together in one {@link
 * SpecException}.
 */
public final class SpecLoader {
  private SpecLoader() {}

  /** Reads and checks the spec in {@code file}. */
  public static PipelineSpec load(Path file) {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw fileProblem(name, "is a directory, not a spec file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw fileProblem(name, "file not found");
    } catch (IOException | SecurityException e) {
      throw fileProblem(name, "cannot be read: " + e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw fileProblem(name, "is not valid UTF-8 text");
    }
    return parse(text, name, file.toAbsolutePath().getParent());
  }

  /** Checks the spec text {@code yamlText}; {@code fileName} names it in problems. */
  public static PipelineSpec parse(String yamlText, String fileName) {
    return parse(yamlText, fileName, null);
  }

  /**
   * Checks the spec text; {@code specDir}, when not null, is the folder of pipeline specs that
   * {@code depends_on} names must be found in (as {@code <name>.yaml}).
   */
  static PipelineSpec parse(String yamlText, String fileName, Path specDir) {
    Node root;
    try {
      root = YamlTree.parse(yamlText.startsWith("\uFEFF") ? yamlText.substring(1) : yamlText);
    } catch (YamlTree.YamlSyntaxException e) {
      throw new SpecException(new SpecProblem(fileName, FILE, e.line, e.getMessage()));
    }
    return new Builder(fileName, specDir).build(root);
  }

  private static SpecException fileProblem(String file, String message) {
    return new SpecException(new SpecProblem(file, FILE, 0, message));
  }

  static final String FILE = "(file)";

  // ---- the contract's keys and names ------------------------------------------------------------

  static final List<String> ROOT_KEYS = List.of(
      "name", "description", "source", "schema", "clean", "validate", "dedupe", "output", "sinks",
      "dead_letter", "quality", "depends_on");
  static final List<String> SOURCE_KEYS = List.of("type", "path", "format", "csv", "http");
  static final List<String> FILE_SOURCE_KEYS = List.of("type", "path", "format", "csv");
  static final List<String> HTTP_SOURCE_KEYS = List.of("type", "format", "http");
  static final List<String> CSV_KEYS = List.of("delimiter", "quote", "header", "columns");
  static final List<String> FIELD_KEYS = List.of("name", "type", "required");
  static final List<String> CLEAN_KEYS = List.of("all", "null_tokens", "timezone", "fields");
  static final List<String> FIELD_CLEANING_KEYS = List.of("steps", "default", "grouping", "decimal", "formats");
  static final List<String> REPLACE_KEYS = List.of("pattern", "with");
  static final List<String> RULE_COMMON_KEYS = List.of("name", "rule", "severity", "message");
  static final List<String> RULE_KEYS = List.of(
      "name", "rule", "field", "min", "max", "min_inclusive", "max_inclusive", "pattern", "values",
      "ignore_case", "expr", "severity", "message");
  static final List<String> DEDUPE_KEYS = List.of("key", "keep", "order_by", "buckets");
  static final List<String> SINK_KEYS = List.of("name", "type", "format", "shards", "mode");
  static final List<String> SINK_TYPES = List.of("file", "jdbc");
  static final List<String> DEAD_LETTER_KEYS = List.of("name", "format", "mode", "table", "create", "batch_size", "retries", "breaker");
  static final List<String> QUALITY_KEYS = List.of("max_rejected_ratio", "min_records", "limits");
  static final List<String> LIMIT_KEYS = List.of("max_ratio", "max_count");

  /** The keys each rule type takes besides name, rule, severity and message. */
  static final Map<RuleType, List<String>> RULE_TYPE_KEYS = Map.of(
      RuleType.NOT_NULL, List.of("field"),
      RuleType.RANGE, List.of("field", "min", "max", "min_inclusive", "max_inclusive"),
      RuleType.LENGTH, List.of("field", "min", "max"),
      RuleType.REGEX, List.of("field", "pattern", "ignore_case"),
      RuleType.IN, List.of("field", "values", "ignore_case"),
      RuleType.EXPRESSION, List.of("expr"));

  static final Pattern SPEC_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern RULE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  static final Pattern SINK_NAME = Pattern.compile("[a-z0-9_-]+");

  static final String REQUIRED_SUFFIX = "_required";
  static final int MAX_BUCKETS = 4096;

  private static final List<String> SOURCE_FORMATS = List.of("jsonl", "csv");
  private static final List<String> SOURCE_TYPES = List.of("file", "http");
  private static final List<String> SINK_FORMATS = names(SinkFormat.values());
  private static final List<String> DEAD_LETTER_FORMATS = List.of("jsonl", "csv");
  private static final List<String> WRITE_MODES = names(WriteMode.values());
  private static final List<String> SEVERITIES = names(Severity.values());
  private static final List<String> KEEPS = names(DedupeSpec.Keep.values());
  private static final List<String> RULE_TYPES =
      Arrays.stream(RuleType.values()).map(RuleType::specName).toList();
  private static final List<String> STEP_NAMES =
      Arrays.stream(CleanStep.Op.values()).map(CleanStep.Op::specName).toList();
  private static final Set<CleanStep.Op> SIMPLE_STEPS = Set.of(
      CleanStep.Op.TRIM, CleanStep.Op.COLLAPSE_WHITESPACE, CleanStep.Op.LOWER, CleanStep.Op.UPPER);

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).toList();
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String specName) {
    return Enum.valueOf(type, specName.toUpperCase(java.util.Locale.ROOT));
  }

  // ---- the checking builder ---------------------------------------------------------------------

  /** One spec's reading: collects problems while building the model. */
  private static final class Builder {
    private final String file;
    private final SpecNodes nodes;

    /** Declared field names (first occurrence) → type (null when the type is invalid). */
    private final Map<String, FieldType> fieldTypes = new LinkedHashMap<>();
    private final Set<String> requiredFields = new LinkedHashSet<>();
    /** False when the schema is missing or not a list: field references are then not checked. */
    private boolean schemaKnown;
    private final Set<String> ruleNames = new LinkedHashSet<>();
    private ZoneId zone = ZoneOffset.UTC;
    private JdbcSpecReader jdbcReader;

    private final Path specDir;

    Builder(String file, Path specDir) {
      this.file = file;
      this.specDir = specDir;
      this.nodes = new SpecNodes(file);
    }

    private void problem(String path, int line, String message) {
      nodes.problem(path, line, message);
    }

    /** The reader of jdbc sinks and the dead letter's table (after the schema is read). */
    private JdbcSpecReader jdbc() {
      if (jdbcReader == null) {
        jdbcReader = new JdbcSpecReader(nodes, fieldTypes, requiredFields, schemaKnown);
      }
      return jdbcReader;
    }

    PipelineSpec build(Node root) {
      if (!(root instanceof MapNode)) {
        problem(FILE, root.line(), "a spec is a map with the keys " + String.join(", ", ROOT_KEYS)
            + "; got " + root.describe());
        throw done();
      }
      MapView r = nodes.map(root, "", ROOT_KEYS);

      String name = r.requiredText("name");
      if (name != null && !SPEC_NAME.matcher(name).matches()) {
        problem("name", r.line("name"), "invalid name \"" + name + "\": must match " + SPEC_NAME.pattern());
      }
      String description = r.text("description");

      List<FieldSpec> schema = readSchema(r);
      SourceSpec source = readSource(r);
      CleanSpec clean = readClean(r);
      List<RuleSpec> rules = readRules(r);
      DedupeSpec dedupe = readDedupe(r);

      String output = r.text("output");
      if (output != null && output.isBlank()) {
        problem("output", r.line("output"), "must not be empty");
      }
      if (output == null) {
        output = "out/" + name;
      }
      DeadLetterSpec deadLetter = readDeadLetter(r);
      List<SinkSpec> sinks = readSinks(r, name, deadLetter);
      QualitySpec quality = readQuality(r);
      List<String> dependsOn = readDependsOn(r, name);

      if (!nodes.problems().isEmpty()) {
        throw done();
      }
      return new PipelineSpec(
          name, description, source, schema, clean, rules, dedupe, output, sinks, deadLetter, quality, dependsOn);
    }

    private SpecException done() {
      List<SpecProblem> sorted = new ArrayList<>(nodes.problems());
      sorted.sort(Comparator.comparingInt(SpecProblem::line)); // stable: same-line problems keep their order
      return new SpecException(file, sorted);
    }

    // ---- helpers ----

    /** An enum value from its spec name, or null (with a problem listing the allowed names). */
    private String oneOf(MapView m, String key, List<String> allowed, String what) {
      String v = m.text(key);
      if (v == null) {
        return null;
      }
      if (!allowed.contains(v)) {
        problem(m.path(key), m.line(key), "unknown " + what + " \"" + v + "\"" + SpecNodes.allowed(v, allowed));
        return null;
      }
      return v;
    }

    /** Whether {@code field} is declared; otherwise reports it (when the schema is known). */
    private boolean checkField(String field, String path, int line) {
      if (fieldTypes.containsKey(field)) {
        return true;
      }
      if (schemaKnown) {
        problem(path, line, "\"" + field + "\" is not a schema field; schema fields: " + schemaFields());
      }
      return false;
    }

    private String schemaFields() {
      return String.join(", ", fieldTypes.keySet());
    }

    private static String typeName(FieldType t) {
      return t.specName();
    }

    /** One character; {@code \t} written literally (two characters) also means tab. */
    private Character oneChar(MapView m, String key) {
      String v = m.text(key);
      if (v == null) {
        return null;
      }
      if (v.equals("\\t")) {
        return '\t';
      }
      if (v.length() != 1) {
        problem(m.path(key), m.line(key), "must be exactly one character, got \"" + v + "\" (" + v.length()
            + " characters)");
        return null;
      }
      return v.charAt(0);
    }

    private static String show(char c) {
      return switch (c) {
        case '\t' -> "\\t";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        default -> String.valueOf(c);
      };
    }

    private void checkRegex(String regex, String path, int line) {
      String p = SpecValues.regexProblem(regex);
      if (p != null) {
        problem(path, line, p);
      }
    }

    private Integer boundedInt(MapView m, String key, long min, long max, int dflt) {
      Long v = m.integer(key);
      if (v == null) {
        return m.has(key) ? null : dflt;
      }
      if (v < min || v > max) {
        problem(m.path(key), m.line(key), "must be between " + min + " and " + max + ", got " + v);
        return null;
      }
      return v.intValue();
    }

    private Double ratio(MapView m, String key) {
      Double v = m.number(key);
      if (v != null && !(v >= 0 && v <= 1)) {
        problem(m.path(key), m.line(key), "must be a ratio between 0 and 1, got " + m.text(key));
        return null;
      }
      return v;
    }

    private Long nonNegative(MapView m, String key) {
      Long v = m.integer(key);
      if (v != null && v < 0) {
        problem(m.path(key), m.line(key), "must be 0 or more, got " + v);
        return null;
      }
      return v;
    }

    // ---- depends_on ----

    /**
     * Names of pipelines that must run before this one: valid names, not this one, no repeats, and
     * (when the spec was read from a file) each with a spec {@code <name>.yaml} beside this one.
     * Cycles among specs are found by {@code orchestrate.Dependencies}, which sees them all.
     */
    private List<String> readDependsOn(MapView r, String self) {
      List<String> names = new ArrayList<>();
      if (!r.has("depends_on")) {
        return names;
      }
      List<String> given = r.texts("depends_on", "pipeline names");
      if (given == null) {
        return names;
      }
      List<String> known = specDir == null ? null : pipelineNames(specDir);
      for (int i = 0; i < given.size(); i++) {
        String dep = given.get(i);
        String path = SpecNodes.index("depends_on", i);
        int line = r.line("depends_on");
        if (!SPEC_NAME.matcher(dep).matches()) {
          problem(path, line, "invalid pipeline name \"" + dep + "\": must match " + SPEC_NAME.pattern());
        } else if (dep.equals(self)) {
          problem(path, line, "a pipeline cannot depend on itself (\"" + dep + "\")");
        } else if (names.contains(dep)) {
          problem(path, line, "\"" + dep + "\" is listed twice");
        } else if (known != null && !known.contains(dep)) {
          problem(path, line, "unknown pipeline \"" + dep + "\": no " + dep + ".yaml in " + specDir
              + SpecNodes.allowed(dep, known));
        } else {
          names.add(dep);
        }
      }
      return names;
    }

    private static List<String> pipelineNames(Path dir) {
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
            .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
      } catch (IOException e) {
        return null;
      }
    }

    // ---- schema ----

    private List<FieldSpec> readSchema(MapView r) {
      List<FieldSpec> fields = new ArrayList<>();
      if (!r.require("schema")) {
        return fields;
      }
      List<Node> items = r.list("schema", "fields ({name, type, required})");
      if (items == null) {
        return fields;
      }
      schemaKnown = true;
      if (items.isEmpty()) {
        problem("schema", r.line("schema"), "needs at least one field");
      }
      Map<String, String> seen = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        String path = SpecNodes.index("schema", i);
        MapView f = nodes.map(items.get(i), path, FIELD_KEYS);
        if (f == null) {
          continue;
        }
        String name = f.requiredText("name");
        if (name != null) {
          if (!FIELD_NAME.matcher(name).matches()) {
            problem(f.path("name"), f.line("name"),
                "invalid field name \"" + name + "\": must match " + FIELD_NAME.pattern());
          }
          String first = seen.putIfAbsent(name, path);
          if (first != null) {
            problem(f.path("name"), f.line("name"), "duplicate field name \"" + name + "\" (also " + first + ")");
            name = null;
          }
        }
        FieldType type = null;
        String typeText = f.requiredText("type");
        if (typeText != null) {
          type = FieldType.fromSpec(typeText);
          if (type == null) {
            problem(f.path("type"), f.line("type"), "unknown type \"" + typeText + "\"; allowed: " + FieldType.allowed());
          }
        }
        Boolean required = f.bool("required");
        if (name != null) {
          fieldTypes.put(name, type);
          if (Boolean.TRUE.equals(required)) {
            requiredFields.add(name);
          }
          if (type != null) {
            fields.add(new FieldSpec(name, type, Boolean.TRUE.equals(required)));
          }
        }
      }
      return fields;
    }

    // ---- source ----

    private SourceSpec readSource(MapView r) {
      if (!r.require("source")) {
        return null;
      }
      MapView s = r.map("source", SOURCE_KEYS);
      if (s == null) {
        return null;
      }
      String type = s.has("type") ? oneOf(s, "type", SOURCE_TYPES, "source type") : "file";
      if (type == null) {
        return null;
      }
      if (type.equals("http")) {
        return readHttpSource(s);
      }
      if (s.written("http")) {
        problem(s.path("http"), s.line("http"), "http is only used with type: http; keys for a file source: "
            + String.join(", ", FILE_SOURCE_KEYS));
      }
      String path = s.requiredText("path");
      if (path != null && path.isBlank()) {
        problem(s.path("path"), s.line("path"), "must not be empty");
      }
      SourceSpec.Format format = null;
      if (s.require("format")) {
        String f = oneOf(s, "format", SOURCE_FORMATS, "format");
        format = f == null ? null : enumOf(SourceSpec.Format.class, f);
      }
      CsvSpec csv = CsvSpec.DEFAULT;
      if (s.has("csv")) {
        if (format == SourceSpec.Format.JSONL) {
          problem(s.path("csv"), s.line("csv"), "csv options are only allowed with format: csv");
        }
        csv = readCsv(s.map("csv", CSV_KEYS));
      }
      return new SourceSpec(path, format, csv);
    }

    /** {@code type: http}: JSON records from an API, configured under {@code http}. */
    private SourceSpec readHttpSource(MapView s) {
      for (String key : List.of("path", "csv")) {
        if (s.written(key)) {
          problem(s.path(key), s.line(key), key + " is only used with type: file; keys for an http source: "
              + String.join(", ", HTTP_SOURCE_KEYS) + " (the API is configured under source.http)");
        }
      }
      if (s.has("format")) {
        String f = oneOf(s, "format", SOURCE_FORMATS, "format");
        if (f != null && !f.equals("jsonl")) {
          problem(s.path("format"), s.line("format"),
              "an http source reads JSON records (each a JSON object): format must be jsonl, or left out");
        }
      }
      if (!s.require("http")) {
        return null;
      }
      HttpSourceSpec http = new HttpSpecReader(nodes).read(s.map("http", HttpSpecReader.HTTP_KEYS));
      return http == null ? null : SourceSpec.http(http);
    }

    private CsvSpec readCsv(MapView c) {
      if (c == null) {
        return null;
      }
      Character delimiter = c.has("delimiter") ? oneChar(c, "delimiter") : Character.valueOf(CsvSpec.DEFAULT.delimiter());
      Character quote = c.has("quote") ? oneChar(c, "quote") : Character.valueOf(CsvSpec.DEFAULT.quote());
      for (String key : List.of("delimiter", "quote")) {
        Character ch = key.equals("delimiter") ? delimiter : quote;
        if (ch != null && c.has(key) && (ch == '\n' || ch == '\r')) {
          problem(c.path(key), c.line(key), "a line break cannot be the " + key);
        }
      }
      if (delimiter != null && quote != null && delimiter.charValue() == quote.charValue()) {
        String key = c.has("quote") ? "quote" : "delimiter";
        problem(c.path(key), c.line(key), "the delimiter and the quote must differ (both \"" + show(quote) + "\")");
      }
      Boolean header = c.has("header") ? c.bool("header") : Boolean.valueOf(CsvSpec.DEFAULT.header());
      List<String> columns = List.of();
      if (c.written("columns")) {
        if (Boolean.TRUE.equals(header)) {
          problem(c.path("columns"), c.line("columns"),
              "columns are only used with header: false (with a header, columns are matched to fields by name)");
        }
        List<String> given = c.has("columns") ? c.texts("columns", "column names (schema fields)") : null;
        if (given != null) {
          columns = checkColumns(c, given);
        }
      }
      if (Boolean.FALSE.equals(header) && columns.isEmpty()) {
        columns = List.copyOf(fieldTypes.keySet());
      }
      if (delimiter == null || quote == null || header == null) {
        return null;
      }
      return new CsvSpec(delimiter, quote, header, columns);
    }

    private List<String> checkColumns(MapView c, List<String> given) {
      String path = c.path("columns");
      List<Node> items = ((YamlTree.ListNode) c.get("columns")).items();
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        if (!(items.get(i) instanceof ScalarNode s) || s.isNull()) {
          continue;
        }
        String col = s.text();
        String p = SpecNodes.index(path, i);
        checkField(col, p, s.line());
        Integer first = seen.putIfAbsent(col, i);
        if (first != null) {
          problem(p, s.line(), "column \"" + col + "\" is listed twice (also " + SpecNodes.index(path, first) + ")");
        }
      }
      if (!given.isEmpty()) {
        for (String req : requiredFields) {
          if (!given.contains(req)) {
            problem(path, c.line("columns"),
                "required field \"" + req + "\" is not among the columns: every record would be rejected");
          }
        }
      }
      return given;
    }

    // ---- clean ----

    private CleanSpec readClean(MapView r) {
      CleanSpec d = CleanSpec.defaults();
      if (!r.has("clean")) {
        return d;
      }
      MapView c = r.map("clean", CLEAN_KEYS);
      if (c == null) {
        return d;
      }
      List<CleanStep> all = c.has("all") ? steps(c.get("all"), c.path("all")) : d.all();
      List<String> nullTokens = c.has("null_tokens") ? c.texts("null_tokens", "texts") : d.nullTokens();
      String timezone = d.timezone();
      if (c.has("timezone")) {
        timezone = c.text("timezone");
        if (timezone != null) {
          try {
            zone = ZoneId.of(timezone);
          } catch (DateTimeException e) {
            problem(c.path("timezone"), c.line("timezone"), "invalid time zone \"" + timezone + "\": "
                + YamlTree.firstLine(e.getMessage()) + "; use a region such as Europe/Madrid, or UTC, or an offset such as +02:00");
          }
        }
      }
      Map<String, FieldCleaning> fields = new LinkedHashMap<>();
      MapView fm = c.map("fields", null);
      if (fm != null) {
        for (Entry e : fm.entries()) {
          String path = fm.path(e.key());
          checkField(e.key(), path, e.keyLine());
          FieldCleaning fc = fieldCleaning(e.key(), e.value(), path);
          if (fc != null) {
            fields.put(e.key(), fc);
          }
        }
      }
      if (all == null || nullTokens == null || timezone == null) {
        return d;
      }
      return new CleanSpec(all, nullTokens, fields, timezone);
    }

    private FieldCleaning fieldCleaning(String field, Node n, String path) {
      if (SpecNodes.isNull(n)) {
        return FieldCleaning.NONE;
      }
      if (n instanceof YamlTree.ListNode) {
        List<CleanStep> steps = steps(n, path);
        return steps == null ? null : new FieldCleaning(steps, null, List.of(), null, null);
      }
      if (!(n instanceof MapNode)) {
        problem(path, n.line(), "expected a list of steps, or a map with keys "
            + String.join(", ", FIELD_CLEANING_KEYS) + "; got " + n.describe());
        return null;
      }
      MapView m = nodes.map(n, path, FIELD_CLEANING_KEYS);
      FieldType type = fieldTypes.get(field);
      List<CleanStep> steps = m.has("steps") ? steps(m.get("steps"), m.path("steps")) : List.of();
      String dflt = m.text("default");
      Character grouping = m.has("grouping") ? oneChar(m, "grouping") : null;
      Character decimal = m.has("decimal") ? oneChar(m, "decimal") : null;
      List<String> formats = m.has("formats") ? m.texts("formats", "date formats") : List.of();

      if (type != null) {
        for (String key : List.of("grouping", "decimal")) {
          if (m.has(key) && !type.isNumeric()) {
            problem(m.path(key), m.line(key), key + " is only for numeric fields (int, long, double, decimal); "
                + field + " is " + typeName(type));
          }
        }
        if (m.has("formats") && !type.isTemporal()) {
          problem(m.path("formats"), m.line("formats"), "formats are only for date and timestamp fields; "
              + field + " is " + typeName(type));
        }
      }
      for (String key : List.of("grouping", "decimal")) {
        Character ch = key.equals("grouping") ? grouping : decimal;
        if (ch != null && (Character.isDigit(ch) || ch == '-' || ch == '+')) {
          problem(m.path(key), m.line(key), "a digit or sign cannot be the " + key + " separator");
        }
      }
      if (grouping != null && grouping.charValue() == (decimal == null ? '.' : decimal.charValue())) {
        problem(m.path("grouping"), m.line("grouping"), "the grouping and decimal separators must differ (both \""
            + grouping + "\"" + (decimal == null ? ", the default decimal separator; set decimal" : "") + ")");
      }
      if (formats != null) {
        if (m.has("formats") && formats.isEmpty()) {
          problem(m.path("formats"), m.line("formats"), "needs at least one format");
        }
        List<Node> items = m.has("formats") ? m.list("formats", "date formats") : List.of();
        for (int i = 0; i < items.size(); i++) {
          if (items.get(i) instanceof ScalarNode s && !s.isNull()) {
            String p = TypedValues.formatProblem(s.text());
            if (p != null) {
              problem(SpecNodes.index(m.path("formats"), i), s.line(), p);
            }
          }
        }
      }
      if (dflt != null && type != null && formats != null) {
        String p = TypedValues.conversionProblem(
            type, new FieldCleaning(List.of(), null, formats, grouping, decimal), zone, dflt);
        if (p != null) {
          problem(m.path("default"), m.line("default"), "default \"" + dflt + "\" " + p + " (field " + field
              + " is " + typeName(type) + ")");
        }
      }
      if (steps == null || formats == null) {
        return null;
      }
      return new FieldCleaning(steps, dflt, formats, grouping, decimal);
    }

    private List<CleanStep> steps(Node n, String path) {
      List<Node> items = nodes.list(n, path, "cleaning steps");
      if (items == null) {
        return null;
      }
      List<CleanStep> steps = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        CleanStep s = step(items.get(i), SpecNodes.index(path, i));
        if (s == null) {
          ok = false;
        } else {
          steps.add(s);
        }
      }
      return ok ? steps : null;
    }

    private CleanStep step(Node n, String path) {
      if (n instanceof ScalarNode s && !s.isNull()) {
        CleanStep.Op op = CleanStep.Op.fromSpec(s.text());
        if (op == null) {
          problem(path, n.line(), "unknown step \"" + s.text() + "\"" + SpecNodes.allowed(s.text(), STEP_NAMES));
          return null;
        }
        if (!SIMPLE_STEPS.contains(op)) {
          problem(path, n.line(), "step " + op.specName() + " needs an argument, as in " + example(op));
          return null;
        }
        return CleanStep.simple(op);
      }
      if (!(n instanceof MapNode map) || map.entries().size() != 1) {
        problem(path, n.line(), "a step is a name (trim, collapse_whitespace, lower, upper) or a one-key map"
            + " such as {strip: regex}; got " + (n instanceof MapNode m ? "a map with keys "
            + String.join(", ", m.entries().keySet()) : n.describe()));
        return null;
      }
      Entry e = map.entries().values().iterator().next();
      String p = SpecNodes.child(path, e.key());
      CleanStep.Op op = CleanStep.Op.fromSpec(e.key());
      if (op == null) {
        problem(p, e.keyLine(), "unknown step \"" + e.key() + "\"" + SpecNodes.allowed(e.key(), STEP_NAMES));
        return null;
      }
      if (SIMPLE_STEPS.contains(op)) {
        problem(p, e.keyLine(), "step " + op.specName() + " takes no argument: write it as a bare name");
        return null;
      }
      if (SpecNodes.isNull(e.value())) {
        problem(p, e.keyLine(), "step " + op.specName() + " needs an argument, as in " + example(op));
        return null;
      }
      switch (op) {
        case STRIP, EXTRACT -> {
          String regex = nodes.text(e.value(), p);
          if (regex == null) {
            return null;
          }
          checkRegex(regex, p, e.keyLine());
          return new CleanStep(op, regex, null, List.of());
        }
        case REPLACE -> {
          MapView r = nodes.map(e.value(), p, REPLACE_KEYS);
          if (r == null) {
            return null;
          }
          String pattern = r.requiredText("pattern");
          String with = r.has("with") ? r.text("with") : "";
          if (pattern == null || with == null) {
            return null;
          }
          String regexProblem = SpecValues.regexProblem(pattern);
          if (regexProblem != null) {
            problem(r.path("pattern"), r.line("pattern"), regexProblem);
          } else {
            String rp = SpecValues.replacementProblem(pattern, with);
            if (rp != null) {
              problem(r.path("with"), r.line("with"), rp);
            }
          }
          return new CleanStep(op, pattern, with, List.of());
        }
        case NULL_IF -> {
          List<String> tokens = nodes.texts(e.value(), p, "texts");
          if (tokens == null) {
            return null;
          }
          if (tokens.isEmpty()) {
            problem(p, e.keyLine(), "needs at least one value");
          }
          return new CleanStep(op, null, null, tokens);
        }
        default -> throw new IllegalStateException(op.name());
      }
    }

    private static String example(CleanStep.Op op) {
      return switch (op) {
        case STRIP -> "{strip: \"[$€£]\"}";
        case REPLACE -> "{replace: {pattern: \"^(\\\\d+)$\", with: \"$1\"}}";
        case EXTRACT -> "{extract: \"(\\\\d+)\"}";
        case NULL_IF -> "{null_if: [\"-\", \"?\"]}";
        default -> op.specName();
      };
    }

    // ---- validate ----

    private List<RuleSpec> readRules(MapView r) {
      List<RuleSpec> rules = new ArrayList<>();
      List<Node> items = r.list("validate", "rules");
      if (items == null) {
        return rules;
      }
      Map<String, String> seen = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        String path = SpecNodes.index("validate", i);
        MapView m = nodes.map(items.get(i), path, null);
        if (m != null) {
          RuleSpec rule = rule(m, seen);
          if (rule != null) {
            rules.add(rule);
          }
        }
      }
      return rules;
    }

    private RuleSpec rule(MapView m, Map<String, String> seen) {
      String name = m.requiredText("name");
      if (name != null) {
        checkRuleName(m, name, seen);
      }
      RuleType type = null;
      if (m.require("rule")) {
        String t = oneOf(m, "rule", RULE_TYPES, "rule");
        type = t == null ? null : RuleType.fromSpec(t);
      }
      if (type == null) {
        m.checkKeys(RULE_KEYS, "");
      } else {
        List<String> own = RULE_TYPE_KEYS.get(type);
        List<String> allowed = Stream.concat(RULE_COMMON_KEYS.stream(), own.stream()).toList();
        for (Entry e : m.entries()) {
          if (allowed.contains(e.key())) {
            continue;
          }
          String msg;
          if (type == RuleType.EXPRESSION && e.key().equals("field")) {
            msg = "an expression rule has no field: it reads the fields its expr names";
          } else if (RULE_KEYS.contains(e.key())) {
            msg = e.key() + " is not used by " + type.specName() + " rules; they take "
                + String.join(", ", own) + " (and name, rule, severity, message)";
          } else {
            msg = "unknown key \"" + e.key() + "\" for a " + type.specName() + " rule" + SpecNodes.allowed(e.key(), allowed);
          }
          problem(m.path(e.key()), e.keyLine(), msg);
        }
      }
      Severity severity = Severity.ERROR;
      if (m.has("severity")) {
        String s = oneOf(m, "severity", SEVERITIES, "severity");
        severity = s == null ? null : enumOf(Severity.class, s);
      }
      String message = m.text("message");

      String field = null;
      FieldType fieldType = null;
      if (type != null && type != RuleType.EXPRESSION && m.require("field")
          || type == null && m.has("field")) {
        field = m.text("field");
        if (field != null && checkField(field, m.path("field"), m.line("field"))) {
          fieldType = fieldTypes.get(field);
        }
      }
      String min = null;
      String max = null;
      boolean minInclusive = true;
      boolean maxInclusive = true;
      String pattern = null;
      List<String> values = List.of();
      boolean ignoreCase = false;
      String expr = null;
      boolean ok = true;
      if (type != null) {
        switch (type) {
          case NOT_NULL -> { }
          case RANGE -> {
            min = m.text("min");
            max = m.text("max");
            Boolean mi = m.has("min_inclusive") ? m.bool("min_inclusive") : Boolean.TRUE;
            Boolean ma = m.has("max_inclusive") ? m.bool("max_inclusive") : Boolean.TRUE;
            ok = mi != null && ma != null;
            minInclusive = mi == null || mi;
            maxInclusive = ma == null || ma;
            checkRange(m, field, fieldType, minInclusive, maxInclusive);
          }
          case LENGTH -> {
            if (fieldType != null && fieldType != FieldType.STRING) {
              problem(m.path("field"), m.line("field"), "a length rule needs a string field; " + field + " is "
                  + typeName(fieldType));
            }
            min = lengthBound(m, "min");
            max = lengthBound(m, "max");
            if (!m.has("min") && !m.has("max")) {
              problem(m.path, m.line(), "a length rule needs min, max or both");
            } else if (min != null && max != null && Integer.parseInt(min) > Integer.parseInt(max)) {
              problem(m.path("max"), m.line("max"), "max " + max + " is less than min " + min);
            }
          }
          case REGEX -> {
            if (fieldType != null && fieldType != FieldType.STRING) {
              problem(m.path("field"), m.line("field"), "a regex rule needs a string field; " + field + " is "
                  + typeName(fieldType));
            }
            if (m.require("pattern")) {
              pattern = m.text("pattern");
              if (pattern != null) {
                checkRegex(pattern, m.path("pattern"), m.line("pattern"));
              }
            }
            Boolean ic = m.has("ignore_case") ? m.bool("ignore_case") : Boolean.FALSE;
            ok = ic != null;
            ignoreCase = Boolean.TRUE.equals(ic);
          }
          case IN -> {
            if (m.require("values")) {
              List<String> vs = m.texts("values", "allowed values");
              if (vs == null) {
                ok = false;
              } else {
                values = vs;
                if (vs.isEmpty()) {
                  problem(m.path("values"), m.line("values"), "needs at least one value");
                }
                checkInValues(m, field, fieldType);
              }
            }
            Boolean ic = m.has("ignore_case") ? m.bool("ignore_case") : Boolean.FALSE;
            ok &= ic != null;
            ignoreCase = Boolean.TRUE.equals(ic);
          }
          case EXPRESSION -> {
            if (m.require("expr")) {
              expr = m.text("expr");
              if (expr != null) {
                checkExpression(expr, m.path("expr"), m.line("expr"));
              }
            }
          }
          default -> throw new IllegalStateException(type.name());
        }
      }
      if (name == null || type == null || severity == null || !ok) {
        return null;
      }
      return new RuleSpec(name, type, field, severity, min, max, minInclusive, maxInclusive, pattern, values,
          ignoreCase, expr, message);
    }

    private void checkRuleName(MapView m, String name, Map<String, String> seen) {
      String p = m.path("name");
      int line = m.line("name");
      if (!RULE_NAME.matcher(name).matches()) {
        problem(p, line, "invalid rule name \"" + name + "\": must match " + RULE_NAME.pattern());
      }
      String first = seen.putIfAbsent(name, m.path);
      if (first != null) {
        problem(p, line, "duplicate rule name \"" + name + "\" (also " + first + ")");
      }
      if (name.endsWith(REQUIRED_SUFFIX)
          && requiredFields.contains(name.substring(0, name.length() - REQUIRED_SUFFIX.length()))) {
        problem(p, line, "rule name \"" + name + "\" is the reason code of required field "
            + name.substring(0, name.length() - REQUIRED_SUFFIX.length()) + "; choose another name");
      }
      if (Reasons.all().contains(name)) {
        problem(p, line, "rule name \"" + name + "\" is a stage reason code; choose another name");
      }
      ruleNames.add(name);
    }

    private void checkRange(MapView m, String field, FieldType type, boolean minInclusive, boolean maxInclusive) {
      if (!m.has("min") && !m.has("max")) {
        problem(m.path, m.line(), "a range rule needs min, max or both");
      }
      if (type == null) {
        return;
      }
      if (!type.isNumeric() && !type.isTemporal()) {
        problem(m.path("field"), m.line("field"), "a range rule needs a numeric, date or timestamp field; "
            + field + " is " + typeName(type));
        return;
      }
      Comparable<?> lo = bound(m, "min", type);
      Comparable<?> hi = bound(m, "max", type);
      if (lo != null && hi != null) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        int c = ((Comparable) lo).compareTo(hi);
        if (c > 0) {
          problem(m.path("max"), m.line("max"), "max " + m.text("max") + " is less than min " + m.text("min"));
        } else if (c == 0 && !(minInclusive && maxInclusive)) {
          problem(m.path("max"), m.line("max"), "the range is empty: min and max are equal and a bound is exclusive");
        }
      }
    }

    private Comparable<?> bound(MapView m, String key, FieldType type) {
      String t = m.text(key);
      if (t == null) {
        return null;
      }
      Comparable<?> v = TypedValues.rangeBound(type, t, zone);
      String expected =
          type.isNumeric()
              ? "is not a number"
              : type == FieldType.DATE
                  ? "is not an ISO date (yyyy-MM-dd)"
                  : "is not an ISO timestamp (such as 2024-01-31T12:00:00Z or 2024-01-31T12:00:00)";
      if (v == null) {
        problem(m.path(key), m.line(key), key + " \"" + t + "\" " + expected);
      }
      return v;
    }

    private String lengthBound(MapView m, String key) {
      Node n = m.get(key);
      if (n == null) {
        return null;
      }
      if (n instanceof ScalarNode s && s.text().matches("\\d{1,9}")) {
        return String.valueOf(Integer.parseInt(s.text()));
      }
      problem(m.path(key), m.line(key), key + " must be a whole number of characters (0 or more), got "
          + n.describe());
      return null;
    }

    private void checkInValues(MapView m, String field, FieldType type) {
      if (type == null || type == FieldType.STRING) {
        return;
      }
      List<Node> items = ((YamlTree.ListNode) m.get("values")).items();
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) instanceof ScalarNode s && !s.isNull()) {
          String p = TypedValues.conversionProblem(type, FieldCleaning.NONE, zone, s.text());
          if (p != null) {
            problem(SpecNodes.index(m.path("values"), i), s.line(), "value \"" + s.text() + "\" " + p
                + " (field " + field + " is " + typeName(type) + ")");
          }
        }
      }
    }

    private void checkExpression(String expr, String path, int line) {
      JexlScript script;
      try {
        script = Expressions.compile(expr);
      } catch (IllegalArgumentException e) {
        problem(path, line, "invalid expression \"" + expr + "\": " + YamlTree.firstLine(e.getMessage()));
        return;
      }
      if (!schemaKnown) {
        return;
      }
      for (String v : Expressions.variables(script)) {
        if (!fieldTypes.containsKey(v)) {
          problem(path, line, "expression uses \"" + v + "\", which is not a schema field; schema fields: "
              + schemaFields());
        }
      }
    }

    // ---- dedupe ----

    private DedupeSpec readDedupe(MapView r) {
      if (!r.has("dedupe")) {
        return null;
      }
      MapView d = r.map("dedupe", DEDUPE_KEYS);
      if (d == null) {
        return null;
      }
      List<String> key = null;
      if (d.require("key")) {
        key = d.texts("key", "schema fields");
        List<Node> items = key == null ? List.of() : ((YamlTree.ListNode) d.get("key")).items();
        if (key != null && key.isEmpty()) {
          problem(d.path("key"), d.line("key"), "needs at least one field");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
          if (items.get(i) instanceof ScalarNode s && !s.isNull()) {
            String p = SpecNodes.index(d.path("key"), i);
            checkField(s.text(), p, s.line());
            Integer first = seen.putIfAbsent(s.text(), i);
            if (first != null) {
              problem(p, s.line(), "\"" + s.text() + "\" is repeated (also " + SpecNodes.index(d.path("key"), first) + ")");
            }
          }
        }
      }
      DedupeSpec.Keep keep = DedupeSpec.Keep.FIRST;
      if (d.has("keep")) {
        String k = oneOf(d, "keep", KEEPS, "keep");
        keep = k == null ? null : enumOf(DedupeSpec.Keep.class, k);
      }
      String orderBy = d.text("order_by");
      if (keep == DedupeSpec.Keep.LATEST && !d.has("order_by")) {
        problem(d.path("order_by"), d.line(), "missing required key \"order_by\" (required with keep: latest)");
      }
      if (keep == DedupeSpec.Keep.FIRST && d.has("order_by")) {
        problem(d.path("order_by"), d.line("order_by"), "order_by is only used with keep: latest");
      }
      if (orderBy != null) {
        checkField(orderBy, d.path("order_by"), d.line("order_by"));
      }
      Integer buckets = boundedInt(d, "buckets", 1, MAX_BUCKETS, 16);
      if (key == null || keep == null || buckets == null) {
        return null;
      }
      return new DedupeSpec(key, keep, orderBy, buckets);
    }

    // ---- sinks and dead letter ----

    private DeadLetterSpec readDeadLetter(MapView r) {
      DeadLetterSpec d = DeadLetterSpec.DEFAULT;
      if (!r.has("dead_letter")) {
        return d;
      }
      MapView m = r.map("dead_letter", DEAD_LETTER_KEYS);
      if (m == null) {
        return d;
      }
      String name = m.has("name") ? m.text("name") : d.name();
      if (name != null && m.has("name")) {
        checkSinkName(name, m.path("name"), m.line("name"));
      }
      SinkFormat format = d.format();
      if (m.has("format")) {
        String f = oneOf(m, "format", DEAD_LETTER_FORMATS, "dead letter format");
        format = f == null ? null : enumOf(SinkFormat.class, f);
      }
      WriteMode mode = d.mode();
      if (m.has("mode")) {
        String s = oneOf(m, "mode", WRITE_MODES, "mode");
        mode = s == null ? null : enumOf(WriteMode.class, s);
      }
      JdbcSpec table = jdbc().deadLetter(m);
      return name == null || format == null || mode == null ? d : new DeadLetterSpec(name, format, mode, table);
    }

    private boolean checkSinkName(String name, String path, int line) {
      if (!SINK_NAME.matcher(name).matches()) {
        problem(path, line, "invalid name \"" + name + "\": must match " + SINK_NAME.pattern());
        return false;
      }
      if (name.startsWith("_")) {
        problem(path, line, "invalid name \"" + name + "\": names starting with _ are reserved");
        return false;
      }
      return true;
    }

    private List<SinkSpec> readSinks(MapView r, String specName, DeadLetterSpec deadLetter) {
      if (!r.has("sinks")) {
        if (specName != null && specName.equals(deadLetter.name())) {
          problem("name", r.line("name"), "the default sink would be named \"" + specName
              + "\", the dead letter's name; name the sinks or the dead letter");
        }
        return List.of(new SinkSpec(specName, SinkFormat.JSONL, 1, WriteMode.OVERWRITE));
      }
      List<SinkSpec> sinks = new ArrayList<>();
      List<Node> items = r.list("sinks", "sinks ({name, format, shards, mode} or {name, type: jdbc, table, key, ...})");
      if (items == null) {
        return sinks;
      }
      if (items.isEmpty()) {
        problem("sinks", r.line("sinks"), "needs at least one sink (leave sinks out for the default)");
      }
      Map<String, String> seen = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        String path = SpecNodes.index("sinks", i);
        MapView m = nodes.map(items.get(i), path, null);
        if (m == null) {
          continue;
        }
        String type = m.has("type") ? oneOf(m, "type", SINK_TYPES, "sink type") : "file";
        if (type == null) {
          Set<String> any = new LinkedHashSet<>(SINK_KEYS);
          any.addAll(JdbcSpecReader.SINK_KEYS);
          m.checkKeys(any, "");
        } else {
          m.checkKeys(type.equals("jdbc") ? JdbcSpecReader.SINK_KEYS : SINK_KEYS, "a " + type + " sink");
        }
        String name = m.requiredText("name");
        if (name != null && checkSinkName(name, m.path("name"), m.line("name"))) {
          String first = seen.putIfAbsent(name, path);
          if (first != null) {
            problem(m.path("name"), m.line("name"), "duplicate sink name \"" + name + "\" (also " + first + ")");
          }
          if (name.equals(deadLetter.name())) {
            problem(m.path("name"), m.line("name"), "sink name \"" + name + "\" is the dead letter's name");
          }
        }
        if ("jdbc".equals(type)) {
          JdbcSpec jdbcSpec = jdbc().sink(m);
          if (name != null && jdbcSpec != null) {
            sinks.add(SinkSpec.jdbc(name, jdbcSpec));
          }
          continue;
        }
        SinkFormat format = SinkFormat.JSONL;
        if (m.has("format")) {
          String f = oneOf(m, "format", SINK_FORMATS, "sink format");
          format = f == null ? null : enumOf(SinkFormat.class, f);
        }
        Integer shards = boundedInt(m, "shards", 0, 10_000, 1);
        WriteMode mode = WriteMode.OVERWRITE;
        if (m.has("mode")) {
          String s = oneOf(m, "mode", WRITE_MODES, "mode");
          mode = s == null ? null : enumOf(WriteMode.class, s);
        }
        if (name != null && format != null && shards != null && mode != null) {
          sinks.add(new SinkSpec(name, format, shards, mode));
        }
      }
      return sinks;
    }

    // ---- quality ----

    private QualitySpec readQuality(MapView r) {
      if (!r.has("quality")) {
        return QualitySpec.NONE;
      }
      MapView q = r.map("quality", QUALITY_KEYS);
      if (q == null) {
        return QualitySpec.NONE;
      }
      Double maxRejected = ratio(q, "max_rejected_ratio");
      Long minRecords = nonNegative(q, "min_records");
      Map<String, RuleLimit> limits = new LinkedHashMap<>();
      MapView lm = q.map("limits", null);
      if (lm != null) {
        for (Entry e : lm.entries()) {
          String path = lm.path(e.key());
          checkLimitKey(e.key(), path, e.keyLine());
          if (SpecNodes.isNull(e.value())) {
            problem(path, e.keyLine(), "a limit needs max_ratio, max_count or both");
            continue;
          }
          MapView l = nodes.map(e.value(), path, LIMIT_KEYS);
          if (l == null) {
            continue;
          }
          if (!l.has("max_ratio") && !l.has("max_count")) {
            problem(path, e.keyLine(), "a limit needs max_ratio, max_count or both");
          }
          limits.put(e.key(), new RuleLimit(ratio(l, "max_ratio"), nonNegative(l, "max_count")));
        }
      }
      return new QualitySpec(maxRejected, minRecords, limits);
    }

    private void checkLimitKey(String key, String path, int line) {
      if (ruleNames.contains(key) || Reasons.all().contains(key)) {
        return;
      }
      if (key.endsWith(REQUIRED_SUFFIX)) {
        String field = key.substring(0, key.length() - REQUIRED_SUFFIX.length());
        if (requiredFields.contains(field)) {
          return;
        }
        if (fieldTypes.containsKey(field)) {
          problem(path, line, "\"" + key + "\": field " + field + " is not required, so this reason never occurs");
          return;
        }
      }
      List<String> reqReasons = requiredFields.stream().map(f -> f + REQUIRED_SUFFIX).toList();
      List<String> all = new ArrayList<>(ruleNames);
      all.addAll(reqReasons);
      all.addAll(Reasons.all());
      String hint = SpecNodes.closest(key, all);
      problem(path, line, "\"" + key + "\" is not a reason code; allowed: rule names ("
          + (ruleNames.isEmpty() ? "none" : String.join(", ", ruleNames)) + "), required fields' reasons ("
          + (reqReasons.isEmpty() ? "none" : String.join(", ", reqReasons)) + "), stage reasons ("
          + String.join(", ", Reasons.all()) + ")" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)"));
    }
  }
}
