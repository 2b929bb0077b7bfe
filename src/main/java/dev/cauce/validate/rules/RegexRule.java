package dev.cauce.validate.rules;

import static dev.cauce.validate.rules.RuleValues.quote;

import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.regex.TextMatcher;
import dev.cauce.regex.UserRegex;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * {@code regex}: a string field matches {@code pattern} as a whole ({@code ignore_case} optional), in
 * linear time ({@link UserRegex}).
 */
public record RegexRule(String name, String field, String pattern, boolean ignoreCase, Severity severity, String message)
    implements RuleSpec {
  public static final RuleType TYPE =
      new RuleType("regex", List.of("field", "pattern", "ignore_case"), Map.of(), RegexRule::read);

  static RegexRule read(RuleEntry e) {
    e.needsStringField("regex");
    String pattern = null;
    if (e.map().require("pattern")) {
      pattern = e.map().text("pattern");
      String problem = pattern == null ? null : UserRegex.problem(pattern);
      if (problem != null) {
        e.problem("pattern", problem);
      }
    }
    Boolean ignoreCase = e.map().bool("ignore_case", false);
    return ignoreCase == null ? null : new RegexRule(e.name(), e.field(), pattern, ignoreCase, e.severity(), e.message());
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    String where = RuleValues.where(this);
    int index = RuleValues.index(schema, this);
    if (pattern == null) {
      throw new IllegalArgumentException(where + ": regex needs a pattern");
    }
    TextMatcher compiled;
    try {
      compiled = UserRegex.matcher(pattern, ignoreCase);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    return row -> {
      Object raw = row.getValue(index);
      if (raw == null) {
        return null;
      }
      String s = RuleValues.text(raw);
      return compiled.matches(s) ? null : fail(field + " " + quote(s) + " does not match " + pattern);
    };
  }
}
