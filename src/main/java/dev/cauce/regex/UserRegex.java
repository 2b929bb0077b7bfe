package dev.cauce.regex;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that compiles the regexes a spec holds (the {@code regex} rule, the {@code strip},
 * {@code replace} and {@code extract} clean steps, {@code =~} and {@code !~} in expressions). They run
 * on RE2/J, whose matching time is linear in the input whatever the pattern, so no value can make a
 * match hang and no per-match budget is needed. Patterns that need backtracking (backreferences,
 * lookaround, possessive quantifiers, atomic groups) are refused with the reason.
 */
public final class UserRegex {
  private UserRegex() {}

  /** Compiled patterns by text and flag, for callers that receive the pattern as text (expressions). */
  private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

  /** Beyond this many cached patterns the cache starts over (patterns normally come from a spec: a few). */
  static final int MAX_CACHED = 1_000;

  /**
   * Compiles {@code regex}.
   *
   * @throws IllegalArgumentException with {@link #problem}'s message when it is invalid or unsupported
   */
  public static Pattern compile(String regex, boolean ignoreCase) {
    try {
      return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(describe(regex, e), e);
    }
  }

  /** {@link #compile} through a bounded cache: for patterns that arrive as text at each evaluation. */
  public static Pattern cached(String regex) {
    Pattern p = CACHE.get(regex);
    if (p == null) {
      p = compile(regex, false);
      if (CACHE.size() >= MAX_CACHED) {
        CACHE.clear();
      }
      CACHE.put(regex, p);
    }
    return p;
  }

  /** Null when {@code regex} compiles; otherwise why not (invalid, or a feature that needs backtracking). */
  public static String problem(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return describe(regex, e);
    }
  }

  private static String describe(String regex, PatternSyntaxException e) {
    try {
      java.util.regex.Pattern.compile(regex);
    } catch (java.util.regex.PatternSyntaxException invalid) {
      // Invalid in Java's syntax too: Java's description is the more precise (it names the index).
      return "invalid regex \"" + regex + "\": " + firstLine(invalid.getMessage());
    }
    String fragment = e.getPattern() == null ? "" : e.getPattern();
    String feature = feature(fragment);
    return "regex \"" + regex + "\" is not supported: "
        + (feature == null ? e.getDescription() + " `" + fragment + "`" : feature + " (`" + fragment + "`)")
        + "; cauce matches with a linear-time engine (RE2 syntax), which has no backreferences, lookahead, "
        + "lookbehind, possessive quantifiers or atomic groups";
  }

  /** The backtracking feature RE2 refused in {@code fragment}, or null for another difference. */
  private static String feature(String fragment) {
    if (fragment.matches("\\\\(\\d+|k.*)")) {
      return "a backreference";
    }
    if (fragment.startsWith("(?=") || fragment.startsWith("(?!")) {
      return "a lookahead";
    }
    if (fragment.startsWith("(?<=") || fragment.startsWith("(?<!")) {
      return "a lookbehind";
    }
    if (fragment.startsWith("(?>")) {
      return "an atomic group";
    }
    if (fragment.length() == 2 && "*+?}".indexOf(fragment.charAt(0)) >= 0 && fragment.charAt(1) == '+') {
      return "a possessive quantifier";
    }
    return null;
  }

  /**
   * Null when {@code replacement} is a valid replacement for {@code regex} (which must compile):
   * {@code $n} names an existing group, {@code ${name}} a named group, {@code \} escapes the next
   * character, and a {@code $} is never left dangling.
   */
  public static String replacementProblem(String regex, String replacement) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      return null; // the regex's own problem is reported
    }
    String problem = groupProblem(p, replacement);
    return problem == null ? null
        : "invalid replacement \"" + replacement + "\" for regex \"" + regex + "\": " + problem + " (write \\$ for a literal $)";
  }

  private static String groupProblem(Pattern p, String with) {
    int groups = p.groupCount();
    for (int i = 0; i < with.length(); i++) {
      char c = with.charAt(i);
      if (c == '\\') {
        if (++i >= with.length()) {
          return "ends with \\";
        }
      } else if (c == '$') {
        char next = i + 1 < with.length() ? with.charAt(i + 1) : 0;
        if (next >= '0' && next <= '9') {
          if (next - '0' > groups) {
            return "No group " + next + " (the regex has " + groups + ")";
          }
        } else if (next == '{') {
          int close = with.indexOf('}', i + 2);
          if (close < 0) {
            return "named group reference is missing trailing '}'";
          }
          String name = with.substring(i + 2, close);
          if (!p.namedGroups().containsKey(name)) {
            return "No group with name {" + name + "}";
          }
          i = close;
        } else {
          return "$ must be followed by a group number or {name}";
        }
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
