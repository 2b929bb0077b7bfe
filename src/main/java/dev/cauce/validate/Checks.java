package dev.cauce.validate;

import dev.cauce.clean.BoundedText;
import dev.cauce.clean.Temporals;
import dev.cauce.clean.TypedValues;
import dev.cauce.core.Violation;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;
import org.joda.time.ReadableInstant;

/** The compiled rules of a {@link Validator}: one {@link Check} per rule, built once. */
final class Checks {
  private Checks() {}

  static final int MAX_SHOWN_CHARS = 100;

  /** A compiled rule. {@link #check} returns null when the row passes. */
  abstract static class Check {
    final String name;
    final String ruleType;
    final String field;
    final boolean error;
    final String message;

    Check(String name, String ruleType, String field, Severity severity, String message) {
      this.name = name;
      this.ruleType = ruleType;
      this.field = field;
      this.error = severity != Severity.WARN;
      this.message = message;
    }

    abstract Violation check(Row row);

    /** The rule failed: the spec's message if it has one, else the generated one. */
    Violation fail(String generated) {
      return new Violation(name, ruleType, field, message != null ? message : generated);
    }

    /** The rule could not be evaluated: always says why (after the spec's message, if any). */
    Violation broken(String why) {
      return new Violation(name, ruleType, field, message != null ? message + " (" + why + ")" : why);
    }
  }

  /** Builds a rule's check. */
  static Check of(RuleSpec rule, PipelineSpec spec, ZoneId zone) {
    String where = "validate." + rule.name();
    if (rule.type() == null) {
      throw new IllegalArgumentException(where + ": missing rule type");
    }
    if (rule.type() == RuleSpec.RuleType.EXPRESSION) {
      return new ExpressionCheck(rule, spec, where);
    }
    FieldSpec f =
        spec.field(rule.field())
            .orElseThrow(
                () -> new IllegalArgumentException(where + ": \"" + rule.field() + "\" is not a schema field"));
    int index = spec.fieldNames().indexOf(f.name());
    return switch (rule.type()) {
      case NOT_NULL -> new NotNull(rule.name(), f.name(), index, rule.severity(), rule.message(), f.name() + " must not be null");
      case RANGE -> new RangeCheck(rule, f, index, zone, where);
      case LENGTH -> new LengthCheck(rule, index, where);
      case REGEX -> new RegexCheck(rule, index, where);
      case IN -> new InCheck(rule, f, index, zone);
      case EXPRESSION -> throw new AssertionError();
    };
  }

  /** The implicit rule of a {@code required: true} field: {@code <field>_required}, severity error. */
  static Check required(FieldSpec f, int index) {
    return new NotNull(f.name() + "_required", f.name(), index, Severity.ERROR, null, f.name() + " is required");
  }

  static final class NotNull extends Check {
    private final int index;
    private final String generated;

    NotNull(String name, String field, int index, Severity severity, String message, String generated) {
      super(name, "not_null", field, severity, message);
      this.index = index;
      this.generated = generated;
    }

    @Override
    Violation check(Row row) {
      return row.getValue(index) == null ? fail(generated) : null;
    }
  }

  static final class RangeCheck extends Check {
    private final int index;
    private final FieldType type;
    private final Comparable<Object> min;
    private final Comparable<Object> max;
    private final String minText;
    private final String maxText;
    private final boolean minInclusive;
    private final boolean maxInclusive;

    RangeCheck(RuleSpec rule, FieldSpec f, int index, ZoneId zone, String where) {
      super(rule.name(), "range", f.name(), rule.severity(), rule.message());
      if (!f.type().isNumeric() && !f.type().isTemporal()) {
        throw new IllegalArgumentException(
            where + ": range needs a numeric, date or timestamp field; " + f.name() + " is " + f.type().specName());
      }
      this.index = index;
      this.type = f.type();
      this.min = bound(rule.min(), f.type(), zone, where + ".min");
      this.max = bound(rule.max(), f.type(), zone, where + ".max");
      this.minText = rule.min() == null ? null : rule.min().trim();
      this.maxText = rule.max() == null ? null : rule.max().trim();
      this.minInclusive = rule.minInclusive();
      this.maxInclusive = rule.maxInclusive();
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

    @Override
    @SuppressWarnings("unchecked")
    Violation check(Row row) {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      if (raw instanceof Double d && (d.isNaN() || d.isInfinite())) {
        return fail(field + " must be a finite number, was " + d);
      }
      Comparable<Object> value = (Comparable<Object>) comparable(raw, type);
      if (min != null) {
        int c = value.compareTo(min);
        if (c < 0 || (c == 0 && !minInclusive)) {
          return fail(field + " must be " + (minInclusive ? ">= " : "> ") + minText + ", was " + show(raw));
        }
      }
      if (max != null) {
        int c = value.compareTo(max);
        if (c > 0 || (c == 0 && !maxInclusive)) {
          return fail(field + " must be " + (maxInclusive ? "<= " : "< ") + maxText + ", was " + show(raw));
        }
      }
      return null;
    }

    private static Comparable<?> comparable(Object v, FieldType type) {
      if (type.isNumeric()) {
        return toBigDecimal(v);
      }
      if (v instanceof ReadableInstant i) {
        return Instant.ofEpochMilli(i.getMillis());
      }
      return (Comparable<?>) v;
    }
  }

  static final class LengthCheck extends Check {
    private final int index;
    private final Integer min;
    private final Integer max;

    LengthCheck(RuleSpec rule, int index, String where) {
      super(rule.name(), "length", rule.field(), rule.severity(), rule.message());
      this.index = index;
      this.min = count(rule.min(), where + ".min");
      this.max = count(rule.max(), where + ".max");
    }

    private static Integer count(String text, String where) {
      if (text == null) {
        return null;
      }
      try {
        int n = new BigDecimal(text.trim()).intValueExact();
        if (n < 0) {
          throw new ArithmeticException("negative");
        }
        return n;
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException(where + ": \"" + text + "\" is not a length (a whole number >= 0)", e);
      }
    }

    @Override
    Violation check(Row row) {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      String s = text(raw);
      int n = s.codePointCount(0, s.length());
      if (min != null && n < min) {
        return fail(field + " must have at least " + min + " characters, had " + n + ": " + quote(s));
      }
      if (max != null && n > max) {
        return fail(field + " must have at most " + max + " characters, had " + n + ": " + quote(s));
      }
      return null;
    }
  }

  static final class RegexCheck extends Check {
    private final int index;
    private final Pattern pattern;

    RegexCheck(RuleSpec rule, int index, String where) {
      super(rule.name(), "regex", rule.field(), rule.severity(), rule.message());
      this.index = index;
      if (rule.pattern() == null) {
        throw new IllegalArgumentException(where + ": regex needs a pattern");
      }
      try {
        this.pattern =
            Pattern.compile(rule.pattern(), rule.ignoreCase() ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            where + ": invalid regex \"" + rule.pattern() + "\": " + e.getDescription(), e);
      }
    }

    @Override
    Violation check(Row row) {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      String s = text(raw);
      boolean matches;
      try {
        matches = pattern.matcher(BoundedText.of(s)).matches();
      } catch (RuntimeException | StackOverflowError e) {
        return broken(field + " could not be matched against " + pattern.pattern() + ": " + e);
      }
      return matches ? null : fail(field + " " + quote(s) + " does not match " + pattern.pattern());
    }
  }

  static final class InCheck extends Check {
    private final int index;
    private final FieldType type;
    private final Set<String> allowed;
    private final List<String> shown;

    InCheck(RuleSpec rule, FieldSpec f, int index, ZoneId zone) {
      super(rule.name(), "in", f.name(), rule.severity(), rule.message());
      this.index = index;
      this.type = f.type();
      this.shown = rule.values();
      boolean ignoreCase = rule.ignoreCase() || f.type() == FieldType.BOOLEAN;
      this.allowed = ignoreCase ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : new HashSet<>();
      for (String v : rule.values()) {
        if (v != null) {
          allowed.add(normalize(v, f.type(), zone));
        }
      }
    }

    /** A spec value in the canonical text form of the field's type (as written when it does not parse). */
    private static String normalize(String v, FieldType type, ZoneId zone) {
      String t = v.trim();
      try {
        return switch (type) {
          case INT, LONG, DOUBLE, DECIMAL -> canonicalNumber(new BigDecimal(t));
          case DATE -> Temporals.parseIsoDate(t).toString();
          case TIMESTAMP -> Temporals.parseIsoInstant(t, zone).toString();
          default -> v;
        };
      } catch (NumberFormatException | DateTimeException e) {
        return v;
      }
    }

    @Override
    Violation check(Row row) {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      String key = type.isNumeric() && !(raw instanceof Double d && (d.isNaN() || d.isInfinite()))
          ? canonicalNumber(toBigDecimal(raw))
          : text(raw);
      return allowed.contains(key) ? null : fail(field + " " + show(raw) + " is not one of " + shown);
    }
  }

  static final class ExpressionCheck extends Check {
    private final String expr;
    private final JexlScript script;
    private final int[] variableIndexes;

    ExpressionCheck(RuleSpec rule, PipelineSpec spec, String where) {
      super(rule.name(), "expression", null, rule.severity(), rule.message());
      this.expr = rule.expr();
      try {
        this.script = Expressions.compile(rule.expr());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": invalid expression: " + e.getMessage(), e);
      }
      Set<String> variables = Expressions.variables(script);
      List<String> names = spec.fieldNames();
      this.variableIndexes = new int[variables.size()];
      int i = 0;
      for (String v : variables) {
        int index = names.indexOf(v);
        if (index < 0) {
          throw new IllegalArgumentException(
              where + ": expression reads \"" + v + "\", which is not a schema field; schema fields: " + names);
        }
        variableIndexes[i++] = index;
      }
    }

    @Override
    Violation check(Row row) {
      for (int index : variableIndexes) {
        if (row.getValue(index) == null) {
          return null; // a rule over a null value is not applied
        }
      }
      Object result;
      try {
        result = script.execute(new RowContext(row));
      } catch (JexlException e) {
        return broken("expression could not be evaluated (" + Expressions.describe(e) + "): " + expr);
      }
      if (result instanceof Boolean b) {
        return b ? null : fail("expression failed: " + expr);
      }
      return broken(
          "expression did not return a boolean but "
              + (result == null ? "null" : result.getClass().getSimpleName() + " " + result)
              + ": "
              + expr);
    }
  }

  static BigDecimal toBigDecimal(Object v) {
    if (v instanceof BigDecimal b) {
      return b;
    }
    if (v instanceof Double || v instanceof Float) {
      return BigDecimal.valueOf(((Number) v).doubleValue());
    }
    if (v instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (v instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    throw new IllegalArgumentException("not a number: " + v);
  }

  static String canonicalNumber(BigDecimal n) {
    return n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString();
  }

  /** A value's text form: strings as they are, numbers in plain notation, timestamps in ISO UTC. */
  static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof BigDecimal b) {
      return b.toPlainString();
    }
    if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
      return BigDecimal.valueOf(d).toPlainString();
    }
    if (v instanceof ReadableInstant i) {
      return Instant.ofEpochMilli(i.getMillis()).toString();
    }
    return String.valueOf(v);
  }

  /** A value for a message: strings quoted and truncated, other values in their text form. */
  static String show(Object v) {
    return v instanceof String s ? quote(s) : text(v);
  }

  static String quote(String s) {
    if (s.length() <= MAX_SHOWN_CHARS) {
      return "\"" + s + "\"";
    }
    int end = Character.isHighSurrogate(s.charAt(MAX_SHOWN_CHARS - 1)) ? MAX_SHOWN_CHARS - 1 : MAX_SHOWN_CHARS;
    return "\"" + s.substring(0, end) + "\"...";
  }
}
