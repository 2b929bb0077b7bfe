package dev.cauce.spec.read;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks of the regexes a spec holds. Values that must convert to a field's type (defaults, {@code
 * in} values, range bounds) and date formats are checked with the cleaner's own conversions.
 */
public final class SpecValues {
  private SpecValues() {}

  /** Null when {@code regex} compiles; otherwise {@code invalid regex "...": <Java's description>}. */
  public static String regexProblem(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return "invalid regex \"" + regex + "\": " + YamlTree.firstLine(e.getMessage());
    }
  }

  /**
   * Null when {@code replacement} is a valid {@link java.util.regex.Matcher#appendReplacement}
   * text for {@code regex} (which must compile): {@code $n} names an existing group, {@code ${name}}
   * a named group, and no backslash is left dangling.
   */
  public static String replacementProblem(String regex, String replacement) {
    Pattern alwaysMatches;
    try {
      // The same groups as the user's regex, plus an empty alternative so that it matches "".
      alwaysMatches = Pattern.compile("(?:" + regex + ")|");
    } catch (PatternSyntaxException e) {
      return null; // a regex that cannot be wrapped (e.g. ends in a (?x) comment): not checked
    }
    var m = alwaysMatches.matcher("");
    if (!m.find()) {
      return null;
    }
    try {
      m.appendReplacement(new StringBuilder(), replacement);
      return null;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return "invalid replacement \"" + replacement + "\" for regex \"" + regex + "\": " + e.getMessage()
          + " (write \\$ for a literal $)";
    }
  }
}
