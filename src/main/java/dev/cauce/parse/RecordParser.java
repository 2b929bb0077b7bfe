package dev.cauce.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.DupDetector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.cauce.coders.Schemas;
import dev.cauce.model.Reasons;
import dev.cauce.model.Result;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Unicode;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec.DuplicateKeys;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Turns a record's text into a raw {@link Row} of {@link Schemas#raw}: every schema field a nullable
 * string, in schema order, holding the text found in the input. Bad records never throw; they come
 * back as {@link Result#rejected} with a parse reason code.
 *
 * <p>Every format: a record containing U+0000 is rejected as {@link Reasons#NUL_BYTE}; a schema
 * field's value with an unpaired surrogate as {@link Reasons#INVALID_UNICODE} (after every other check).
 *
 * <p>{@code jsonl}: the record must be one JSON object and nothing else ({@link
 * Reasons#MALFORMED_JSON} for truncated input, trailing tokens, NaN/Infinity, bad escapes or
 * numbers; {@link Reasons#NOT_AN_OBJECT} for well-formed arrays, scalars or null; {@link
 * Reasons#NESTING_TOO_DEEP} beyond {@value #MAX_JSON_DEPTH} levels). Schema fields are taken from
 * the properties of the same name: strings as they are, numbers as their literal text ({@code
 * 12.50}, {@code 1e3}, and integers of any size stay as written), booleans as {@code true}/{@code
 * false}, null and absent properties as null. An object or array in a schema field is {@link
 * Reasons#NOT_A_SCALAR} (every such field is reported). Other properties are ignored. A key given
 * twice in an object, at any depth, is {@link Reasons#DUPLICATE_KEY}: with {@code
 * source.duplicate_keys} first or last, that value is kept and the record carries a warning instead.
 * A string value holding U+0000 (written {@code \u0000}) is {@link Reasons#NUL_BYTE} too.
 *
 * <p>{@code csv}: parsed with the spec's delimiter and quote (no escape character). Columns map to
 * schema fields by the header's names (trimmed; a name given twice: the last column wins), checked
 * by {@link HeaderCheck} under the spec's header policy: a header it refuses rejects every record of
 * its file ({@link Reasons#HEADER_MISMATCH}); else extra columns are ignored and schema fields the
 * header lacks are null. Without a header, columns map by {@code csv.columns} or else the schema order. A record with another number of
 * columns than the header (or the column list) is {@link Reasons#COLUMN_COUNT}; one that cannot be
 * parsed (an unterminated quote, text after a closing quote, a bare CR that splits it in two) is
 * {@link Reasons#MALFORMED_CSV}. Empty fields are empty strings; cleaning decides what is null.
 *
 * <p>Thread-safe. Serializable: it is rebuilt from its spec when deserialized.
 */
public final class RecordParser implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The deepest nesting of JSON arrays and objects accepted. */
  public static final int MAX_JSON_DEPTH = 64;

  private static final int MAX_CACHED_HEADERS = 256;

  private final PipelineSpec spec;
  private final transient Schema schema;
  /** Source name (a JSON key, a CSV header text) → field index. */
  private final transient Map<String, Integer> fieldIndex;
  /** JSON: top-level key → the fields read by a pointer starting there. */
  private final transient Map<String, List<Pointer>> pointerRoots;
  private final transient Format format;

  private RecordParser(PipelineSpec spec) {
    this.spec = spec;
    this.schema = Schemas.raw(spec);
    boolean csv = spec.source().format() == SourceSpec.Format.CSV;
    Map<String, Integer> index = new HashMap<>();
    Map<String, List<Pointer>> pointers = new HashMap<>();
    for (int i = 0; i < spec.schema().size(); i++) {
      FieldSpec f = spec.schema().get(i);
      if (f.computed()) {
        continue; // computed after cleaning (derived, looked up), never read
      }
      if (!csv && f.source().startsWith("/")) {
        JsonPointer ptr = JsonPointer.compile(f.source());
        pointers.computeIfAbsent(ptr.getMatchingProperty(), k -> new ArrayList<>()).add(new Pointer(i, ptr.tail()));
      } else {
        index.put(f.source(), i);
      }
    }
    this.fieldIndex = Map.copyOf(index);
    this.pointerRoots = Map.copyOf(pointers);
    this.format =
        csv
            ? new CsvFormat(spec.source().csv() == null ? CsvSpec.DEFAULT : spec.source().csv())
            : new JsonFormat(spec.source().duplicateKeys());
  }

  /** A field read by a JSON pointer: its index and the pointer below the record's top-level key. */
  private record Pointer(int field, JsonPointer below) {}

  /** The names fields are read by in the source, in schema order (derived fields have none). */
  public static List<String> sourceNames(PipelineSpec spec) {
    return spec.schema().stream().filter(f -> !f.computed()).map(FieldSpec::source).toList();
  }

  /** A parser for the spec's source format and schema. */
  public static RecordParser create(PipelineSpec spec) {
    return new RecordParser(spec);
  }

  private Object readResolve() {
    return create(spec);
  }

  /** The schema of the rows this parser produces ({@link Schemas#raw}). */
  public Schema schema() {
    return schema;
  }

  /**
   * A CSV file's header line against the schema, as the records of its file are parsed: {@link
   * HeaderCheck}'s result, or an unusable header when the line is malformed.
   *
   * @throws IllegalStateException unless the source is CSV with {@code header: true}
   */
  public HeaderCheck.Result checkHeader(String headerText) {
    if (!(format instanceof CsvFormat csv) || !csv.header) {
      throw new IllegalStateException("only a CSV source with header: true has a header to check");
    }
    return csv.headerLayout(headerText).check();
  }

  /** Parses one record: a raw row (with warnings), or the violations that reject it. */
  public Result<Row> parse(SourceRecord r) {
    String text = r.text();
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      return Result.rejected(
          Violation.of(Reasons.NUL_BYTE, "the record contains a NUL character (U+0000) at character " + nul));
    }
    Parsed parsed = format.parse(r);
    if (parsed.values() == null) {
      return Result.rejected(parsed.errors());
    }
    List<Violation> errors = parsed.errors();
    String[] values = parsed.values();
    for (int i = 0; i < values.length; i++) {
      int at = values[i] == null ? -1 : Unicode.unpairedSurrogate(values[i]);
      if (at >= 0) {
        errors = errors == parsed.errors() ? new ArrayList<>(errors) : errors;
        errors.add(invalidUnicode(schema.getField(i).getName(), values[i].charAt(at), at));
      }
    }
    return errors.isEmpty() ? Result.ok(row(values), parsed.warnings()) : Result.rejected(errors);
  }

  /** Every format's values pass here: text that UTF-8 cannot encode is rejected, never written as "?". */
  private Violation invalidUnicode(String field, char surrogate, int at) {
    return Violation.ofField(Reasons.INVALID_UNICODE, null, field,
        field + ": an unpaired surrogate " + Unicode.codePoint(surrogate) + " at character " + (at + 1)
            + " of the value: not valid Unicode, so it cannot be written; fix the source"
            + (format instanceof JsonFormat ? " (a JSON \\u escape must pair a high surrogate with a low one)" : ""));
  }

  private Row row(String[] values) {
    return Row.withSchema(schema).attachValues(new ArrayList<Object>(Arrays.asList(values)));
  }

  /** A format's reading of one record: its values (null when rejected outright), the violations and warnings. */
  private record Parsed(String[] values, List<Violation> errors, List<Violation> warnings) {
    static Parsed rejected(Violation v) {
      return new Parsed(null, List.of(v), List.of());
    }
  }

  private interface Format {
    Parsed parse(SourceRecord r);
  }

  /** Jackson advice and echoed input that mean nothing to a reader of the dead letter. */
  private static final Pattern JACKSON_NOISE =
      Pattern.compile(":? ?enable `[^`]*` to allow| ?\\(start marker at \\[Source: .*?\\]\\)", Pattern.DOTALL);

  private static String jacksonMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    return m == null ? e.getClass().getSimpleName() : JACKSON_NOISE.matcher(m).replaceAll("");
  }

  private static String where(JsonLocation loc) {
    if (loc == null || loc.getColumnNr() < 1) {
      return "";
    }
    // an API's record may span lines
    return loc.getLineNr() > 1
        ? " (at line " + loc.getLineNr() + ", character " + loc.getColumnNr() + ")"
        : " (at character " + loc.getColumnNr() + ")";
  }

  /** The keys a JSON record gives more than once, each named once with its path and where it is repeated. */
  private static final class Duplicates {
    private static final int SHOWN = 5;
    private final Set<String> paths = new HashSet<>();
    private final List<String> shown = new ArrayList<>();
    private String field;

    /** Notes the key of the current FIELD_NAME token ({@code field}: a top-level schema field, else null). */
    static Duplicates add(Duplicates d, JsonParser p, String field) {
      d = d == null ? new Duplicates() : d;
      JsonStreamContext ctx = p.getParsingContext();
      String path = path(ctx);
      if (d.paths.add(path)) {
        String name = quoted(ctx.getCurrentName());
        if (d.shown.size() < SHOWN) {
          d.shown.add(name + (ctx.getParent().inRoot() ? "" : " at " + path) + where(p.currentTokenLocation()));
        }
        d.field = d.field == null ? field : d.field;
      }
      return d;
    }

    Violation violation(String consequence) {
      int more = paths.size() - shown.size();
      String keys = shown.size() == 1 ? "duplicate key " + shown.get(0) : "duplicate keys: " + String.join(", ", shown);
      return Violation.ofField(Reasons.DUPLICATE_KEY, null, field, keys + (more > 0 ? " and " + more + " more" : "") + consequence);
    }

    /** {@code a.b}, {@code x[1].k}, {@code ["we ird"].k}: the key's place in the record. */
    private static String path(JsonStreamContext ctx) {
      List<String> parts = new ArrayList<>();
      for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
        if (c.inArray()) {
          parts.add("[" + c.getCurrentIndex() + "]");
        } else {
          String n = c.getCurrentName();
          boolean plain = n != null && PLAIN_NAME.matcher(n).matches();
          parts.add(plain ? (c.getParent().inRoot() ? n : "." + n) : "[" + quoted(n) + "]");
        }
      }
      Collections.reverse(parts);
      return String.join("", parts);
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_NAME_CHARS = 100;

    /** The key as a JSON string, cut after {@value #MAX_NAME_CHARS} characters. */
    private static String quoted(String name) {
      String n = name.length() > MAX_NAME_CHARS
          ? name.substring(0, Character.isHighSurrogate(name.charAt(MAX_NAME_CHARS - 1)) ? MAX_NAME_CHARS - 1 : MAX_NAME_CHARS) + "…"
          : name;
      return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(n)) + "\"";
    }
  }

  // ---------------------------------------------------------------------------------------- JSON

  /** Builds the subtree under a key that pointers start from (see JsonFormat.tree). */
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final class JsonFormat implements Format {
    private final JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH)
                    // records are already bounded by --maxRecordBytes; numbers are kept as text
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();
    private final DuplicateKeys policy;

    JsonFormat(DuplicateKeys policy) {
      this.policy = policy;
    }

    @Override
    public Parsed parse(SourceRecord r) {
      try (JsonParser p = factory.createParser(r.text())) {
        JsonToken first = p.nextToken();
        if (first == null) {
          return Parsed.rejected(Violation.of(Reasons.MALFORMED_JSON, "no JSON value in the record"));
        }
        if (first != JsonToken.START_OBJECT) {
          p.skipChildren();
          JsonToken extra = p.nextToken(); // throws if the value is not well-formed
          if (extra != null) {
            return trailing(p);
          }
          return Parsed.rejected(
              Violation.of(Reasons.NOT_AN_OBJECT, "expected a JSON object, found " + describe(first)));
        }
        String[] values = new String[schema.getFieldCount()];
        String[] problems = new String[values.length];
        String[] nuls = new String[values.length];
        boolean[] seen = new boolean[values.length];
        DupDetector otherKeys = null; // top-level keys that are not schema fields, once one is seen
        Duplicates dups = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          Integer i = fieldIndex.get(name);
          List<Pointer> below = pointerRoots.get(name);
          boolean repeated;
          if (i != null) {
            repeated = seen[i];
            seen[i] = true;
          } else {
            otherKeys = otherKeys == null ? DupDetector.rootDetector(p) : otherKeys;
            repeated = otherKeys.isDup(name);
          }
          if (repeated) {
            dups = Duplicates.add(dups, p, i == null ? null : name);
          }
          JsonToken value = p.nextToken();
          if (repeated && policy == DuplicateKeys.FIRST) {
            dups = skip(p, dups);
            continue;
          }
          if (below != null) {
            Duplicates[] box = {dups};
            JsonNode node = tree(p, box);
            dups = box[0];
            for (Pointer ptr : below) {
              scalar(node.at(ptr.below()), ptr.field(), values, problems, nuls);
            }
            if (i != null) {
              scalar(node, i, values, problems, nuls);
            }
            continue;
          }
          if (i == null) {
            dups = skip(p, dups);
            continue;
          }
          problems[i] = null;
          nuls[i] = null;
          values[i] = null;
          if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            problems[i] = "expected a scalar value, found " + describe(value);
            dups = skip(p, dups);
          } else if (value != JsonToken.VALUE_NULL) {
            values[i] = p.getText(); // numbers: their literal text, never converted
            if (value == JsonToken.VALUE_STRING && values[i].indexOf('\0') >= 0) {
              nuls[i] = "the value contains a NUL character (U+0000)";
            }
          }
        }
        if (t != JsonToken.END_OBJECT) {
          return Parsed.rejected(Violation.of(Reasons.MALFORMED_JSON, "unexpected " + t + where(p.currentLocation())));
        }
        if (p.nextToken() != null) {
          return trailing(p);
        }
        List<Violation> violations = new ArrayList<>();
        if (dups != null && policy == DuplicateKeys.REJECT) {
          violations.add(dups.violation("; a record must give each key once"
              + " (source.duplicate_keys: reject; first or last keeps one of the values)"));
        }
        for (int i = 0; i < values.length; i++) {
          String field = schema.getField(i).getName();
          if (problems[i] != null) {
            violations.add(Violation.ofField(Reasons.NOT_A_SCALAR, null, field, field + ": " + problems[i]));
          }
          if (nuls[i] != null) {
            violations.add(Violation.ofField(Reasons.NUL_BYTE, null, field, field + ": " + nuls[i]));
          }
        }
        List<Violation> warnings = dups == null || policy == DuplicateKeys.REJECT
            ? List.of()
            : List.of(dups.violation(": the " + (policy == DuplicateKeys.FIRST ? "first" : "last")
                + " value is kept (source.duplicate_keys: " + (policy == DuplicateKeys.FIRST ? "first" : "last") + ")"));
        return new Parsed(values, violations, warnings);
      } catch (StreamConstraintsException e) {
        // the only finite read constraint configured is the nesting depth
        return Parsed.rejected(
            Violation.of(
                Reasons.NESTING_TOO_DEEP,
                "JSON nested deeper than " + MAX_JSON_DEPTH + " levels" + where(e.getLocation())));
      } catch (JsonProcessingException e) {
        return Parsed.rejected(
            Violation.of(Reasons.MALFORMED_JSON, "malformed JSON: " + jacksonMessage(e) + where(e.getLocation())));
      } catch (IOException e) {
        return Parsed.rejected(Violation.of(Reasons.MALFORMED_JSON, "malformed JSON: " + e.getMessage()));
      }
    }

    /**
     * Skips the value at the current token like {@link JsonParser#skipChildren}, checking every
     * object inside it for keys given twice (Jackson's {@link DupDetector}, one per open object).
     */
    private Duplicates skip(JsonParser p, Duplicates dups) throws IOException {
      if (!p.currentToken().isStructStart()) {
        return dups;
      }
      DupDetector[] open = new DupDetector[MAX_JSON_DEPTH + 1]; // null for an open array
      int depth = 0;
      open[depth++] = p.currentToken() == JsonToken.START_OBJECT ? DupDetector.rootDetector(p) : null;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          break; // unreachable: Jackson reports end-of-input inside a value
        }
        switch (t) {
          case FIELD_NAME -> {
            if (open[depth - 1].isDup(p.currentName())) {
              dups = Duplicates.add(dups, p, null);
            }
          }
          case START_OBJECT -> open[depth++] = DupDetector.rootDetector(p);
          case START_ARRAY -> open[depth++] = null;
          case END_OBJECT, END_ARRAY -> open[--depth] = null;
          default -> { }
        }
      }
      return dups;
    }

    /**
     * The value at the current token as a tree, for {@code from:} pointers below it: keys given twice
     * are noted as {@link #skip} notes them and decided by the policy (first keeps the first value);
     * numbers keep their literal text.
     */
    private JsonNode tree(JsonParser p, Duplicates[] dups) throws IOException {
      JsonToken t = p.currentToken();
      switch (t) {
        case START_OBJECT -> {
          ObjectNode o = NODES.objectNode();
          DupDetector keys = DupDetector.rootDetector(p);
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            boolean repeated = keys.isDup(key);
            if (repeated) {
              dups[0] = Duplicates.add(dups[0], p, null);
            }
            p.nextToken();
            JsonNode v = tree(p, dups);
            if (!(repeated && policy == DuplicateKeys.FIRST)) {
              o.set(key, v);
            }
          }
          return o;
        }
        case START_ARRAY -> {
          ArrayNode a = NODES.arrayNode();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            a.add(tree(p, dups));
          }
          return a;
        }
        case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          return NODES.textNode(p.getText()); // numbers: their literal text, as read directly
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
        }
        default -> {
          return NODES.nullNode();
        }
      }
    }

    /** A value reached by a pointer (or under a pointer's key): as a streamed value would be read. */
    private static void scalar(JsonNode node, int i, String[] values, String[] problems, String[] nuls) {
      values[i] = null;
      problems[i] = null;
      nuls[i] = null;
      if (node.isContainerNode()) {
        problems[i] = "expected a scalar value, found " + (node.isObject() ? "an object" : "an array");
      } else if (!node.isMissingNode() && !node.isNull()) {
        values[i] = node.isTextual() ? node.textValue() : node.asText();
        if (node.isTextual() && values[i].indexOf('\0') >= 0) {
          nuls[i] = "the value contains a NUL character (U+0000)";
        }
      }
    }

    private Parsed trailing(JsonParser p) {
      return Parsed.rejected(
          Violation.of(
              Reasons.MALFORMED_JSON,
              "malformed JSON: trailing content after the value" + where(p.currentTokenLocation())));
    }

    private static String describe(JsonToken t) {
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> t.toString();
      };
    }
  }

  // ----------------------------------------------------------------------------------------- CSV

  /**
   * How a file's columns map to schema fields: column i → field {@code target[i]} (-1: ignored); or
   * why its records are rejected ({@code reason}, {@code error}), and the header's check.
   */
  private record Layout(int[] target, String reason, String error, HeaderCheck.Result check) {}

  private final class CsvFormat implements Format {
    private final boolean header;
    private final ObjectReader reader;
    private final Layout fixedLayout;
    private final Map<String, Layout> headerLayouts = new ConcurrentHashMap<>();
    private final PipelineSpec.HeaderPolicy policy;

    CsvFormat(CsvSpec csv) {
      this.header = csv.header();
      CsvSchema dialect =
          CsvSchema.emptySchema()
              .withoutHeader()
              .withColumnSeparator(csv.delimiter())
              .withQuoteChar(csv.quote())
              .withoutEscapeChar();
      this.reader =
          new CsvMapper()
              .readerFor(String[].class)
              .with(dialect)
              // without column names in the schema, each row reads as an array of strings
              .without(CsvParser.Feature.WRAP_AS_ARRAY)
              .without(CsvParser.Feature.ALLOW_TRAILING_COMMA)
              .without(CsvParser.Feature.TRIM_SPACES)
              .without(CsvParser.Feature.SKIP_EMPTY_LINES)
              .without(CsvParser.Feature.EMPTY_STRING_AS_NULL);
      this.fixedLayout = header ? null
          : new Layout(csv.columns().isEmpty() ? targets(sourceNames(spec)) : columnTargets(csv.columns()), null, null, null);
      this.policy = csv.headerPolicy();
    }

    @Override
    public Parsed parse(SourceRecord r) {
      Layout layout;
      if (header) {
        if (r.header() == null) {
          return Parsed.rejected(
              Violation.of(Reasons.MALFORMED_CSV, "the file's header line is missing or could not be read"));
        }
        layout = headerLayout(r.header());
        if (layout.error() != null) {
          return Parsed.rejected(Violation.of(layout.reason(), layout.error()));
        }
      } else {
        layout = fixedLayout;
      }
      List<String> columns;
      try {
        columns = split(r.text());
      } catch (MalformedCsv e) {
        return Parsed.rejected(Violation.of(Reasons.MALFORMED_CSV, e.getMessage()));
      }
      int expected = layout.target().length;
      if (columns.size() != expected) {
        return Parsed.rejected(
            Violation.of(
                Reasons.COLUMN_COUNT,
                "expected " + expected + " columns, found " + columns.size()
                    + (header ? " (the header has " + expected + ")" : "")));
      }
      String[] values = new String[schema.getFieldCount()];
      for (int c = 0; c < expected; c++) {
        int f = layout.target()[c];
        if (f >= 0) {
          values[f] = columns.get(c);
        }
      }
      return new Parsed(values, List.of(), List.of());
    }

    private Layout headerLayout(String headerText) {
      Layout cached = headerLayouts.get(headerText);
      if (cached != null) {
        return cached;
      }
      Layout layout;
      try {
        List<String> names = split(headerText);
        for (int i = 0; i < names.size(); i++) {
          names.set(i, names.get(i).trim());
        }
        HeaderCheck.Result check = HeaderCheck.check(names, sourceNames(spec), policy);
        layout = check.refused()
            ? new Layout(new int[0], Reasons.HEADER_MISMATCH, check.refusal(), check)
            : new Layout(targets(names), null, null, check);
      } catch (MalformedCsv e) {
        String why = "the header line is malformed: " + e.getMessage();
        layout = new Layout(new int[0], Reasons.MALFORMED_CSV, why, HeaderCheck.unusable(why));
      }
      if (headerLayouts.size() >= MAX_CACHED_HEADERS) {
        headerLayouts.clear();
      }
      headerLayouts.put(headerText, layout);
      return layout;
    }

    /** {@code csv.columns}: schema field names (others are ignored columns), in column order. */
    private int[] columnTargets(List<String> fields) {
      List<String> all = spec.fieldNames();
      return targets(fields.stream().map(f -> all.contains(f) ? spec.schema().get(all.indexOf(f)).source() : f).toList());
    }

    private int[] targets(List<String> names) {
      int[] target = new int[names.size()];
      Map<Integer, Integer> columnOfField = new HashMap<>();
      for (int c = 0; c < target.length; c++) {
        Integer f = fieldIndex.get(names.get(c));
        target[c] = -1;
        if (f != null) {
          Integer earlier = columnOfField.put(f, c);
          if (earlier != null) {
            target[earlier] = -1; // a name given twice: the last column wins
          }
          target[c] = f;
        }
      }
      return target;
    }

    /** The record's columns; exactly one CSV row is expected. */
    private List<String> split(String text) throws MalformedCsv {
      List<String> columns = new ArrayList<>();
      try (JsonParser p = reader.createParser(text)) {
        JsonToken t = p.nextToken();
        if (t == null) {
          columns.add(""); // an empty record is one empty column
          return columns;
        }
        if (t != JsonToken.START_ARRAY) {
          throw new MalformedCsv("unexpected " + t);
        }
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
          columns.add(p.getText());
        }
        if (t != JsonToken.END_ARRAY) {
          throw new MalformedCsv("unexpected " + t);
        }
        if (p.nextToken() != null) {
          throw new MalformedCsv("the record holds more than one CSV row (a bare CR outside quotes?)");
        }
        return columns;
      } catch (JsonProcessingException e) {
        throw new MalformedCsv(jacksonMessage(e) + where(e.getLocation()));
      } catch (IOException | RuntimeException e) {
        throw new MalformedCsv(String.valueOf(e.getMessage()));
      }
    }
  }

  private static final class MalformedCsv extends Exception {
    MalformedCsv(String message) {
      super(message, null, false, false);
    }
  }
}
