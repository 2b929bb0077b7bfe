package dev.cauce.clean;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Random;
import org.junit.Test;

/** The strip of a class of plain characters answers as RE2/J's replaceAll does. */
public class StripCharsTest {
  private static final String ALPHABET = "ab$€£.*+? \t\n é😀\uD800x";

  @Test
  public void onlyClassesOfPlainCharactersAreTakenOutOfTheRegex() {
    assertEquals("$€£", TextSteps.literalClass("[$€£]"));
    assertEquals(".*", TextSteps.literalClass("[.*]"));
    for (String p : List.of("[^a]", "[a-z]", "[\\d]", "[[:alpha:]]", "[]", "a", "[ab]c", "x[ab]", "[😀]")) {
      assertNull(p, TextSteps.literalClass(p));
    }
  }

  @Test
  public void stripsAsRe2Does() {
    Random random = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder cls = new StringBuilder();
      for (int n = 1 + random.nextInt(4); n > 0; n--) {
        char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        if (!Character.isSurrogate(c)) {
          cls.append(c);
        }
      }
      if (cls.length() == 0) {
        continue;
      }
      String pattern = "[" + cls + "]";
      String chars = TextSteps.literalClass(pattern);
      Pattern re2 = Pattern.compile(pattern);
      for (int v = 0; v < 20; v++) {
        StringBuilder value = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
          value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String s = value.toString();
        assertEquals(pattern + " on " + s, re2.matcher(s).replaceAll(""), TextSteps.stripChars(s, chars));
      }
    }
  }

  @Test
  public void aValueWithNothingToStripIsReturnedAsItIs() {
    String s = "12.50";
    assertSame(s, TextSteps.stripChars(s, "$€£"));
    assertEquals("1250.00", TextSteps.stripChars("$1,250.00€", "$€£,"));
  }
}
