package dev.cauce.spec;

import java.io.Serializable;
import java.util.List;

/**
 * One functional dependency of the spec's {@code dependencies}: the {@code determinant} fields'
 * values decide the {@code dependent} fields' values (zip → city, state). Kept records are grouped
 * by the determinant; a group whose dependent values disagree is a violation. With {@code repair:
 * majority} a dependent cell takes its group's most frequent value when that value holds at least
 * {@code minShare} of the group's votes and leads the next value by at least {@code minLead} votes
 * (the logic: {@code dev.cauce.repair}).
 *
 * @param name the counters' and the repairs output's name for it (default {@code <determinant>_to_<dependent>})
 */
public record DependencySpec(String name, List<String> determinant, List<String> dependent, Repair repair, double minShare,
    int minLead) implements Serializable {
  /** The default margin: the winner holds at least half the votes and one more than any other value. */
  public static final double DEFAULT_MIN_SHARE = 0.5;
  public static final int DEFAULT_MIN_LEAD = 1;
  /** The output folder of the repaired cells (next to the dead letter; published by the run's commit). */
  public static final String REPAIRS = "repairs";

  /** What a violation leads to. */
  public enum Repair {
    /** The group's winning value replaces the others (and fills nulls). */
    MAJORITY,
    /** Violations are counted only. */
    NONE
  }

  public DependencySpec {
    determinant = List.copyOf(determinant);
    dependent = List.copyOf(dependent);
  }

  /** Whether any of {@code deps} repairs (then the run has a repairs output). */
  public static boolean anyRepairs(List<DependencySpec> deps) {
    return deps.stream().anyMatch(d -> d.repair() == Repair.MAJORITY);
  }

  /** The default name: {@code zip_to_city_state} for zip → city, state. */
  public static String defaultName(List<String> determinant, List<String> dependent) {
    return String.join("_", determinant) + "_to_" + String.join("_", dependent);
  }
}
