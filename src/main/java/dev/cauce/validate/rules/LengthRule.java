package dev.cauce.validate.rules;

import static dev.cauce.validate.rules.RuleValues.quote;

import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * {@code length}: a string field has from {@code min} to {@code max} characters (code points, both
 * inclusive; either may be left out). On a non-string value it applies to its text form.
 */
public record LengthRule(String name, String field, Integer min, Integer max, Severity severity, String message)
    implements RuleSpec {
  public static final RuleType TYPE = new RuleType("length", List.of("field", "min", "max"), Map.of(), LengthRule::read);

  static LengthRule read(RuleEntry e) {
    e.needsStringField("length");
    Integer min = count(e, "min");
    Integer max = count(e, "max");
    if (!e.map().has("min") && !e.map().has("max")) {
      e.problem("a length rule needs min, max or both");
    } else if (min != null && max != null && min > max) {
      e.problem("max", "max " + max + " is less than min " + min);
    }
    return new LengthRule(e.name(), e.field(), min, max, e.severity(), e.message());
  }

  private static Integer count(RuleEntry e, String key) {
    MapView m = e.map();
    Node n = m.get(key);
    if (n == null) {
      return null;
    }
    if (n instanceof ScalarNode s && s.text().matches("\\d{1,9}")) {
      return Integer.parseInt(s.text());
    }
    e.problem(key, key + " must be a whole number of characters (0 or more), got " + n.describe());
    return null;
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    String where = RuleValues.where(this);
    int index = RuleValues.index(schema, this);
    checkCount(min, where + ".min");
    checkCount(max, where + ".max");
    return row -> {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      String s = RuleValues.text(raw);
      int n = s.codePointCount(0, s.length());
      if (min != null && n < min) {
        return fail(field + " must have at least " + min + " characters, had " + n + ": " + quote(s));
      }
      if (max != null && n > max) {
        return fail(field + " must have at most " + max + " characters, had " + n + ": " + quote(s));
      }
      return null;
    };
  }

  private static void checkCount(Integer n, String where) {
    if (n != null && n < 0) {
      throw new IllegalArgumentException(where + ": \"" + n + "\" is not a length (a whole number >= 0)");
    }
  }
}
