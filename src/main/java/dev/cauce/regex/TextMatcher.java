package dev.cauce.regex;

/** A compiled spec regex answering yes/no questions about a value, in time linear in the value. */
public interface TextMatcher {
  /** Whether the whole of {@code value} matches (RE2/J's {@code matcher(value).matches()}). */
  boolean matches(String value);

  /** Whether {@code value} contains a match (RE2/J's {@code matcher(value).find()}). */
  boolean find(String value);
}
