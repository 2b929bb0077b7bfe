package dev.cauce.validate.rules;

import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.joda.time.ReadableInstant;

/** What the rules' checks share: finding their field, and showing values in messages. */
final class RuleValues {
  private RuleValues() {}

  static final int MAX_SHOWN_CHARS = 100;

  /** The index of the rule's field in {@code schema}. */
  static int index(List<FieldSpec> schema, RuleSpec rule) {
    for (int i = 0; i < schema.size(); i++) {
      if (schema.get(i).name().equals(rule.field())) {
        return i;
      }
    }
    throw new IllegalArgumentException(where(rule) + ": \"" + rule.field() + "\" is not a schema field");
  }

  /** Where a rule is in the spec, for exceptions. */
  static String where(RuleSpec rule) {
    return "validate." + rule.name();
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
    if (v instanceof BigDecimal b && Math.abs((long) b.precision() - b.scale()) > MAX_SHOWN_CHARS) {
      return b.toString(); // 1E+999999999 in plain notation would be a billion digits
    }
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
