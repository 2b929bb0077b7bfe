package dev.cauce.regex;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the part of RE2's syntax (with RE2/J's default flags: {@code ^}/{@code $} at the ends of
 * the text only, {@code .} not matching a newline, negated classes matching it) that {@link LazyDfa}
 * runs, for patterns RE2/J has already accepted. Anything outside it throws {@link Unsupported} and
 * the pattern stays on RE2/J: flags, {@code \b}, Unicode classes, POSIX classes, non-ASCII pattern
 * characters, octal escapes, a {@code {} that is not a repetition.
 *
 * <p>Characters are symbols: 0-127 themselves, then U+017F and U+212A (which RE2 folds to s and k
 * under {@code ignore_case}), then one symbol for every other code point outside the surrogates:
 * an ASCII-only pattern cannot tell those apart.
 */
final class SubsetParser {
  static final int LONG_S = 128;
  static final int KELVIN = 129;
  static final int OTHER = 130;
  static final int SYMBOLS = 131;

  /** A parsed pattern. */
  sealed interface Node permits Chars, Cat, Alt, Rep, Anchor {}

  /** One character from a set of symbols (a bit set over {@link #SYMBOLS}). */
  record Chars(long[] bits) implements Node {}

  record Cat(List<Node> items) implements Node {}

  record Alt(List<Node> items) implements Node {}

  /** {@code item} repeated min to max times; max < 0: unbounded. */
  record Rep(Node item, int min, int max) implements Node {}

  /** The beginning ({@code ^}, {@code \A}) or the end ({@code $}, {@code \z}) of the text. */
  record Anchor(boolean begin) implements Node {}

  /** The pattern is outside the subset. */
  static final class Unsupported extends Exception {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static final Unsupported UNSUPPORTED = new Unsupported();

  private final String re;
  private final boolean fold;
  private int pos;

  private SubsetParser(String re, boolean fold) {
    this.re = re;
    this.fold = fold;
  }

  /** Parses {@code re}, with RE2's simple case folding when {@code fold}. */
  static Node parse(String re, boolean fold) throws Unsupported {
    SubsetParser p = new SubsetParser(re, fold);
    Node n = p.alternation();
    if (p.pos != re.length()) {
      throw UNSUPPORTED;
    }
    return n;
  }

  private boolean at(char c) {
    return pos < re.length() && re.charAt(pos) == c;
  }

  private Node alternation() throws Unsupported {
    List<Node> alts = new ArrayList<>();
    alts.add(concatenation());
    while (at('|')) {
      pos++;
      alts.add(concatenation());
    }
    return alts.size() == 1 ? alts.get(0) : new Alt(alts);
  }

  private Node concatenation() throws Unsupported {
    List<Node> items = new ArrayList<>();
    while (pos < re.length() && !at('|') && !at(')')) {
      items.add(repetition(atom()));
    }
    return items.size() == 1 ? items.get(0) : new Cat(items);
  }

  private Node atom() throws Unsupported {
    char c = re.charAt(pos++);
    switch (c) {
      case '(' -> {
        if (re.startsWith("?:", pos)) {
          pos += 2;
        } else if (re.startsWith("?P<", pos) && re.indexOf('>', pos) > 0) {
          pos = re.indexOf('>', pos) + 1; // a named group: the name does not change what matches
        } else if (at('?')) {
          throw UNSUPPORTED; // flags and other group syntax
        }
        Node inner = alternation();
        if (!at(')')) {
          throw UNSUPPORTED;
        }
        pos++;
        return inner;
      }
      case '[' -> {
        return charClass();
      }
      case '.' -> {
        long[] all = complement(new long[3]);
        clear(all, '\n');
        return new Chars(all);
      }
      case '^' -> {
        return new Anchor(true);
      }
      case '$' -> {
        return new Anchor(false);
      }
      case '\\' -> {
        if (at('A') || at('z')) {
          return new Anchor(re.charAt(pos++) == 'A');
        }
        long[] perl = perlClass();
        return new Chars(perl != null ? perl : single(escapedChar()));
      }
      case '*', '+', '?', '{' -> throw UNSUPPORTED;
      default -> {
        if (c >= 128) {
          throw UNSUPPORTED;
        }
        return new Chars(single(c));
      }
    }
  }

  private Node repetition(Node item) throws Unsupported {
    if (pos >= re.length()) {
      return item;
    }
    int min;
    int max;
    switch (re.charAt(pos)) {
      case '*' -> {
        min = 0;
        max = -1;
        pos++;
      }
      case '+' -> {
        min = 1;
        max = -1;
        pos++;
      }
      case '?' -> {
        min = 0;
        max = 1;
        pos++;
      }
      case '{' -> {
        int close = re.indexOf('}', pos);
        String body = close < 0 ? "" : re.substring(pos + 1, close);
        if (!body.matches("(0|[1-9][0-9]{0,3})(,(0|[1-9][0-9]{0,3})?)?")) {
          throw UNSUPPORTED; // RE2 reads it as a literal '{'
        }
        int comma = body.indexOf(',');
        min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
        max = comma < 0 ? min : comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
        if (min > 1000 || max > 1000 || (max >= 0 && max < min)) {
          throw UNSUPPORTED;
        }
        pos = close + 1;
      }
      default -> {
        return item;
      }
    }
    if (at('?')) {
      pos++; // non-greedy: the same values match
    }
    if (pos < re.length() && "*+?{".indexOf(re.charAt(pos)) >= 0) {
      throw UNSUPPORTED; // stacked repetition
    }
    return new Rep(item, min, max);
  }

  private Node charClass() throws Unsupported {
    boolean negate = at('^');
    if (negate) {
      pos++;
    }
    long[] set = new long[3];
    boolean first = true; // ']' first is a literal
    while (true) {
      if (pos >= re.length()) {
        throw UNSUPPORTED;
      }
      char c = re.charAt(pos);
      if (c == ']' && !first) {
        pos++;
        break;
      }
      first = false;
      if (c == '[' && pos + 1 < re.length() && re.charAt(pos + 1) == ':') {
        throw UNSUPPORTED; // POSIX classes
      }
      if (c == '\\') {
        pos++;
        long[] perl = perlClass();
        if (perl != null) {
          or(set, perl);
          continue;
        }
        pos--;
      }
      int lo = classChar();
      int hi = lo;
      if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
        pos++;
        hi = classChar();
        if (hi < lo) {
          throw UNSUPPORTED;
        }
      }
      for (int ch = lo; ch <= hi; ch++) {
        or(set, single(ch));
      }
    }
    return new Chars(negate ? complement(set) : set);
  }

  private int classChar() throws Unsupported {
    if (pos >= re.length()) {
      throw UNSUPPORTED;
    }
    char c = re.charAt(pos++);
    if (c == '\\') {
      return escapedChar();
    }
    if (c >= 128) {
      throw UNSUPPORTED;
    }
    return c;
  }

  /** The character escaped at {@code pos} (just after the backslash). */
  private int escapedChar() throws Unsupported {
    if (pos >= re.length()) {
      throw UNSUPPORTED;
    }
    char c = re.charAt(pos++);
    if (c < 128 && !Character.isLetterOrDigit(c)) {
      return c; // escaped punctuation is itself
    }
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return 11;
      case 'a':
        return 7;
      case 'x':
        if (pos + 2 <= re.length() && hex(re.charAt(pos)) >= 0 && hex(re.charAt(pos + 1)) >= 0) {
          int v = hex(re.charAt(pos)) * 16 + hex(re.charAt(pos + 1));
          pos += 2;
          if (v < 128) {
            return v;
          }
        }
        throw UNSUPPORTED;
      default:
        throw UNSUPPORTED;
    }
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  /** {@code \d \s \w} and their negations at {@code pos} (folded like RE2 before negating), else null. */
  private long[] perlClass() {
    if (pos >= re.length()) {
      return null;
    }
    char c = re.charAt(pos);
    String members = switch (Character.toLowerCase(c)) {
      case 'd' -> "0123456789";
      case 's' -> "\t\n\f\r ";
      case 'w' -> "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
      default -> null;
    };
    if (members == null) {
      return null;
    }
    pos++;
    long[] set = new long[3];
    members.chars().forEach(m -> or(set, single(m)));
    return Character.isUpperCase(c) ? complement(set) : set;
  }

  /** The set of {@code c}, with its case-fold orbit under folding (RE2's: k K U+212A, s S U+017F). */
  private long[] single(int c) {
    long[] set = new long[3];
    set(set, c);
    if (fold && Character.isLetter(c)) {
      set(set, Character.toLowerCase(c));
      set(set, Character.toUpperCase(c));
      if (c == 'k' || c == 'K') {
        set(set, KELVIN);
      } else if (c == 's' || c == 'S') {
        set(set, LONG_S);
      }
    }
    return set;
  }

  static boolean has(long[] set, int symbol) {
    return (set[symbol >> 6] & (1L << symbol)) != 0;
  }

  private static void set(long[] set, int symbol) {
    set[symbol >> 6] |= 1L << symbol;
  }

  private static void clear(long[] set, int symbol) {
    set[symbol >> 6] &= ~(1L << symbol);
  }

  private static void or(long[] set, long[] other) {
    for (int i = 0; i < set.length; i++) {
      set[i] |= other[i];
    }
  }

  private static long[] complement(long[] set) {
    long[] c = new long[3];
    for (int s = 0; s < SYMBOLS; s++) {
      if (!has(set, s)) {
        set(c, s);
      }
    }
    return c;
  }
}
