package dev.cauce.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.cauce.coders.Schemas;
import dev.cauce.model.Reasons;
import dev.cauce.model.Result;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CsvSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Turns a record's text into a raw {@link Row} of {@link Schemas#raw}: every schema field a nullable
 * string, in schema order, holding the text found in the input. Bad records never throw; they come
 * back as {@link Result#rejected} with a parse reason code.
 *
 * <p>Every format: a record containing U+0000 is rejected as {@link Reasons#NUL_BYTE}.
 *
 * <p>{@code jsonl}: the record must be one JSON object and nothing else ({@link
 * Reasons#MALFORMED_JSON} for truncated input, trailing tokens, NaN/Infinity, bad escapes or
 * numbers; {@link Reasons#NOT_AN_OBJECT} for well-formed arrays, scalars or null; {@link
 * Reasons#NESTING_TOO_DEEP} beyond {@value #MAX_JSON_DEPTH} levels). Schema fields are taken from
 * the properties of the same name: strings as they are, numbers as their literal text ({@code
 * 12.50}, {@code 1e3}, and integers of any size stay as written), booleans as {@code true}/{@code
 * false}, null and absent properties as null. An object or array in a schema field is {@link
 * Reasons#NOT_A_SCALAR} (every such field is reported). Other properties are ignored. A property
 * given twice: the last one wins. A string value holding U+0000 (written {@code \u0000}) is {@link
 * Reasons#NUL_BYTE} too.
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
      if (f.derived()) {
        continue; // computed after cleaning, never read
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
            : new JsonFormat();
  }

  /** A field read by a JSON pointer: its index and the pointer below the record's top-level key. */
  private record Pointer(int field, JsonPointer below) {}

  /** The names fields are read by in the source, in schema order (derived fields have none). */
  public static List<String> sourceNames(PipelineSpec spec) {
    return spec.schema().stream().filter(f -> !f.derived()).map(FieldSpec::source).toList();
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

  /** Parses one record: a raw row, or the violations that reject it. */
  public Result<Row> parse(SourceRecord r) {
    String text = r.text();
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      return Result.rejected(
          Violation.of(Reasons.NUL_BYTE, "the record contains a NUL character (U+0000) at character " + nul));
    }
    return format.parse(r);
  }

  private Row row(String[] values) {
    return Row.withSchema(schema).attachValues(new ArrayList<Object>(Arrays.asList(values)));
  }

  private interface Format {
    Result<Row> parse(SourceRecord r);
  }

  /** Jackson advice and echoed input that mean nothing to a reader of the dead letter. */
  private static final Pattern JACKSON_NOISE =
      Pattern.compile(":? ?enable `[^`]*` to allow| ?\\(start marker at \\[Source: .*?\\]\\)", Pattern.DOTALL);

  private static String jacksonMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    return m == null ? e.getClass().getSimpleName() : JACKSON_NOISE.matcher(m).replaceAll("");
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getColumnNr() < 1 ? "" : " (at character " + loc.getColumnNr() + ")";
  }

  // ---------------------------------------------------------------------------------------- JSON

  /** Reads the subtree under a key that pointers start from; decimals keep their digits (12.50). */
  private static final ObjectMapper TREES =
      JsonMapper.builder()
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

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

    @Override
    public Result<Row> parse(SourceRecord r) {
      try (JsonParser p = factory.createParser(r.text())) {
        JsonToken first = p.nextToken();
        if (first == null) {
          return Result.rejected(Violation.of(Reasons.MALFORMED_JSON, "no JSON value in the record"));
        }
        if (first != JsonToken.START_OBJECT) {
          p.skipChildren();
          JsonToken extra = p.nextToken(); // throws if the value is not well-formed
          if (extra != null) {
            return trailing(p);
          }
          return Result.rejected(
              Violation.of(Reasons.NOT_AN_OBJECT, "expected a JSON object, found " + describe(first)));
        }
        String[] values = new String[schema.getFieldCount()];
        String[] problems = new String[values.length];
        String[] nuls = new String[values.length];
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          Integer i = fieldIndex.get(p.currentName());
          List<Pointer> below = pointerRoots.get(p.currentName());
          JsonToken value = p.nextToken();
          if (below != null) {
            JsonNode node = TREES.readTree(p);
            for (Pointer ptr : below) {
              scalar(node.at(ptr.below()), ptr.field(), values, problems, nuls);
            }
            if (i != null) {
              scalar(node, i, values, problems, nuls);
            }
            continue;
          }
          if (i == null) {
            p.skipChildren();
            continue;
          }
          problems[i] = null;
          nuls[i] = null;
          values[i] = null;
          if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            problems[i] = "expected a scalar value, found " + describe(value);
            p.skipChildren();
          } else if (value != JsonToken.VALUE_NULL) {
            values[i] = p.getText(); // numbers: their literal text, never converted
            if (value == JsonToken.VALUE_STRING && values[i].indexOf('\0') >= 0) {
              nuls[i] = "the value contains a NUL character (U+0000)";
            }
          }
        }
        if (t != JsonToken.END_OBJECT) {
          return Result.rejected(Violation.of(Reasons.MALFORMED_JSON, "unexpected " + t + where(p.currentLocation())));
        }
        if (p.nextToken() != null) {
          return trailing(p);
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
          String field = schema.getField(i).getName();
          if (problems[i] != null) {
            violations.add(Violation.ofField(Reasons.NOT_A_SCALAR, null, field, field + ": " + problems[i]));
          }
          if (nuls[i] != null) {
            violations.add(Violation.ofField(Reasons.NUL_BYTE, null, field, field + ": " + nuls[i]));
          }
        }
        return violations.isEmpty() ? Result.ok(row(values)) : Result.rejected(violations);
      } catch (StreamConstraintsException e) {
        // the only finite read constraint configured is the nesting depth
        return Result.rejected(
            Violation.of(
                Reasons.NESTING_TOO_DEEP,
                "JSON nested deeper than " + MAX_JSON_DEPTH + " levels" + where(e.getLocation())));
      } catch (JsonProcessingException e) {
        return Result.rejected(
            Violation.of(Reasons.MALFORMED_JSON, "malformed JSON: " + jacksonMessage(e) + where(e.getLocation())));
      } catch (IOException e) {
        return Result.rejected(Violation.of(Reasons.MALFORMED_JSON, "malformed JSON: " + e.getMessage()));
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

    private Result<Row> trailing(JsonParser p) {
      return Result.rejected(
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
    public Result<Row> parse(SourceRecord r) {
      Layout layout;
      if (header) {
        if (r.header() == null) {
          return Result.rejected(
              Violation.of(Reasons.MALFORMED_CSV, "the file's header line is missing or could not be read"));
        }
        layout = headerLayout(r.header());
        if (layout.error() != null) {
          return Result.rejected(Violation.of(layout.reason(), layout.error()));
        }
      } else {
        layout = fixedLayout;
      }
      List<String> columns;
      try {
        columns = split(r.text());
      } catch (MalformedCsv e) {
        return Result.rejected(Violation.of(Reasons.MALFORMED_CSV, e.getMessage()));
      }
      int expected = layout.target().length;
      if (columns.size() != expected) {
        return Result.rejected(
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
      return Result.ok(row(values));
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
