package dev.cauce.spec;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.values.Row;

/**
 * One dataset's pipeline, as declared in {@code pipelines/<name>.yaml} and checked by the spec loader
 * ({@code dev.cauce.spec.load}).
 * Every object in this model is immutable and serializable, so Beam can ship it inside DoFns.
 */
public record PipelineSpec(
    String name,
    String description,
    SourceSpec source,
    List<FieldSpec> schema,
    CleanSpec clean,
    List<RuleSpec> validate,
    DedupeSpec dedupe,
    String output,
    List<SinkSpec> sinks,
    DeadLetterSpec deadLetter,
    QualitySpec quality,
    List<String> dependsOn,
    List<ExpectationSpec> expectations,
    List<ReferenceSpec> references,
    List<DependencySpec> dependencies)
    implements Serializable {

  public PipelineSpec {
    references = references == null ? List.of() : List.copyOf(references);
    dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    schema = List.copyOf(schema);
    validate = List.copyOf(validate);
    sinks = List.copyOf(sinks);
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    expectations = expectations == null ? List.of() : List.copyOf(expectations);
  }

  /** A spec without dependencies. */
  public PipelineSpec(
      String name, String description, SourceSpec source, List<FieldSpec> schema, CleanSpec clean,
      List<RuleSpec> validate, DedupeSpec dedupe, String output, List<SinkSpec> sinks,
      DeadLetterSpec deadLetter, QualitySpec quality, List<String> dependsOn, List<ExpectationSpec> expectations,
      List<ReferenceSpec> references) {
    this(name, description, source, schema, clean, validate, dedupe, output, sinks, deadLetter, quality, dependsOn, expectations,
        references, List.of());
  }

  /** A spec without references. */
  public PipelineSpec(
      String name, String description, SourceSpec source, List<FieldSpec> schema, CleanSpec clean,
      List<RuleSpec> validate, DedupeSpec dedupe, String output, List<SinkSpec> sinks,
      DeadLetterSpec deadLetter, QualitySpec quality, List<String> dependsOn, List<ExpectationSpec> expectations) {
    this(name, description, source, schema, clean, validate, dedupe, output, sinks, deadLetter, quality, dependsOn, expectations,
        List.of());
  }

  /** A spec without expectations. */
  public PipelineSpec(
      String name, String description, SourceSpec source, List<FieldSpec> schema, CleanSpec clean,
      List<RuleSpec> validate, DedupeSpec dedupe, String output, List<SinkSpec> sinks,
      DeadLetterSpec deadLetter, QualitySpec quality, List<String> dependsOn) {
    this(name, description, source, schema, clean, validate, dedupe, output, sinks, deadLetter, quality, dependsOn, List.of());
  }

  /** A spec that depends on no other pipeline. */
  public PipelineSpec(
      String name, String description, SourceSpec source, List<FieldSpec> schema, CleanSpec clean,
      List<RuleSpec> validate, DedupeSpec dedupe, String output, List<SinkSpec> sinks,
      DeadLetterSpec deadLetter, QualitySpec quality) {
    this(name, description, source, schema, clean, validate, dedupe, output, sinks, deadLetter, quality, List.of());
  }

  public Optional<FieldSpec> field(String fieldName) {
    return schema.stream().filter(f -> f.name().equals(fieldName)).findFirst();
  }

  public List<String> fieldNames() {
    return schema.stream().map(FieldSpec::name).toList();
  }

  /** Returns a copy whose source path and output folder are replaced where the arguments are non-null. */
  public PipelineSpec withOverrides(String inputPath, String outputDir) {
    SourceSpec src = inputPath == null ? source : source.withPath(inputPath);
    String out = outputDir == null ? output : outputDir;
    return new PipelineSpec(
        name, description, src, schema, clean, validate, dedupe, out, sinks, deadLetter, quality, dependsOn, expectations,
        references, dependencies);
  }

  /** Returns a copy with these references (paths resolved, header read: see {@code ReferenceSpec}). */
  public PipelineSpec withReferences(List<ReferenceSpec> refs) {
    return new PipelineSpec(
        name, description, source, schema, clean, validate, dedupe, output, sinks, deadLetter, quality, dependsOn, expectations,
        refs, dependencies);
  }

  /** The reference of that name, or null. */
  public ReferenceSpec reference(String refName) {
    return references.stream().filter(r -> r.name().equals(refName)).findFirst().orElse(null);
  }

  /**
   * Where the data comes from: files ({@code path}, {@code format}, {@code csv}), or an HTTP API
   * when {@code http} is set (then {@code path} and {@code csv} are null and the format is JSONL).
   * {@code duplicateKeys}: what a JSON record that gives a key twice becomes.
   */
  public record SourceSpec(String path, Format format, CsvSpec csv, HttpSourceSpec http, DuplicateKeys duplicateKeys)
      implements Serializable {
    public enum Format {
      JSONL,
      CSV
    }

    /** A JSON object giving a key twice: rejected (duplicate_key), or that key's first or last value kept with a warning. */
    public enum DuplicateKeys {
      REJECT,
      FIRST,
      LAST
    }

    public SourceSpec {
      duplicateKeys = duplicateKeys == null ? DuplicateKeys.REJECT : duplicateKeys;
    }

    /** A file source. */
    public SourceSpec(String path, Format format, CsvSpec csv) {
      this(path, format, csv, null, DuplicateKeys.REJECT);
    }

    /** An HTTP API source (JSON records). */
    public static SourceSpec http(HttpSourceSpec http) {
      return new SourceSpec(null, Format.JSONL, null, http, DuplicateKeys.REJECT);
    }

    public boolean isHttp() {
      return http != null;
    }

    public SourceSpec withPath(String newPath) {
      return new SourceSpec(newPath, format, csv, http, duplicateKeys);
    }

    public SourceSpec withDuplicateKeys(DuplicateKeys policy) {
      return new SourceSpec(path, format, csv, http, policy);
    }
  }

  /**
   * CSV dialect. {@code header}: the first record names the columns (matched to schema fields by
   * name); otherwise {@code columns} lists them in order (default: the schema's order). A record
   * spanning several lines (a quoted field with line breaks) may span at most {@code
   * maxQuotedLines} lines and {@code maxQuotedBytes} bytes: beyond, its quote is taken as
   * unterminated (see {@code RecordReader}). {@code headerPolicy}: how a header may differ from the
   * schema.
   */
  public record CsvSpec(char delimiter, char quote, boolean header, List<String> columns, int maxQuotedLines, int maxQuotedBytes,
      HeaderPolicy headerPolicy)
      implements Serializable {
    public static final int DEFAULT_MAX_QUOTED_LINES = 1000;
    public static final int DEFAULT_MAX_QUOTED_BYTES = 1 << 20;
    public static final CsvSpec DEFAULT = new CsvSpec(',', '"', true, List.of());

    public CsvSpec {
      columns = List.copyOf(columns);
      if (maxQuotedLines < 1 || maxQuotedBytes < 1) {
        throw new IllegalArgumentException("maxQuotedLines and maxQuotedBytes must be positive");
      }
      headerPolicy = headerPolicy == null ? HeaderPolicy.DEFAULT : headerPolicy;
    }

    /** A dialect with the default header policy. */
    public CsvSpec(char delimiter, char quote, boolean header, List<String> columns, int maxQuotedLines, int maxQuotedBytes) {
      this(delimiter, quote, header, columns, maxQuotedLines, maxQuotedBytes, HeaderPolicy.DEFAULT);
    }

    /** A dialect with the default bounds of a multi-line record. */
    public CsvSpec(char delimiter, char quote, boolean header, List<String> columns) {
      this(delimiter, quote, header, columns, DEFAULT_MAX_QUOTED_LINES, DEFAULT_MAX_QUOTED_BYTES);
    }

    public CsvSpec withHeaderPolicy(HeaderPolicy policy) {
      return new CsvSpec(delimiter, quote, header, columns, maxQuotedLines, maxQuotedBytes, policy);
    }
  }

  /**
   * How a CSV header may differ from the schema (csv {@code missing_columns}, {@code extra_columns},
   * {@code column_order}); the default refuses a missing column and allows extras and any order.
   */
  public record HeaderPolicy(boolean fillMissing, boolean refuseExtra, boolean strictOrder) implements Serializable {
    public static final HeaderPolicy DEFAULT = new HeaderPolicy(false, false, false);
  }

  /**
   * A schema field. {@code required}: a null after cleaning is a rejection (rule {@code <name>_required}).
   * {@code from}: the source name it is read from (null: its name); {@code derive}: an expression computing
   * it after cleaning (then it is not read); {@code map}: a value dictionary applied after its cleaning steps;
   * {@code lookup}: a column of a reference's matching row, set after derived fields (then it is not read).
   */
  public record FieldSpec(String name, FieldType type, boolean required, String from, String derive, ValueMap map,
      LookupSpec lookup)
      implements Serializable {
    public FieldSpec(String name, FieldType type, boolean required) {
      this(name, type, required, null, null, null, null);
    }

    public FieldSpec(String name, FieldType type, boolean required, String from, String derive, ValueMap map) {
      this(name, type, required, from, derive, map, null);
    }

    /** Whether the field is computed (derived or looked up) rather than read from the source. */
    public boolean computed() {
      return derive != null || lookup != null;
    }

    /** The name the field is read by in the source (a JSON key or pointer, a CSV header text). */
    public String source() {
      return from == null ? name : from;
    }

    public boolean derived() {
      return derive != null;
    }
  }

  /**
   * A field's {@code lookup}: the {@code column} of the row of {@code reference} whose key equals the
   * record's fields {@code on} (in key order); a miss leaves null, or rejects the record ({@code
   * reject}, reason {@code lookup_missed}). A null in {@code on} looks nothing up (null, not a miss).
   */
  public record LookupSpec(String reference, List<String> on, String column, boolean reject) implements Serializable {
    public LookupSpec {
      on = List.copyOf(on);
    }
  }

  /**
   * A value dictionary: {@code entries} from → to ({@code insensitive}: keys matched ignoring case),
   * and a value within {@code nearest} edits (Levenshtein) of exactly one closest key maps to its value.
   */
  public record ValueMap(Map<String, String> entries, boolean insensitive, int nearest) implements Serializable {
    public ValueMap {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
  }

  /**
   * Cleaning. {@code all} runs first on every field's text, then {@code nullTokens} turns matching
   * values (case-insensitive, after {@code all}) into null, then the field's own steps run in order,
   * then the value is converted to its type using the field's {@code formats} (dates, timestamps) or
   * number format.
   */
  public record CleanSpec(
      List<CleanStep> all, List<String> nullTokens, Map<String, FieldCleaning> fields, String timezone)
      implements Serializable {
    public static final List<String> DEFAULT_NULL_TOKENS = List.of("", "N/A", "NA", "null", "none", "empty");

    public CleanSpec {
      all = List.copyOf(all);
      nullTokens = List.copyOf(nullTokens);
      fields = Map.copyOf(fields);
    }

    public static CleanSpec defaults() {
      return new CleanSpec(List.of(CleanStep.simple(CleanStep.Op.TRIM)), DEFAULT_NULL_TOKENS, Map.of(), "UTC");
    }

    public FieldCleaning forField(String field) {
      return fields.getOrDefault(field, FieldCleaning.NONE);
    }
  }

  /**
   * One field's cleaning: ordered {@code steps}, a {@code defaultValue} used when the value is null
   * after the steps, accepted input {@code formats} for date/timestamp fields (java.time patterns or
   * {@code iso}, {@code epoch_seconds}, {@code epoch_millis}), and for numbers the grouping and
   * decimal separators.
   */
  public record FieldCleaning(
      List<CleanStep> steps,
      String defaultValue,
      List<String> formats,
      Character groupingSeparator,
      Character decimalSeparator)
      implements Serializable {
    public static final FieldCleaning NONE = new FieldCleaning(List.of(), null, List.of(), null, null);

    public FieldCleaning {
      steps = List.copyOf(steps);
      formats = List.copyOf(formats);
    }
  }

  /**
   * One text cleaning step. {@code pattern} is a Java regex for STRIP/REPLACE/EXTRACT, {@code
   * replacement} the REPLACE text ({@code $1} groups allowed), {@code tokens} the NULL_IF values.
   */
  public record CleanStep(Op op, String pattern, String replacement, List<String> tokens)
      implements Serializable {
    public enum Op {
      TRIM("trim"),
      COLLAPSE_WHITESPACE("collapse_whitespace"),
      LOWER("lower"),
      UPPER("upper"),
      STRIP("strip"),
      REPLACE("replace"),
      EXTRACT("extract"),
      NULL_IF("null_if");

      private final String specName;

      Op(String specName) {
        this.specName = specName;
      }

      public String specName() {
        return specName;
      }

      public static Op fromSpec(String s) {
        for (Op op : values()) {
          if (op.specName.equals(s)) {
            return op;
          }
        }
        return null;
      }
    }

    public CleanStep {
      tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public static CleanStep simple(Op op) {
      return new CleanStep(op, null, null, List.of());
    }
  }

  /**
   * A validation rule: its {@code name} is the reason code of the records it fails. Each rule type is
   * one class of {@code dev.cauce.validate.rules} holding its own settings, spec keys and check.
   */
  public interface RuleSpec extends Serializable {
    enum Severity {
      ERROR,
      WARN
    }

    String name();

    /** The rule type as the spec names it: {@code range}, {@code regex}, ... */
    String type();

    /** The field the rule checks; null for rules that read several fields (expressions). */
    String field();

    Severity severity();

    /** The spec's message for a failure, or null for a generated one. */
    String message();

    /**
     * The rule compiled for rows of {@code schema} (timestamps without offset read in {@code zone}).
     *
     * @throws IllegalArgumentException when the rule does not fit the schema
     */
    Check check(List<FieldSpec> schema, ZoneId zone);

    /**
     * The same, for a rule that reads the run's reference tables ({@code in_reference}; others ignore
     * them): {@code tables} gives a reference's rows by key, by reference name.
     */
    default Check check(List<FieldSpec> schema, ZoneId zone, java.util.function.Function<String, Map<String, List<String>>> tables) {
      return check(schema, zone);
    }

    /** A failure's message: the spec's message if it has one, else {@code generated}. */
    default String fail(String generated) {
      return message() != null ? message() : generated;
    }

    /** The message of a rule that could not be evaluated: always says why (after the spec's message). */
    default String broken(String why) {
      return message() != null ? message() + " (" + why + ")" : why;
    }

    /** A compiled rule: {@link #check} returns null when the typed row passes, else the failure's message. */
    interface Check {
      String check(Row row);
    }
  }

  /** Keep one record per key: the first in source order, or the latest by {@code orderBy}. */
  /**
   * {@code dropped}: the folder {@code <output>/<dropped>/} that lists each record dropped as a
   * duplicate with its key and the record kept instead (JSON Lines); null for none.
   */
  public record DedupeSpec(List<String> key, Keep keep, String orderBy, int buckets, String dropped) implements Serializable {
    public enum Keep {
      FIRST,
      LATEST
    }

    public DedupeSpec {
      key = List.copyOf(key);
    }

    /** Dropped records not written anywhere. */
    public DedupeSpec(List<String> key, Keep keep, String orderBy, int buckets) {
      this(key, keep, orderBy, buckets, null);
    }
  }

  /**
   * A sink. A file sink ({@code type: file}, the default) is published at {@code <output>/<name>/},
   * written by shards. A {@code type: jdbc} sink has {@code jdbc} set and writes to a PostgreSQL
   * table instead; its {@code format}, {@code shards} and {@code mode} are unused.
   */
  public record SinkSpec(String name, SinkFormat format, int shards, WriteMode mode, JdbcSpec jdbc)
      implements Serializable {
    /** A file sink. */
    public SinkSpec(String name, SinkFormat format, int shards, WriteMode mode) {
      this(name, format, shards, mode, null);
    }

    /** A {@code type: jdbc} sink. */
    public static SinkSpec jdbc(String name, JdbcSpec jdbc) {
      return new SinkSpec(name, SinkFormat.JSONL, 0, WriteMode.OVERWRITE, java.util.Objects.requireNonNull(jdbc));
    }

    public boolean isJdbc() {
      return jdbc != null;
    }
  }

  public enum SinkFormat {
    JSONL("jsonl"),
    CSV("csv"),
    PARQUET("parquet");

    private final String specName;

    SinkFormat(String specName) {
      this.specName = specName;
    }

    public String specName() {
      return specName;
    }

    public String extension() {
      return "." + specName;
    }
  }

  /** overwrite: a publish replaces the sink's files; append: it adds this run's files. */
  public enum WriteMode {
    OVERWRITE,
    APPEND
  }

  /**
   * Where rejections go: {@code <output>/<name>/}, JSONL (default) or CSV; and, when {@code table}
   * is set, to that PostgreSQL table as well. {@code warned}, when set, is the folder {@code <output>/<warned>/} that lists each record kept
   * with warnings, with its warnings (JSON Lines, in the dead letter's mode).
   */
  public record DeadLetterSpec(String name, SinkFormat format, WriteMode mode, JdbcSpec table, String warned)
      implements Serializable {
    public static final DeadLetterSpec DEFAULT = new DeadLetterSpec("rejected", SinkFormat.JSONL, WriteMode.OVERWRITE);

    public DeadLetterSpec(String name, SinkFormat format, WriteMode mode) {
      this(name, format, mode, null, null);
    }

    public DeadLetterSpec(String name, SinkFormat format, WriteMode mode, JdbcSpec table) {
      this(name, format, mode, table, null);
    }
  }

  /**
   * The quality gate: a run whose rejected share exceeds {@code maxRejectedRatio}, or whose count or
   * share of a rule's violations exceeds that rule's limit, is refused (nothing published).
   */
  /**
   * The quality gate. {@code allowEmpty}: a spec that sets no limit is still refused a run that
   * rejects every record or writes none over a live dataset, unless this is true.
   */
  public record QualitySpec(Double maxRejectedRatio, Long minRecords, Map<String, RuleLimit> limits, boolean allowEmpty)
      implements Serializable {
    public static final QualitySpec NONE = new QualitySpec(null, null, Map.of(), false);

    public QualitySpec {
      limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
    }

    public QualitySpec(Double maxRejectedRatio, Long minRecords, Map<String, RuleLimit> limits) {
      this(maxRejectedRatio, minRecords, limits, false);
    }

    /** The gate for a {@code --replay}: a few repaired records are not a short batch, so no {@code min_records}. */
    public QualitySpec forReplay() {
      return new QualitySpec(maxRejectedRatio, null, limits, allowEmpty);
    }

    /** True when the spec sets no limit of its own: the default guard against empty runs applies. */
    public boolean setsNoLimit() {
      return maxRejectedRatio == null && minRecords == null && limits.isEmpty();
    }
  }

  public record RuleLimit(Double maxRatio, Long maxCount) implements Serializable {}
}
