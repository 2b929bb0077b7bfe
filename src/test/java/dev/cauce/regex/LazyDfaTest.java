package dev.cauce.regex;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Random;
import org.junit.Test;

/** The lazy DFA answers exactly as RE2/J does, and hands RE2/J what it does not run. */
public class LazyDfaTest {

  private static final String[] PIECES = {
    "a", "b", "k", "s", "K", "1", "_", " ", "-", "\\.", "\\-", "\\n", "\\x41", ".", "\\d", "\\w", "\\s", "\\D", "\\W",
    "\\S", "^", "$", "\\A", "\\z", "]", "}"
  };
  private static final String[] CLASS_ITEMS = {
    "a", "b", "k", "S", "1", "_", "-", ".", "a-c", "A-Z", "0-9", "j-t", "\\d", "\\w", "\\s", "\\W", "\\n", "\\]", "--/"
  };
  private static final String[] TEXT = {
    "a", "b", "c", "k", "K", "s", "S", "\u212A", "\u017F", "\n", "1", "_", " ", "-", ".", "A", "\u00e9", "]", "}",
    "\uD83D\uDE00", "\uD83D"
  };

  @Test
  public void randomPatternsAnswerAsRe2j() {
    Random random = new Random(42);
    int dfas = 0;
    int matched = 0;
    int found = 0;
    int checked = 0;
    for (int i = 0; i < 4_000; i++) {
      String regex = alternation(random, 0);
      boolean ignoreCase = random.nextInt(3) == 0;
      Pattern re2;
      try {
        re2 = Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
      } catch (PatternSyntaxException e) {
        continue;
      }
      TextMatcher m = LazyDfa.of(regex, ignoreCase, re2);
      dfas += m instanceof LazyDfa ? 1 : 0;
      for (int j = 0; j < 40; j++) {
        String text = text(random);
        String where = "/" + regex + "/" + (ignoreCase ? "i" : "") + " on \"" + text + "\"";
        boolean matches = re2.matcher(text).matches();
        boolean finds = re2.matcher(text).find();
        assertEquals("matches " + where, matches, m.matches(text));
        assertEquals("find " + where, finds, m.find(text));
        matched += matches ? 1 : 0;
        found += finds ? 1 : 0;
        checked++;
      }
    }
    assertThat(dfas, greaterThan(3_500)); // nearly all generated patterns are in the subset
    assertThat(matched, greaterThan(checked / 20)); // the answers are not all "no"
    assertThat(found, greaterThan(checked / 4));
  }

  private static String alternation(Random r, int depth) {
    StringBuilder b = new StringBuilder(concatenation(r, depth));
    while (r.nextInt(4) == 0) {
      b.append('|').append(concatenation(r, depth));
    }
    return b.toString();
  }

  private static String concatenation(Random r, int depth) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(4); n > 0; n--) {
      b.append(atom(r, depth)).append(quantifier(r));
    }
    return b.toString();
  }

  private static String atom(Random r, int depth) {
    int kind = r.nextInt(10);
    if (kind == 0 && depth < 3) {
      return (r.nextBoolean() ? "(" : "(?:") + alternation(r, depth + 1) + ")";
    }
    if (kind == 1) {
      StringBuilder b = new StringBuilder("[");
      b.append(r.nextBoolean() ? "^" : "");
      for (int n = 1 + r.nextInt(3); n > 0; n--) {
        b.append(CLASS_ITEMS[r.nextInt(CLASS_ITEMS.length)]);
      }
      return b.append(']').toString();
    }
    return PIECES[r.nextInt(PIECES.length)];
  }

  private static String quantifier(Random r) {
    String q = switch (r.nextInt(12)) {
      case 0 -> "*";
      case 1 -> "+";
      case 2 -> "?";
      case 3 -> "{" + r.nextInt(3) + "}";
      case 4 -> "{" + r.nextInt(3) + ",}";
      case 5 -> "{" + r.nextInt(2) + "," + (1 + r.nextInt(3)) + "}";
      default -> "";
    };
    return !q.isEmpty() && r.nextInt(4) == 0 ? q + "?" : q;
  }

  private static String text(Random r) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(7); n > 0; n--) {
      b.append(TEXT[r.nextInt(TEXT.length)]);
    }
    return b.toString();
  }

  @Test
  public void theOrdersPatterns() {
    TextMatcher id = UserRegex.matcher("^ORD-[0-9]{6,9}$", false);
    assertThat(id, instanceOf(LazyDfa.class));
    assertThat(id.matches("ORD-123456"), is(true));
    assertThat(id.matches("ORD-123456789"), is(true));
    assertThat(id.matches("ORD-12345"), is(false));
    assertThat(id.matches("ORD-1234567890"), is(false));
    assertThat(id.matches("ord-123456"), is(false));
    assertThat(id.matches("ORD-123456\n"), is(false)); // $ is the end of the text only
    assertThat(id.matches("ORD-12345\uFF16"), is(false)); // a full-width digit is not [0-9]
    assertThat(id.matches(""), is(false));
    assertThat(id.find("x ORD-1234567 y"), is(false)); // anchored
    TextMatcher email = UserRegex.matcher("^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", false);
    assertThat(email, instanceOf(LazyDfa.class));
    assertThat(email.matches("ann.lee+x@mail.example.com"), is(true));
    assertThat(email.matches("a@b.co"), is(true));
    assertThat(email.matches("a@b.c"), is(false));
    assertThat(email.matches("Ann@mail.com"), is(false));
    assertThat(email.matches("a@@b.co"), is(false));
    assertThat(email.matches("a@b.co\n"), is(false));
    TextMatcher coupon = UserRegex.matcher("^[A-Z0-9]{4,12}$", true);
    assertThat(coupon, instanceOf(LazyDfa.class));
    assertThat(coupon.matches("SAVE10"), is(true));
    assertThat(coupon.matches("save10"), is(true));
    assertThat(coupon.matches("\u212AEY1"), is(true)); // RE2 folds the Kelvin sign to k
    assertThat(coupon.matches("\u017FAVE"), is(true)); // and the long s to s
    assertThat(coupon.matches("\u00c9COLE"), is(false));
    assertThat(coupon.matches("ABC"), is(false));
    assertThat(coupon.matches("ABCDEFGHIJKLM"), is(false));
    assertThat(Pattern.compile("^[A-Z0-9]{4,12}$", Pattern.CASE_INSENSITIVE).matcher("\u212AEY1").matches(), is(true));
  }

  @Test
  public void onlyTheFoldsRe2MakesReachAsciiLetters() {
    // Every code point outside ASCII that RE2/J folds into an ASCII letter: the two the parser adds.
    Pattern ascii = Pattern.compile("[\\x00-\\x7f]", Pattern.CASE_INSENSITIVE);
    StringBuilder folded = new StringBuilder();
    for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
      if ((cp < 0xD800 || cp > 0xDFFF) && ascii.matcher(new String(Character.toChars(cp))).matches()) {
        folded.append(String.format("U+%04X ", cp));
      }
    }
    assertThat(folded.toString(), is("U+017F U+212A "));
    for (char c = 0; c < 128; c++) {
      String literal = Pattern.quote(String.valueOf(c));
      Pattern re2 = Pattern.compile(literal, Pattern.CASE_INSENSITIVE);
      TextMatcher dfa = UserRegex.matcher(literal, true);
      for (String d : new String[] {"\u017F", "\u212A", "\u00e9"}) {
        assertEquals("fold " + (int) c + " " + d, re2.matcher(d).matches(), dfa.matches(d));
      }
      for (char d = 0; d < 128; d++) {
        assertEquals("fold " + (int) c + " " + (int) d, re2.matcher(String.valueOf(d)).matches(), dfa.matches(String.valueOf(d)));
      }
    }
  }

  @Test
  public void patternsOutsideTheSubsetStayOnRe2j() {
    TextMatcher word = UserRegex.matcher("\\bcat\\b", false);
    assertThat(word, instanceOf(LazyDfa.Re2.class));
    assertThat(word.find("a cat sat"), is(true));
    assertThat(word.find("concatenate"), is(false));
    TextMatcher letters = UserRegex.matcher("\\p{L}+", false);
    assertThat(letters, instanceOf(LazyDfa.Re2.class));
    assertThat(letters.matches("\u00e9t\u00e9"), is(true));
    assertThat(UserRegex.matcher("(?i)abc", false), instanceOf(LazyDfa.Re2.class));
    assertThat(UserRegex.matcher("(?i)abc", false).matches("ABC"), is(true));
  }

  @Test
  public void aPatternPastTheStateCapIsAnsweredByRe2j() {
    LazyDfa m = (LazyDfa) UserRegex.matcher("(a|b)*a(a|b){20}", false);
    Random random = new Random(7);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      b.append(random.nextBoolean() ? 'a' : 'b');
    }
    b.setCharAt(100_000 - 21, 'a');
    String yes = b.toString();
    b.setCharAt(100_000 - 21, 'b');
    String no = b.toString();
    assertThat(m.matches(yes), is(true));
    assertThat(m.usesDfa(), is(false));
    assertThat(m.matches(no), is(false));
    assertThat(m.find(no + "c"), is(true));
    assertThat(m.find("c" + "ab".repeat(10) + "c"), is(false));
  }

  @Test
  public void valuesWithSurrogatesAreMatchedByCodePoint() {
    TextMatcher two = UserRegex.matcher("^a.$", false);
    assertThat(two, instanceOf(LazyDfa.class));
    assertThat(two.matches("a\uD83D\uDE00"), is(true)); // one code point, two chars
    assertThat(two.matches("ab\uD83D\uDE00"), is(false));
    assertThat(two.find("\uD83D\uDE00ab"), is(false));
    assertThat(UserRegex.matcher("[^x]{2}", false).matches("\uD83D\uDE00\uD83D"), is(true));
  }

  @Test
  public void threadsSharingAMatcherBuildItsStatesSafely() throws Exception {
    String regex = "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$";
    TextMatcher shared = UserRegex.matcher(regex, false);
    Pattern re2 = Pattern.compile(regex);
    java.util.List<java.util.concurrent.Future<Integer>> wrong = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      Random random = new Random(t);
      wrong.add(pool.submit(() -> {
        int differ = 0;
        for (int i = 0; i < 20_000; i++) {
          String text = text(random) + "@" + text(random) + "." + text(random);
          differ += re2.matcher(text).matches() == shared.matches(text) && re2.matcher(text).find() == shared.find(text) ? 0 : 1;
        }
        return differ;
      }));
    }
    pool.shutdown();
    for (java.util.concurrent.Future<Integer> w : wrong) {
      assertThat(w.get(), is(0));
    }
  }

  @Test
  public void invalidPatternsFailAsCompileDoes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserRegex.matcher("(\\w)\\1", false));
    assertThat(e.getMessage(), is(UserRegex.problem("(\\w)\\1")));
  }
}
