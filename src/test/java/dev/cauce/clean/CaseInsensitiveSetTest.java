package dev.cauce.clean;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;

public class CaseInsensitiveSetTest {
  private static final String LONG = "x".repeat(70);

  @Test
  public void answersAsTheCaseInsensitiveOrderDoes() {
    List<String> tokens = List.of("", "N/A", "null", "unknown", "ſ", LONG);
    Set<String> fast = TextSteps.caseInsensitiveSet(tokens);
    Set<String> plain = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    plain.addAll(tokens);
    for (String v : List.of("", "n/a", "N/A", "NULL", "Null", "nul", "nulls", "UNKNOWN", "unknow", "s", "S", "ſ", "ss",
        LONG.toUpperCase(), LONG + "x", "x".repeat(63), "2024-01-01T00:00:00Z", "ORD-1234567")) {
      assertEquals(v, plain.contains(v), fast.contains(v));
    }
    assertTrue(fast.contains("S")); // U+017F folds to S, as String.CASE_INSENSITIVE_ORDER says
    assertFalse(fast.contains(null));
    assertFalse(fast.contains(42));
    assertEquals(6, fast.size());
  }

  @Test
  public void anEmptySetHoldsNothing() {
    Set<String> none = TextSteps.caseInsensitiveSet(List.of());
    assertFalse(none.contains(""));
    assertEquals(0, none.size());
  }
}
