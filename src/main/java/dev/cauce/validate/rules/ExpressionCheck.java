package dev.cauce.validate.rules;

import dev.cauce.regex.UserRegex;
import dev.cauce.spec.FieldType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.internal.Debugger;
import org.apache.commons.jexl3.internal.Script;
import org.apache.commons.jexl3.parser.*;

/**
 * Checks an expression against the schema before the job, by walking its syntax tree: only fields,
 * literals, the documented operators and {@link ExpressionFunctions} (no namespaces, no property
 * access, no regex literals); each operator and function gets operands of kinds it can use (a string
 * field compared with or added to a number is refused, naming the field and its type); {@code =~}
 * patterns are string literals that {@link UserRegex} accepts; round's literal digits are in bounds;
 * and the whole returns true or false. Fields of unknown type (no schema) are not type-checked.
 */
final class ExpressionCheck {
  /** What a sub-expression evaluates to; ANY when it cannot be told (null, unknown field, mixed). */
  enum Kind {
    NUMBER("a number"), STRING("a string"), BOOLEAN("true or false"), DATE("a date"), TIMESTAMP("a timestamp"), ANY("anything");

    final String noun;

    Kind(String noun) {
      this.noun = noun;
    }

    static Kind of(FieldType t) {
      return switch (t) {
        case STRING -> STRING;
        case BOOLEAN -> BOOLEAN;
        case DATE -> DATE;
        case TIMESTAMP -> TIMESTAMP;
        default -> t.isNumeric() ? NUMBER : ANY;
      };
    }
  }

  /** A checked sub-expression: its kind, its source text, and the field it is (or null). */
  private record Typed(Kind kind, String text, String field, FieldType type) {
    String describe() {
      if (field != null) {
        String name = type.specName();
        return "\"" + field + "\" is " + (name.startsWith("i") ? "an " : "a ") + name + " field";
      }
      return text + " is " + kind.noun;
    }

    boolean is(Kind k) {
      return kind == k || kind == Kind.ANY;
    }
  }

  private final Map<String, FieldType> fields;
  private final List<String> problems = new ArrayList<>();

  private ExpressionCheck(Map<String, FieldType> fields) {
    this.fields = fields;
  }

  /** The problems of {@code script} (empty when none); {@code fields} maps schema fields to types. */
  static List<String> problems(JexlScript script, Map<String, FieldType> fields) {
    ExpressionCheck c = new ExpressionCheck(fields);
    Typed result = c.walk(tree(script));
    if (c.problems.isEmpty() && !result.is(Kind.BOOLEAN)) {
      c.problems.add("expression returns " + result.kind.noun + ", not true or false");
    }
    return c.problems;
  }

  /** Whether the expression calls a null-aware function or {@code if} (rewritten to a ternary). */
  static boolean nullAware(String expr, JexlScript script) {
    return !Expressions.rewriteIf(expr).equals(expr) || calls(tree(script)).stream().anyMatch(ExpressionFunctions.NULL_AWARE::contains);
  }

  private static List<String> calls(JexlNode n) {
    List<String> out = new ArrayList<>();
    if (n instanceof ASTFunctionNode && n.jjtGetChild(0) instanceof ASTIdentifier id) {
      out.add(id.getName());
    }
    for (int i = 0; i < n.jjtGetNumChildren(); i++) {
      out.addAll(calls(n.jjtGetChild(i)));
    }
    return out;
  }

  /** The problems of a derivation computing a {@code target} field: text is cast to any type, else the kinds must match. */
  static List<String> derivationProblems(JexlScript script, Map<String, FieldType> fields, FieldType target) {
    ExpressionCheck c = new ExpressionCheck(fields);
    Typed result = c.walk(tree(script));
    Kind want = Kind.of(target);
    if (c.problems.isEmpty() && !result.is(want) && result.kind != Kind.STRING && want != Kind.STRING) {
      c.problems.add("expression returns " + result.kind.noun + ", which a " + target.specName() + " field cannot hold");
    }
    return c.problems;
  }

  private static final Method GET_SCRIPT;

  static {
    try {
      GET_SCRIPT = Script.class.getDeclaredMethod("getScript");
      GET_SCRIPT.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The syntax tree JEXL compiled (JEXL keeps it protected; its version is pinned in the pom). */
  private static JexlNode tree(JexlScript script) {
    try {
      return (JexlNode) GET_SCRIPT.invoke(script);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the expression's syntax tree", e);
    }
  }

  private static String text(JexlNode n) {
    Debugger d = new Debugger();
    d.debug(n, false);
    return d.toString().trim();
  }

  private Typed any(JexlNode n) {
    return new Typed(Kind.ANY, text(n), null, null);
  }

  private Typed problem(JexlNode n, String message) {
    problems.add(message);
    return any(n);
  }

  private List<Typed> children(JexlNode n) {
    List<Typed> out = new ArrayList<>();
    for (int i = 0; i < n.jjtGetNumChildren(); i++) {
      out.add(walk(n.jjtGetChild(i)));
    }
    return out;
  }

  private Typed walk(JexlNode n) {
    if (n instanceof ASTJexlScript || n instanceof ASTReferenceExpression) {
      List<Typed> c = children(n);
      return c.size() == 1 ? c.get(0) : any(n);
    }
    if (n instanceof ASTIdentifier id && !(n instanceof ASTNamespaceIdentifier)) {
      FieldType t = fields.get(id.getName());
      return t == null ? any(n) : new Typed(Kind.of(t), id.getName(), id.getName(), t);
    }
    if (n instanceof ASTReference) {
      return problem(n, "expression reads \"" + path(n) + "\": property access is not allowed (an expression reads fields by name)");
    }
    if (n instanceof ASTNumberLiteral) {
      return new Typed(Kind.NUMBER, text(n), null, null);
    }
    if (n instanceof ASTStringLiteral) {
      return new Typed(Kind.STRING, text(n), null, null);
    }
    if (n instanceof ASTTrueNode || n instanceof ASTFalseNode) {
      return new Typed(Kind.BOOLEAN, text(n), null, null);
    }
    if (n instanceof ASTNullLiteral) {
      return any(n);
    }
    if (n instanceof ASTAddNode) {
      return add(n, children(n));
    }
    if (n instanceof ASTSubNode || n instanceof ASTMulNode || n instanceof ASTDivNode || n instanceof ASTModNode
        || n instanceof ASTUnaryMinusNode || n instanceof ASTUnaryPlusNode) {
      return numbers(n, children(n));
    }
    if (n instanceof ASTLTNode || n instanceof ASTLENode || n instanceof ASTGTNode || n instanceof ASTGENode
        || n instanceof ASTEQNode || n instanceof ASTNENode || n instanceof ASTEQSNode || n instanceof ASTNESNode) {
      return compare(n, children(n));
    }
    if (n instanceof ASTERNode || n instanceof ASTNRNode) {
      return regex(n);
    }
    if (n instanceof ASTSWNode || n instanceof ASTNSWNode || n instanceof ASTEWNode || n instanceof ASTNEWNode
        || n instanceof ASTAndNode || n instanceof ASTOrNode || n instanceof ASTNotNode) {
      children(n);
      return new Typed(Kind.BOOLEAN, text(n), null, null);
    }
    if (n instanceof ASTTernaryNode) {
      List<Typed> c = children(n);
      Kind k = c.get(c.size() - 1).kind;
      return c.size() == 3 && c.get(1).kind == k ? new Typed(k, text(n), null, null) : any(n);
    }
    if (n instanceof ASTFunctionNode) {
      return function(n);
    }
    return problem(n, "expression uses \"" + text(n) + "\", which expressions do not allow (fields, literals, "
        + "comparisons, arithmetic, && || !, =~ and functions only)");
  }

  private static String path(JexlNode n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n.jjtGetNumChildren() && i < 2; i++) {
      JexlNode c = n.jjtGetChild(i);
      b.append(i == 0 ? "" : ".").append(c instanceof ASTIdentifierAccess a ? a.getName() : text(c));
    }
    return b.toString();
  }

  private Typed add(JexlNode n, List<Typed> c) {
    if (c.stream().allMatch(t -> t.kind == Kind.STRING)) {
      return new Typed(Kind.STRING, text(n), null, null);
    }
    for (Typed t : c) {
      if (!t.is(Kind.NUMBER)) {
        return problem(n, text(n) + ": " + t.describe() + "; + needs numbers"
            + (t.kind == Kind.STRING ? " (with a string it would join text)" : ""));
      }
    }
    return new Typed(Kind.NUMBER, text(n), null, null);
  }

  private Typed numbers(JexlNode n, List<Typed> c) {
    String op = text(n).startsWith("-") && c.size() == 1 ? "-" : operator(n);
    for (Typed t : c) {
      if (!t.is(Kind.NUMBER)) {
        return problem(n, text(n) + ": " + t.describe() + "; " + op + (c.size() == 1 ? " needs a number" : " needs numbers"));
      }
    }
    return new Typed(Kind.NUMBER, text(n), null, null);
  }

  private static String operator(JexlNode n) {
    if (n instanceof ASTSubNode) {
      return "-";
    }
    if (n instanceof ASTMulNode) {
      return "*";
    }
    if (n instanceof ASTDivNode) {
      return "/";
    }
    return n instanceof ASTModNode ? "%" : "+";
  }

  private Typed compare(JexlNode n, List<Typed> c) {
    Typed a = c.get(0);
    Typed b = c.get(1);
    if (a.kind != Kind.ANY && b.kind != Kind.ANY && a.kind != b.kind) {
      return problem(n, text(n) + ": " + a.describe() + " and " + b.describe() + "; they cannot be compared");
    }
    return new Typed(Kind.BOOLEAN, text(n), null, null);
  }

  private Typed regex(JexlNode n) {
    walk(n.jjtGetChild(0));
    JexlNode pattern = n.jjtGetChild(1);
    String op = n instanceof ASTERNode ? "=~" : "!~";
    if (!(pattern instanceof ASTStringLiteral s)) {
      return problem(n, text(n) + ": the pattern of " + op + " must be a string literal (a regex in quotes)");
    }
    String p = UserRegex.problem(s.getLiteral());
    if (p != null) {
      problems.add(p);
    }
    return new Typed(Kind.BOOLEAN, text(n), null, null);
  }

  private Typed function(JexlNode n) {
    JexlNode name = n.jjtGetChild(0);
    String functions = "; functions: " + String.join(", ", ExpressionFunctions.NAMES);
    if (name instanceof ASTNamespaceIdentifier ns && ns.getNamespace() != null) {
      return problem(n, "expression calls \"" + ns.getNamespace() + ":" + ns.getName() + "\": namespaces are not allowed" + functions);
    }
    String fn = ((ASTIdentifier) name).getName();
    if (!ExpressionFunctions.NAMES.contains(fn)) {
      return problem(n, "expression calls \"" + fn + "\", which is not a function" + functions);
    }
    JexlNode args = n.jjtGetChild(1);
    List<Typed> a = children(args);
    if (fn.equals("coalesce")) {
      if (a.size() < 2) {
        return problem(n, text(n) + ": coalesce takes 2 arguments or more, not " + a.size());
      }
      Kind k = Kind.ANY;
      for (Typed t : a) {
        if (t.kind != Kind.ANY && k != Kind.ANY && t.kind != k) {
          return problem(n, text(n) + ": " + t.describe() + ", but coalesce's other arguments are " + k.noun
              + "; its arguments must be of one kind");
        }
        k = t.kind == Kind.ANY ? k : t.kind;
      }
      return new Typed(k, text(n), null, null);
    }
    int arity = fn.equals("abs") || fn.equals("length") || fn.startsWith("is_") ? 1 : fn.equals("extract") ? 3 : 2;
    if (a.size() != arity) {
      return problem(n, text(n) + ": " + fn + " takes " + arity + (arity == 1 ? " argument" : " arguments") + ", not " + a.size());
    }
    String where = text(n) + ": ";
    switch (fn) {
      case "abs", "round" -> {
        for (Typed t : a) {
          if (!t.is(Kind.NUMBER)) {
            return problem(n, where + t.describe() + "; " + fn + " needs numbers");
          }
        }
        if (fn.equals("round") && args.jjtGetChild(1) instanceof ASTNumberLiteral d) {
          Number digits = d.getLiteral();
          if (!(digits instanceof Integer || digits instanceof Long)) {
            return problem(n, where + "round needs whole digits, got " + digits);
          }
          if (Math.abs(digits.longValue()) > ExpressionFunctions.MAX_ROUND_DIGITS) {
            return problem(n, where + ExpressionFunctions.roundDigitsProblem(digits.longValue()));
          }
        }
        return new Typed(Kind.NUMBER, text(n), null, null);
      }
      case "is_null", "is_not_null" -> {
        return new Typed(Kind.BOOLEAN, text(n), null, null);
      }
      case "extract" -> {
        if (!a.get(0).is(Kind.STRING)) {
          return problem(n, where + a.get(0).describe() + "; extract needs a string");
        }
        if (!(args.jjtGetChild(1) instanceof ASTStringLiteral p)) {
          return problem(n, where + "the pattern of extract must be a string literal (a regex in quotes)");
        }
        String bad = UserRegex.problem(p.getLiteral());
        if (bad != null) {
          return problem(n, where + bad);
        }
        if (!(args.jjtGetChild(2) instanceof ASTNumberLiteral g) || !(g.getLiteral() instanceof Integer group)) {
          return problem(n, where + "the group of extract must be a whole number literal");
        }
        int groups = UserRegex.compile(p.getLiteral(), false).groupCount();
        if (group < 0 || group > groups) {
          return problem(n, where + "group " + group + " is not in the pattern (it has " + groups + ")");
        }
        return new Typed(Kind.STRING, text(n), null, null);
      }
      case "length" -> {
        return a.get(0).is(Kind.STRING) ? new Typed(Kind.NUMBER, text(n), null, null)
            : problem(n, where + a.get(0).describe() + "; length needs a string");
      }
      case "min", "max" -> {
        if (a.get(0).kind != Kind.ANY && a.get(1).kind != Kind.ANY && a.get(0).kind != a.get(1).kind) {
          return problem(n, where + a.get(0).describe() + " and " + a.get(1).describe() + "; they cannot be compared");
        }
        return new Typed(a.get(0).kind == Kind.ANY ? a.get(1).kind : a.get(0).kind, text(n), null, null);
      }
      default -> { // the *_between functions
        boolean ok = a.stream().allMatch(t -> t.is(Kind.TIMESTAMP)) || a.stream().allMatch(t -> t.is(Kind.DATE));
        return ok ? new Typed(Kind.NUMBER, text(n), null, null)
            : problem(n, where + "needs two timestamps or two dates; " + a.get(0).describe() + " and " + a.get(1).describe());
      }
    }
  }
}
