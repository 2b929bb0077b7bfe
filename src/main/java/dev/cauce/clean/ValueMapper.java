package dev.cauce.clean;

import dev.cauce.spec.PipelineSpec.ValueMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A field's value dictionary ({@link ValueMap}): a value that is a key (exactly, or ignoring case)
 * becomes the key's value; otherwise, with {@code nearest} n > 0, a value within n edits (Levenshtein,
 * after case folding when insensitive) of exactly one key takes that key's value; a tie leaves it as it
 * is. Nearest matching compares the value with every key: for dictionaries of hundreds, not millions.
 */
final class ValueMapper {
  private final Map<String, String> entries;
  private final boolean insensitive;
  private final int nearest;

  private ValueMapper(Map<String, String> entries, boolean insensitive, int nearest) {
    this.entries = entries;
    this.insensitive = insensitive;
    this.nearest = nearest;
  }

  /** The mapper of a dictionary, or null for none. */
  static ValueMapper of(ValueMap map) {
    if (map == null) {
      return null;
    }
    Map<String, String> entries = new HashMap<>();
    map.entries().forEach((k, v) -> entries.putIfAbsent(map.insensitive() ? fold(k) : k, v));
    return new ValueMapper(Map.copyOf(entries), map.insensitive(), map.nearest());
  }

  private static String fold(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** The mapped value (the value itself when no key matches). */
  String map(String value) {
    String key = insensitive ? fold(value) : value;
    String to = entries.get(key);
    if (to != null || nearest == 0) {
      return to == null ? value : to;
    }
    String best = null;
    int bestDistance = nearest + 1;
    boolean tie = false;
    for (Map.Entry<String, String> e : entries.entrySet()) {
      int d = distance(key, e.getKey(), nearest + 1); // exact up to nearest; nearest + 1 means farther
      if (d < bestDistance) {
        best = e.getValue();
        bestDistance = d;
        tie = false;
      } else if (d == bestDistance && d <= nearest) {
        tie = true;
      }
    }
    return best == null || tie ? value : best;
  }

  /** Levenshtein distance of a and b in code units, or {@code limit} when it is at least that. */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit) {
      return limit;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (rowMin >= limit) {
        return limit;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return Math.min(prev[b.length()], limit);
  }
}
