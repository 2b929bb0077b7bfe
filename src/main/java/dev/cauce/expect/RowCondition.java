package dev.cauce.expect;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GX's {@code row_condition} written for a {@code condition_parser}, turned into a cauce expression
 * (the validate rules' language), which then checks and evaluates it. The GX forms and pandas'
 * simple subset are supported; anything else is refused with the forms that are.
 */
public final class RowCondition {
  private RowCondition() {}

  public static final List<String> PARSERS = List.of("great_expectations", "great_expectations__experimental__", "pandas",
      "cauce");
  static final String GX_FORMS = "col(\"name\") compared (==, !=, <, <=, >, >=) with a number, a quoted string, True or"
      + " False; col(\"name\").notNull() or .isNull(); combined with &, |, ~ and parentheses";
  static final String PANDAS_FORMS = "name compared (==, !=, <, <=, >, >=) with a number, a quoted string, True or False;"
      + " combined with &, |, and, or, not, ~ and parentheses";

  private static final Pattern TOKEN = Pattern.compile(
      "\\s+|col\\(\\s*([\"'])([A-Za-z_][A-Za-z0-9_]*)\\1\\s*\\)(\\.(?:notNull|isNull)\\(\\))?"
          + "|\"[^\"\\\\]*\"|'[^'\\\\]*'|-?[0-9]+(?:\\.[0-9]+)?|==|!=|<=|>=|<|>|&|\\||~|\\(|\\)|[A-Za-z_][A-Za-z0-9_]*");

  /**
   * {@code text} for {@code parser} as a cauce expression; an IllegalArgumentException says what is
   * not supported.
   */
  public static String expression(String text, String parser) {
    if ("cauce".equals(parser)) {
      return text;
    }
    boolean gx = !"pandas".equals(parser);
    StringBuilder out = new StringBuilder();
    Matcher m = TOKEN.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw unsupported(text, at, gx);
      }
      String t = m.group();
      if (m.group(2) != null) { // col("name")
        if (!gx) {
          throw unsupported(text, at, false);
        }
        String call = m.group(3);
        out.append(call == null ? m.group(2) : (call.startsWith(".not") ? "is_not_null(" : "is_null(") + m.group(2) + ")");
      } else if (Character.isLetter(t.charAt(0)) || t.charAt(0) == '_') {
        switch (t) {
          case "True", "true" -> out.append("true");
          case "False", "false" -> out.append("false");
          case "and" -> out.append(gx ? fail(text, at, true) : " && ");
          case "or" -> out.append(gx ? fail(text, at, true) : " || ");
          case "not" -> out.append(gx ? fail(text, at, true) : "!");
          default -> {
            if (gx) {
              throw unsupported(text, at, true); // GX names columns with col("...")
            }
            out.append(t);
          }
        }
      } else {
        out.append(switch (t) {
          case "&" -> " && ";
          case "|" -> " || ";
          case "~" -> "!";
          default -> t;
        });
      }
      at = m.end();
    }
    return out.toString().trim();
  }

  private static String fail(String text, int at, boolean gx) {
    throw unsupported(text, at, gx);
  }

  private static IllegalArgumentException unsupported(String text, int at, boolean gx) {
    String rest = text.substring(at);
    return new IllegalArgumentException("row_condition \"" + text + "\": not supported from \""
        + (rest.length() > 30 ? rest.substring(0, 30) + "..." : rest) + "\" (condition_parser "
        + (gx ? "great_expectations" : "pandas") + " supports " + (gx ? GX_FORMS : PANDAS_FORMS)
        + "; condition_parser: cauce takes a cauce expression)");
  }
}
