package dev.cauce.clean;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cauce.regex.UserRegex;
import dev.cauce.spec.PipelineSpec.CleanStep;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/** Compiles cleaning steps into functions on text. Every function maps null to null. */
final class TextSteps {
  private TextSteps() {}

  /** A compiled step: its spec name (the violation's rule) and its function. */
  record TextStep(String name, UnaryOperator<String> function) {
    String apply(String value) {
      return value == null ? null : function.apply(value);
    }
  }

  /**
   * Compiles one step.
   *
   * @param where where the step is in the spec, for error messages
   * @throws IllegalArgumentException when the step's regex or replacement is invalid
   */
  static TextStep compile(CleanStep step, String where) {
    if (step == null || step.op() == null) {
      throw new IllegalArgumentException(where + ": missing cleaning step");
    }
    String name = step.op().specName();
    return switch (step.op()) {
      case TRIM -> new TextStep(name, TextSteps::trim);
      case COLLAPSE_WHITESPACE -> new TextStep(name, TextSteps::collapseWhitespace);
      case LOWER -> new TextStep(name, s -> s.toLowerCase(Locale.ROOT));
      case UPPER -> new TextStep(name, s -> s.toUpperCase(Locale.ROOT));
      case STRIP -> {
        Pattern p = regex(step.pattern(), where);
        String chars = literalClass(step.pattern());
        yield new TextStep(name, chars != null ? s -> stripChars(s, chars) : s -> p.matcher(s).replaceAll(""));
      }
      case REPLACE -> {
        Pattern p = regex(step.pattern(), where);
        String with = step.replacement() == null ? "" : step.replacement();
        checkReplacement(step.pattern(), with, where);
        yield new TextStep(name, s -> p.matcher(s).replaceAll(with));
      }
      case EXTRACT -> {
        Pattern p = regex(step.pattern(), where);
        int group = p.groupCount() >= 1 ? 1 : 0;
        yield new TextStep(
            name,
            s -> {
              Matcher m = p.matcher(s);
              return m.find() ? m.group(group) : null;
            });
      }
      case NULL_IF -> {
        Set<String> tokens = caseInsensitiveSet(step.tokens());
        yield new TextStep(name, s -> tokens.contains(s) ? null : s);
      }
    };
  }

  /**
   * The characters of a pattern that is one class of plain characters ({@code [$€£]}), or null: such
   * a strip removes those characters, without a regex run per value (RE2/J's was 2% of a job's time).
   */
  static String literalClass(String pattern) {
    if (pattern.length() < 3 || pattern.charAt(0) != '[' || pattern.charAt(pattern.length() - 1) != ']') {
      return null;
    }
    String inner = pattern.substring(1, pattern.length() - 1);
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if ("^-\\[]".indexOf(c) >= 0 || Character.isSurrogate(c)) {
        return null; // negation, ranges, escapes, nested classes: the regex decides
      }
    }
    return inner;
  }

  /** {@code s} without any of {@code chars} (the same instance when it has none). */
  static String stripChars(String s, String chars) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (chars.indexOf(c) >= 0) {
        if (sb == null) {
          sb = new StringBuilder(s.length()).append(s, 0, i);
        }
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  static Set<String> caseInsensitiveSet(List<String> values) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String v : values) {
      if (v != null) {
        set.add(v);
      }
    }
    return new CaseInsensitiveSet(set);
  }

  /**
   * A case-insensitive set that answers most values by their length: two strings equal under {@link
   * String#CASE_INSENSITIVE_ORDER} have the same length, and most values are longer than any null token.
   */
  private static final class CaseInsensitiveSet extends java.util.AbstractSet<String> {
    private final Set<String> set;
    private final long lengths; // bit n: a member has n chars (n < 63); bit 63: a member has 63 or more

    CaseInsensitiveSet(Set<String> set) {
      this.set = java.util.Collections.unmodifiableSet(set);
      long bits = 0;
      for (String s : set) {
        bits |= 1L << Math.min(s.length(), 63);
      }
      this.lengths = bits;
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof String s && (lengths & (1L << Math.min(s.length(), 63))) != 0 && set.contains(s);
    }

    @Override
    public java.util.Iterator<String> iterator() {
      return set.iterator();
    }

    @Override
    public int size() {
      return set.size();
    }
  }

  /** Removes leading and trailing Unicode white space (including no-break spaces). */
  static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isWhiteSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isWhiteSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  /** Replaces every run of Unicode white space by one ASCII space (leading and trailing runs too). */
  static String collapseWhitespace(String s) {
    StringBuilder sb = null;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (isWhiteSpace(cp)) {
        int j = i + n;
        while (j < s.length() && isWhiteSpace(s.codePointAt(j))) {
          j += Character.charCount(s.codePointAt(j));
        }
        if (sb == null && (cp != ' ' || j - i > 1)) {
          sb = new StringBuilder(s.length()).append(s, 0, i);
        }
        if (sb != null) {
          sb.append(' ');
        }
        i = j;
      } else {
        if (sb != null) {
          sb.appendCodePoint(cp);
        }
        i += n;
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** The Unicode White_Space property (what {@code \s} means with UNICODE_CHARACTER_CLASS). */
  static boolean isWhiteSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  private static Pattern regex(String pattern, String where) {
    if (pattern == null) {
      throw new IllegalArgumentException(where + ": missing regex");
    }
    try {
      return UserRegex.compile(pattern, false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** Refuses replacements that would fail on every match: a group the regex lacks, a dangling $ or \. */
  private static void checkReplacement(String pattern, String with, String where) {
    String problem = UserRegex.replacementProblem(pattern, with);
    if (problem != null) {
      throw new IllegalArgumentException(where + ": " + problem);
    }
  }
}
