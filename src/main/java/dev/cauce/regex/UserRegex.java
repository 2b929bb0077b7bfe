package dev.cauce.regex;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that compiles the regexes a spec holds (the {@code regex} rule, the {@code strip},
 * {@code replace} and {@code extract} clean steps, {@code =~} and {@code !~} in expressions). They run
 * on RE2/J, whose matching time is linear in the input whatever the pattern, so no value can make a
 * match hang and no per-match budget is needed; yes/no questions ({@link #matcher}) first try a lazy
 * DFA, linear too and cheaper per character. Patterns that need backtracking (backreferences,
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
    String tooLarge = sizeProblem(regex);
    if (tooLarge != null) {
      throw new IllegalArgumentException(tooLarge);
    }
    try {
      return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(describe(regex, e), e);
    }
  }

  /**
   * {@link #compile}d {@code regex} for yes/no questions (whole value, contains a match): a lazily
   * built DFA ({@link LazyDfa}) when the pattern is within its subset, RE2/J otherwise; both linear.
   *
   * @throws IllegalArgumentException as {@link #compile} does
   */
  public static TextMatcher matcher(String regex, boolean ignoreCase) {
    return LazyDfa.of(regex, ignoreCase, compile(regex, ignoreCase));
  }

  /** {@link #compile} through a bounded cache: for patterns that arrive as text at each evaluation. */
  public static Pattern cached(String regex) {
    return cached(CACHE, regex, r -> compile(r, false));
  }

  /** {@link #matcher} through a bounded cache, like {@link #cached}. */
  public static TextMatcher cachedMatcher(String regex) {
    return cached(MATCHERS, regex, r -> matcher(r, false));
  }

  private static final Map<String, TextMatcher> MATCHERS = new ConcurrentHashMap<>();

  private static <T> T cached(Map<String, T> cache, String regex, java.util.function.Function<String, T> make) {
    T p = cache.get(regex);
    if (p == null) {
      p = make.apply(regex);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(regex, p);
    }
    return p;
  }

  /** Null when {@code regex} compiles; otherwise why not (invalid, or a feature that needs backtracking). */
  public static String problem(String regex) {
    String tooLarge = sizeProblem(regex);
    if (tooLarge != null) {
      return tooLarge;
    }
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return describe(regex, e);
    }
  }

  /** The most characters a pattern may have. */
  static final int MAX_CHARS = 1_000;

  /** The most nested groups: compilers recurse on them (100,000 overflowed the stack after 40 s). */
  static final int MAX_DEPTH = 100;

  /**
   * The most steps a pattern may expand to, counted as RE2 does once counted repetitions are
   * unrolled ({@code ((a{1000}){1000}){1000}} is 10^9: it ran out of memory compiling). Matching
   * time is linear in the value times this size.
   */
  static final long MAX_SIZE = 2_000;

  /** Null when {@code regex} is within the bounds above; an estimate, before anything compiles it. */
  static String sizeProblem(String regex) {
    String shown = regex.length() > 60 ? regex.substring(0, 60) + "..." : regex;
    if (regex.length() > MAX_CHARS) {
      return "regex \"" + shown + "\" has " + regex.length() + " characters; the limit is " + MAX_CHARS;
    }
    java.util.ArrayDeque<long[]> open = new java.util.ArrayDeque<>(); // per open group: {size, last element}
    long[] top = {0, 0};
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      long atom = 1;
      if (c == '\\') {
        i++;
        if (i + 1 < regex.length() && "xpP".indexOf(regex.charAt(i)) >= 0 && regex.charAt(i + 1) == '{') {
          int close = regex.indexOf('}', i);
          i = close < 0 ? i : close; // \x{41}, \p{Greek}: one character, not a count
        }
      } else if (c == '[') {
        i = classEnd(regex, i);
      } else if (c == '(') {
        open.push(top);
        if (open.size() > MAX_DEPTH) {
          return "regex \"" + shown + "\" nests groups more than " + MAX_DEPTH + " deep";
        }
        top = new long[] {0, 0};
        continue;
      } else if (c == ')' && !open.isEmpty()) {
        atom = top[0];
        top = open.pop();
      } else if (c == '{' && i > 0) {
        int close = regex.indexOf('}', i);
        String[] counts = close < 0 ? null : regex.substring(i + 1, close).split(",", -1);
        if (counts != null && counts.length <= 2 && counts[0].matches("\\d{1,9}")
            && (counts.length == 1 || counts[1].matches("\\d{0,9}"))) {
          long n = Math.max(Long.parseLong(counts[0]), counts.length == 2 && !counts[1].isEmpty() ? Long.parseLong(counts[1]) : 0) + 1;
          top[0] = Math.min(MAX_SIZE + 1, top[0] + top[1] * (n - 1));
          top[1] = Math.min(MAX_SIZE + 1, top[1] * n);
          i = close;
          if (top[0] > MAX_SIZE) {
            break;
          }
          continue;
        }
      }
      top[0] = Math.min(MAX_SIZE + 1, top[0] + atom);
      top[1] = atom;
    }
    long size = top[0];
    while (!open.isEmpty()) {
      size += open.pop()[0];
    }
    return size > MAX_SIZE
        ? "regex \"" + shown + "\" is too large: its repetitions expand to more than " + MAX_SIZE + " steps"
        : null;
  }

  /** The index of the ']' that closes the class opened at {@code start} (or the last index). */
  private static int classEnd(String regex, int start) {
    int i = start + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++;
    }
    for (; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[' && i + 1 < regex.length() && regex.charAt(i + 1) == ':') {
        int end = regex.indexOf(":]", i + 2);
        i = end < 0 ? i : end + 1;
      } else if (c == ']') {
        return i;
      }
    }
    return regex.length() - 1;
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
