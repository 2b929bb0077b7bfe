package dev.cauce.model;

/** Checks that text is well-formed Unicode: Java strings can hold unpaired surrogates, which no UTF encodes. */
public final class Unicode {
  private Unicode() {}

  /** The index of the first surrogate in {@code s} that is not half of a high-low pair, or -1 when there is none. */
  public static int unpairedSurrogate(CharSequence s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  /** {@code U+D800}: how a message names a UTF-16 code unit. */
  public static String codePoint(char c) {
    return String.format("U+%04X", (int) c);
  }
}
