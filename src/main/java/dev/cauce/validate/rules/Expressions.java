package dev.cauce.validate.rules;

import java.lang.reflect.Constructor;
import java.math.MathContext;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
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
      return ENGINE.createScript(expr);
    } catch (JexlException e) {
      throw new IllegalArgumentException(describe(e), e);
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("expression is nested too deeply", e);
    }
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
