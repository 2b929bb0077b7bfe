package dev.cauce.clean;

import dev.cauce.clean.Conversions.Converter;
import dev.cauce.clean.Conversions.Refused;
import dev.cauce.clean.TextSteps.TextStep;
import dev.cauce.coders.Schemas;
import dev.cauce.model.Reasons;
import dev.cauce.model.Result;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CleanStep;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The clean stage: turns a raw row ({@link Schemas#raw}, every field a nullable string) into a typed
 * row ({@link Schemas#typed}).
 *
 * <p>Each field's text goes through, in order: the {@code clean.all} steps; the null tokens
 * (case-insensitive, whole value); the field's own steps; its dictionary ({@code map}, see {@link
 * ValueMapper}); its default when the value is null; and
 * the conversion to the field's type. Every field is processed and every problem reported: a record
 * with three bad fields yields three {@link Violation}s (reason such as {@link Reasons#INVALID_NUMBER},
 * rule {@code type:<type>} or the failing step's name, the field, and a message naming the value).
 * A step that throws at run time yields {@link Reasons#CLEAN_FAILED}; nothing a record contains makes
 * {@link #clean} throw (regexes run in linear time, see {@link dev.cauce.regex.UserRegex}).
 *
 * <p>Regexes and formatters are compiled once, in {@link #create}. A Cleaner is immutable and
 * thread-safe.
 */
public final class Cleaner {
  /** Values longer than this are truncated in violation messages. */
  static final int MAX_SHOWN_CHARS = 100;

  private final Schema typedSchema;
  private final List<FieldCleaner> fields;

  private Cleaner(Schema typedSchema, List<FieldCleaner> fields) {
    this.typedSchema = typedSchema;
    this.fields = fields;
  }

  /**
   * Compiles a spec's cleaning.
   *
   * @throws IllegalArgumentException when the spec has an invalid regex, replacement, format,
   *     timezone or default value (the spec loader normally refuses these first)
   */
  public static Cleaner create(PipelineSpec spec) {
    CleanSpec clean = spec.clean() == null ? CleanSpec.defaults() : spec.clean();
    ZoneId zone = zone(clean.timezone());
    List<TextStep> all = compileSteps(clean.all(), "clean.all");
    Set<String> nullTokens = TextSteps.caseInsensitiveSet(clean.nullTokens());
    List<FieldCleaner> fields = new ArrayList<>();
    for (FieldSpec f : spec.schema()) {
      FieldCleaning fc = clean.forField(f.name());
      String where = "clean.fields." + f.name();
      Converter converter = Conversions.of(f.type(), fc, zone, where);
      Object defaultValue = null;
      if (fc.defaultValue() != null) {
        try {
          defaultValue = converter.convert(fc.defaultValue());
        } catch (Refused e) {
          throw new IllegalArgumentException(
              where + ".default: \"" + fc.defaultValue() + "\" " + e.getMessage(), e);
        }
      }
      List<TextStep> steps = compileSteps(fc.steps(), where + ".steps");
      fields.add(
          new FieldCleaner(
              f.name(),
              "type:" + f.type().specName(),
              all,
              nullTokens,
              steps,
              ValueMapper.of(f.map()),
              defaultValue,
              converter,
              new StepNames(f.name(), all, steps)));
    }
    return new Cleaner(Schemas.typed(spec), List.copyOf(fields));
  }

  /** The schema of the rows {@link #clean} returns. */
  public Schema typedSchema() {
    return typedSchema;
  }

  /**
   * Cleans and converts one raw row.
   *
   * @param raw a row of {@link Schemas#raw} (fields are read by position)
   * @return the typed row, or every violation found in it
   */
  public Result<Row> clean(Row raw) {
    return clean(raw, field -> {});
  }

  /** Told of each value a field's dictionary ({@code map}) changed. */
  @FunctionalInterface
  public interface Mapped {
    void changed(String field);
  }

  /**
   * Told of each value a cleaning step changed, by the step's name {@code <step>.<field>}: {@code
   * <step>} is a text step's op ({@code trim}, {@code lower}, ...; {@code clean.all}'s and the field's
   * own steps alike), {@code null_tokens} (a value that became null), {@code map} (the dictionary)
   * or {@code default} (a null that took the default). The same String instance each time.
   */
  @FunctionalInterface
  public interface Changed {
    void changed(String step);
  }

  /** {@link #clean(Row)}, telling {@code mapped} of each value a dictionary changed. */
  public Result<Row> clean(Row raw, Mapped mapped) {
    return clean(raw, mapped, step -> {});
  }

  /** {@link #clean(Row, Mapped)}, telling {@code changed} of each value any step changed. */
  public Result<Row> clean(Row raw, Mapped mapped, Changed changed) {
    List<Object> values = new ArrayList<>(fields.size());
    List<Violation> violations = null;
    for (int i = 0; i < fields.size(); i++) {
      FieldCleaner field = fields.get(i);
      Object value;
      try {
        value = field.clean(raw.getString(i), mapped, changed);
      } catch (FieldViolation v) {
        if (violations == null) {
          violations = new ArrayList<>();
        }
        violations.add(v.violation);
        value = null;
      }
      values.add(value);
    }
    if (violations != null) {
      return Result.rejected(violations);
    }
    // attachValues, not addValues(...).build(): build() re-verifies every value against the schema
    // through FieldAccessDescriptor lookups (a third of the baseline's cleaning time in the profile);
    // the converters already produce exactly the schema's Java types (Schemas#typed).
    return Result.ok(Row.withSchema(typedSchema).attachValues(values));
  }

  private static List<TextStep> compileSteps(List<CleanStep> steps, String where) {
    List<TextStep> compiled = new ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      compiled.add(TextSteps.compile(steps.get(i), where + "[" + i + "]"));
    }
    return List.copyOf(compiled);
  }

  private static ZoneId zone(String timezone) {
    if (timezone == null || timezone.isBlank()) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("clean.timezone: invalid zone \"" + timezone + "\": " + e.getMessage(), e);
    }
  }

  /** {@code "value"}, truncated to {@value #MAX_SHOWN_CHARS} characters. */
  static String quote(String value) {
    if (value.length() <= MAX_SHOWN_CHARS) {
      return "\"" + value + "\"";
    }
    int end = Character.isHighSurrogate(value.charAt(MAX_SHOWN_CHARS - 1)) ? MAX_SHOWN_CHARS - 1 : MAX_SHOWN_CHARS;
    return "\"" + value.substring(0, end) + "\"...";
  }

  /** Carries one field's violation out of {@link FieldCleaner#clean}; no stack trace. */
  private static final class FieldViolation extends Exception {
    final transient Violation violation;

    FieldViolation(Violation violation) {
      super(violation.message(), null, false, false);
      this.violation = violation;
    }
  }

  /** The names a field's changes are told by ({@link Changed}), made once. */
  private record StepNames(String[] all, String[] steps, String nullTokens, String map, String defaultValue) {
    StepNames(String field, List<TextStep> all, List<TextStep> steps) {
      this(names(field, all), names(field, steps), "null_tokens." + field, "map." + field, "default." + field);
    }

    private static String[] names(String field, List<TextStep> chain) {
      return chain.stream().map(t -> t.name() + "." + field).toArray(String[]::new);
    }
  }

  /** One field's compiled cleaning. */
  private record FieldCleaner(
      String name,
      String typeRule,
      List<TextStep> all,
      Set<String> nullTokens,
      List<TextStep> steps,
      ValueMapper map,
      Object defaultValue,
      Converter converter,
      StepNames names) {

    Object clean(String text, Mapped mapped, Changed changed) throws FieldViolation {
      String value = run(all, text, names.all(), changed);
      if (value != null && nullTokens.contains(value)) {
        value = null;
        changed.changed(names.nullTokens());
      }
      value = run(steps, value, names.steps(), changed);
      if (map != null && value != null) {
        String to = map.map(value);
        if (!to.equals(value)) {
          mapped.changed(name);
          changed.changed(names.map());
          value = to;
        }
      }
      if (value == null) {
        if (defaultValue != null) {
          changed.changed(names.defaultValue());
        }
        return defaultValue;
      }
      try {
        return converter.convert(value);
      } catch (Refused e) {
        throw new FieldViolation(
            Violation.ofField(e.reason, typeRule, name, name + ": " + quote(value) + " " + e.getMessage()));
      } catch (RuntimeException | StackOverflowError e) {
        throw failed(typeRule, value, e);
      }
    }

    private String run(List<TextStep> chain, String text, String[] stepNames, Changed changed) throws FieldViolation {
      String value = text;
      for (int i = 0; i < stepNames.length; i++) {
        if (value == null) {
          return null;
        }
        TextStep step = chain.get(i);
        String before = value;
        try {
          value = step.apply(value);
        } catch (RuntimeException | StackOverflowError e) {
          throw failed(step.name(), value, e);
        }
        if (value != before && (value == null || !value.equals(before))) { // unchanged steps mostly return their input
          changed.changed(stepNames[i]);
        }
      }
      return value;
    }

    private FieldViolation failed(String rule, String value, Throwable e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
      return new FieldViolation(
          Violation.ofField(
              Reasons.CLEAN_FAILED, rule, name, name + ": " + rule + " failed on " + quote(value) + ": " + why));
    }
  }
}
