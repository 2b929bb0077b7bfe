package dev.cauce.validate.rules;

import java.lang.reflect.Constructor;
import java.math.MathContext;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * The one place that builds cauce's expression engine (Apache Commons JEXL) for cross-field rules.
 * Expressions are side-effect free: no loops, no assignments, no local variables, no lambdas, no
 * object creation, no method calls or property access on values, and no access to Java classes;
 * only the record's fields (read through a {@link JexlContext}), literals, operators and the
 * functions of {@link ExpressionFunctions}, which are called without a prefix ({@code abs(x)}).
 *
 * <p>Two independent layers enforce this: the parser's {@link JexlFeatures} refuse loops,
 * assignments, {@code new(...)}, method calls ({@code "".getClass()}) and the like when compiling;
 * and the introspection {@link JexlPermissions} allow no class but {@link ExpressionFunctions}, so
 * nothing reflective can be reached at evaluation either (a property such as {@code s.class} is
 * simply undefined, which fails in strict mode). {@link ExpressionCheck} refuses such expressions,
 * and type mismatches, before the job.
 *
 * <p>Comparisons ({@code < <= > >= ==}) work on numbers of any mix (BigDecimal, Double, Long,
 * Integer) and on any {@link Comparable} of one class, such as {@link java.time.Instant} and {@link
 * java.time.LocalDate}: JEXL's own arithmetic handles these; {@link ExpressionArithmetic} only
 * changes {@code =~} and {@code !~} to match in linear time.
 * Arithmetic mixing BigDecimal and Double is carried out in BigDecimal (MathContext.DECIMAL128);
 * division or modulo by zero fails. The engine and compiled scripts are thread-safe; evaluate a
 * script with a context per call (see {@link RowContext}).
 */
public final class Expressions {
  private Expressions() {}

  private static final JexlFeatures FEATURES =
      new JexlFeatures()
          .loops(false)
          .sideEffectGlobal(false)
          .sideEffect(false)
          .newInstance(false)
          .structuredLiteral(false)
          .lambda(false)
          .thinArrow(false)
          .fatArrow(false)
          .localVar(false)
          .methodCall(false)
          .arrayReferenceExpr(false)
          .pragma(false)
          .annotation(false)
          .importPragma(false)
          .namespacePragma(false)
          .register(false)
          .script(false);

  /** Allows introspection of {@link ExpressionFunctions}' public static methods and nothing else. */
  private static final JexlPermissions FUNCTIONS_ONLY =
      new JexlPermissions() {
        @Override
        public boolean allow(Class<?> c) {
          return c == ExpressionFunctions.class;
        }

        @Override
        public boolean allow(Constructor<?> ctor) {
          return false;
        }

        @Override
        public boolean allow(Field field) {
          return false;
        }

        @Override
        public boolean allow(Method method) {
          return method.getDeclaringClass() == ExpressionFunctions.class;
        }

        @Override
        public boolean allow(Package pack) {
          return pack != null && pack.getName().equals(ExpressionFunctions.class.getPackageName());
        }

        @Override
        public JexlPermissions compose(String... src) {
          throw new UnsupportedOperationException("cauce's expression permissions are fixed");
        }
      };

  private static final JexlEngine ENGINE = build();

  private static JexlEngine build() {
    Map<String, Object> namespaces = new HashMap<>();
    namespaces.put(null, ExpressionFunctions.class); // the null namespace: functions without prefix
    return new JexlBuilder()
        .features(FEATURES)
        .permissions(FUNCTIONS_ONLY)
        .arithmetic(new ExpressionArithmetic(true, MathContext.DECIMAL128, -1))
        .namespaces(namespaces)
        .strict(true)
        .silent(false)
        .safe(false)
        .cache(256)
        .create();
  }

  public static JexlEngine engine() {
    return ENGINE;
  }

  /**
   * Compiles an expression.
   *
   * @throws IllegalArgumentException with a readable message when it does not parse or uses a
   *     forbidden construct
   */
  public static JexlScript compile(String expr) {
    if (expr == null || expr.isBlank()) {
      throw new IllegalArgumentException("empty expression");
    }
    String tooLarge = sizeProblem(expr);
    if (tooLarge != null) {
      throw new IllegalArgumentException(tooLarge);
    }
    try {
      return ENGINE.createScript(rewriteIf(expr));
    } catch (JexlException e) {
      throw new IllegalArgumentException(describe(e), e);
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("expression is nested too deeply", e);
    }
  }

  /**
   * {@code if(c, a, b)} written as JEXL's ternary {@code ((c) ? (a) : (b))}: {@code if} is a JEXL
   * keyword, and only the branch taken may be evaluated (the other may read a null). String
   * literals are left alone; {@code if} with other than 3 arguments is refused.
   */
  static String rewriteIf(String expr) {
    StringBuilder out = new StringBuilder(expr.length() + 16);
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        int end = endOfString(expr, i);
        out.append(expr, i, end);
        i = end;
        continue;
      }
      int open = ifCall(expr, i);
      if (open < 0) {
        out.append(c);
        i++;
        continue;
      }
      List<String> args = new ArrayList<>();
      int depth = 0;
      int start = open + 1;
      int j = start;
      for (; j < expr.length(); j++) {
        char d = expr.charAt(j);
        if (d == '\'' || d == '"') {
          j = endOfString(expr, j) - 1;
        } else if (d == '(') {
          depth++;
        } else if (d == ')' && depth-- == 0) {
          break;
        } else if (d == ',' && depth == 0) {
          args.add(expr.substring(start, j));
          start = j + 1;
        }
      }
      if (j >= expr.length()) {
        out.append(expr, i, expr.length()); // unbalanced: the parser says so
        break;
      }
      args.add(expr.substring(start, j));
      if (args.size() != 3) {
        throw new IllegalArgumentException("if takes 3 arguments (a condition, the value if true, the value if false), not " + args.size());
      }
      out.append("((").append(rewriteIf(args.get(0))).append(") ? (").append(rewriteIf(args.get(1))).append(") : (")
          .append(rewriteIf(args.get(2))).append("))");
      i = j + 1;
    }
    return out.toString();
  }

  /** The index of the ( of an {@code if(} call starting at {@code i}, or -1. */
  private static int ifCall(String expr, int i) {
    if (!expr.startsWith("if", i) || i > 0 && Character.isJavaIdentifierPart(expr.charAt(i - 1))) {
      return -1;
    }
    int j = i + 2;
    while (j < expr.length() && Character.isWhitespace(expr.charAt(j))) {
      j++;
    }
    return j < expr.length() && expr.charAt(j) == '(' ? j : -1;
  }

  /** The index after the string literal starting at {@code i} (escapes skipped). */
  private static int endOfString(String expr, int i) {
    char quote = expr.charAt(i);
    for (int j = i + 1; j < expr.length(); j++) {
      char c = expr.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == quote) {
        return j + 1;
      }
    }
    return expr.length();
  }

  /** The most characters an expression may have. */
  static final int MAX_CHARS = 1_000;

  /**
   * The most nested parentheses (calls included): JEXL parses and evaluates by recursion, and 500
   * levels overflowed a thread's default stack.
   */
  static final int MAX_DEPTH = 64;

  /** Null when {@code expr} is within MAX_CHARS and MAX_DEPTH (string literals are skipped). */
  static String sizeProblem(String expr) {
    if (expr.length() > MAX_CHARS) {
      return "expression has " + expr.length() + " characters; the limit is " + MAX_CHARS;
    }
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' && ++depth > MAX_DEPTH) {
        return "expression nests parentheses more than " + MAX_DEPTH + " deep";
      } else if (c == ')') {
        depth--;
      }
    }
    return null;
  }

  /** The top-level variable names an expression reads (these must be schema fields). */
  public static Set<String> variables(JexlScript script) {
    Set<String> names = new LinkedHashSet<>();
    for (List<String> path : script.getVariables()) {
      if (!path.isEmpty()) {
        names.add(path.get(0));
      }
    }
    return names;
  }

  private static final Pattern LOCATION = Pattern.compile("^\\S*@\\d+(:\\d+)?\\s*");

  /** A one-line description of a JEXL failure without its source-location prefix. */
  static String describe(JexlException e) {
    Throwable cause = e.getCause();
    if (cause instanceof ArithmeticException && ("/".equals(cause.getMessage()) || "%".equals(cause.getMessage()))) {
      return "division by zero";
    }
    if (cause != null && cause != e && !(cause instanceof JexlException)) {
      return cause.getMessage() == null
          ? cause.getClass().getSimpleName()
          : cause.getClass().getSimpleName() + ": " + oneLine(cause.getMessage());
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : LOCATION.matcher(oneLine(m)).replaceFirst("");
  }

  private static String oneLine(String m) {
    return m.replaceAll("\\s+", " ").trim();
  }
}
