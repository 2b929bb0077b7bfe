package dev.cauce.validate.rules;

import static dev.cauce.validate.rules.RuleValues.show;

import dev.cauce.clean.TypedValues;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.read.SpecNodes.MapView;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.joda.time.ReadableInstant;

/**
 * {@code range}: a numeric, date or timestamp field lies between {@code min} and {@code max} (either
 * may be left out; both inclusive unless {@code min_inclusive}/{@code max_inclusive} say false).
 * Bounds are kept as written and compared in the field's type: numbers as BigDecimal, dates,
 * timestamps (a bound without offset is read in {@code clean.timezone}).
 */
public record RangeRule(
    String name, String field, String min, String max, boolean minInclusive, boolean maxInclusive,
    Severity severity, String message) implements RuleSpec {
  public static final RuleType TYPE = new RuleType(
      "range", List.of("field", "min", "max", "min_inclusive", "max_inclusive"), Map.of(), RangeRule::read);

  static RangeRule read(RuleEntry e) {
    MapView m = e.map();
    String min = m.text("min");
    String max = m.text("max");
    Boolean minInclusive = m.bool("min_inclusive", true);
    Boolean maxInclusive = m.bool("max_inclusive", true);
    checkBounds(e, minInclusive == null || minInclusive, maxInclusive == null || maxInclusive);
    if (minInclusive == null || maxInclusive == null) {
      return null;
    }
    return new RangeRule(e.name(), e.field(), min, max, minInclusive, maxInclusive, e.severity(), e.message());
  }

  private static void checkBounds(RuleEntry e, boolean minInclusive, boolean maxInclusive) {
    MapView m = e.map();
    if (!m.has("min") && !m.has("max")) {
      e.problem("a range rule needs min, max or both");
    }
    FieldType type = e.fieldType();
    if (type == null) {
      return;
    }
    if (!type.isNumeric() && !type.isTemporal()) {
      e.problem("field", "a range rule needs a numeric, date or timestamp field; " + e.field() + " is " + type.specName());
      return;
    }
    Comparable<?> lo = bound(e, "min", type);
    Comparable<?> hi = bound(e, "max", type);
    if (lo != null && hi != null) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      int c = ((Comparable) lo).compareTo(hi);
      if (c > 0) {
        e.problem("max", "max " + m.text("max") + " is less than min " + m.text("min"));
      } else if (c == 0 && !(minInclusive && maxInclusive)) {
        e.problem("max", "the range is empty: min and max are equal and a bound is exclusive");
      }
    }
  }

  private static Comparable<?> bound(RuleEntry e, String key, FieldType type) {
    String t = e.map().text(key);
    if (t == null) {
      return null;
    }
    Comparable<?> v = TypedValues.rangeBound(type, t, e.zone());
    String expected =
        type.isNumeric()
            ? "is not a number"
            : type == FieldType.DATE
                ? "is not an ISO date (yyyy-MM-dd)"
                : "is not an ISO timestamp (such as 2024-01-31T12:00:00Z or 2024-01-31T12:00:00)";
    if (v == null) {
      e.problem(key, key + " \"" + t + "\" " + expected);
    }
    return v;
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    String where = RuleValues.where(this);
    int index = RuleValues.index(schema, this);
    FieldType type = schema.get(index).type();
    if (!type.isNumeric() && !type.isTemporal()) {
      throw new IllegalArgumentException(
          where + ": range needs a numeric, date or timestamp field; " + field + " is " + type.specName());
    }
    Comparable<Object> lo = bound(min, type, zone, where + ".min");
    Comparable<Object> hi = bound(max, type, zone, where + ".max");
    String minText = min == null ? null : min.trim();
    String maxText = max == null ? null : max.trim();
    return row -> {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      if (raw instanceof Double d && (d.isNaN() || d.isInfinite())) {
        return fail(field + " must be a finite number, was " + d);
      }
      Comparable<Object> value = (Comparable<Object>) comparable(raw, type);
      if (lo != null) {
        int c = value.compareTo(lo);
        if (c < 0 || (c == 0 && !minInclusive)) {
          return fail(field + " must be " + (minInclusive ? ">= " : "> ") + minText + ", was " + show(raw));
        }
      }
      if (hi != null) {
        int c = value.compareTo(hi);
        if (c > 0 || (c == 0 && !maxInclusive)) {
          return fail(field + " must be " + (maxInclusive ? "<= " : "< ") + maxText + ", was " + show(raw));
        }
      }
      return null;
    };
  }

  @SuppressWarnings("unchecked")
  private static Comparable<Object> bound(String text, FieldType type, ZoneId zone, String where) {
    if (text == null) {
      return null;
    }
    Comparable<?> b = TypedValues.rangeBound(type, text, zone);
    if (b == null) {
      throw new IllegalArgumentException(
          where + ": \"" + text + "\" is not a " + (type.isNumeric() ? "number" : "ISO " + type.specName()));
    }
    return (Comparable<Object>) b;
  }

  private static Comparable<?> comparable(Object v, FieldType type) {
    if (type.isNumeric()) {
      return RuleValues.toBigDecimal(v);
    }
    if (v instanceof ReadableInstant i) {
      return Instant.ofEpochMilli(i.getMillis());
    }
    return (Comparable<?>) v;
  }
}
