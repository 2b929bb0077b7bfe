package dev.cauce.validate;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * The one place that builds cauce's expression engine (Apache Commons JEXL) for cross-field rules.
 * Expressions are side-effect free: no loops, no assignments to outside state, no object creation,
 * no access to Java classes beyond the values of the record's fields and the functions cauce provides.
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
          .pragma(false)
          .annotation(false)
          .importPragma(false)
          .namespacePragma(false)
          .register(false)
          .script(false);

  private static final JexlEngine ENGINE =
      new JexlBuilder()
          .features(FEATURES)
          .permissions(JexlPermissions.RESTRICTED)
          .strict(true)
          .silent(false)
          .safe(false)
          .cache(256)
          .create();

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
    try {
      return ENGINE.createScript(expr);
    } catch (JexlException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
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

  private static String describe(JexlException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ").trim();
  }
}
