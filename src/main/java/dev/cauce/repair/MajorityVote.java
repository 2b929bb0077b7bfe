package dev.cauce.repair;

import java.util.Map;

/**
 * The winner of a vote among values: the most frequent one when it holds at least {@code minShare}
 * of the votes and leads the runner-up by at least {@code minLead} votes ({@code minLead} ≥ 1, so a
 * tie never wins). The order of the votes does not matter, so every runner finds the same winner.
 */
public final class MajorityVote {
  private MajorityVote() {}

  /** The winning value with its votes out of all votes cast. */
  public record Winner<V>(V value, int votes, int voters) {
    /** {@code 7/9}. */
    public String support() {
      return votes + "/" + voters;
    }
  }

  /** The winner of {@code votes} (value → count, counts ≥ 1), or null when none wins by the margin. */
  public static <V> Winner<V> winner(Map<V, Integer> votes, double minShare, int minLead) {
    if (minLead < 1) {
      throw new IllegalArgumentException("minLead must be 1 or more, got " + minLead);
    }
    V best = null;
    int first = 0;
    int second = 0;
    int voters = 0;
    for (Map.Entry<V, Integer> e : votes.entrySet()) {
      int n = e.getValue();
      voters += n;
      if (n > first) {
        second = first;
        first = n;
        best = e.getKey();
      } else if (n > second) {
        second = n;
      }
    }
    if (voters == 0 || first - second < minLead || first < minShare * voters) {
      return null;
    }
    return new Winner<>(best, first, voters);
  }
}
