package dev.cauce.repair;

import dev.cauce.spec.DependencySpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;

/**
 * One functional dependency over the records of one group (same determinant values): detects
 * whether their dependent values disagree and, with {@code repair: majority}, sets each dependent
 * cell to the group's winning value ({@link MajorityVote}). Nulls: a record with a null determinant
 * belongs to no group ({@link #keyOf} is null) and passes untouched; a null dependent value casts
 * no vote, counts as disagreeing with a value, and is filled in when its field has a winner. A
 * group of one never violates. Each field is voted on its own (city may be repaired while state
 * is a tie).
 */
public final class DependencyRepair {
  /** One repaired cell: the record's index in the group, the field, its old and new value, and the winner's support. */
  public record Cell(int record, String field, Object old, Object value, int votes, int voters) {
    /** {@code 7/9}: the new value's votes out of the group's non-null values of the field. */
    public String support() {
      return votes + "/" + voters;
    }
  }

  /**
   * A group's outcome: its rows (repaired where {@code cells} says so, else the same instances),
   * whether it violates the dependency, and how many of its disagreeing fields had no winner.
   */
  public record Outcome(List<Row> rows, List<Cell> cells, boolean violation, int unresolved) {}

  private final DependencySpec dep;

  public DependencyRepair(DependencySpec dep) {
    this.dep = dep;
  }

  public DependencySpec dependency() {
    return dep;
  }

  /**
   * The group key of a row: its determinant values, each as {@code <length>:<text>} so that no two
   * different value lists share a key; null when any of them is null (the row is in no group).
   */
  public String keyOf(Row row) {
    StringBuilder b = new StringBuilder();
    for (String f : dep.determinant()) {
      Object v = row.getValue(f);
      if (v == null) {
        return null;
      }
      String t = String.valueOf(voteOf(v));
      b.append(t.length()).append(':').append(t);
    }
    return b.toString();
  }

  /** The determinant's values of a row by field (its group, as the repairs output shows it). */
  public Map<String, Object> groupOf(Row row) {
    Map<String, Object> g = new LinkedHashMap<>();
    dep.determinant().forEach(f -> g.put(f, row.getValue(f)));
    return g;
  }

  /** Detects and (with {@code repair: majority}) repairs one group's rows; they are not changed in place. */
  public Outcome repair(List<Row> group) {
    List<Row> rows = new ArrayList<>(group);
    if (rows.size() < 2) {
      return new Outcome(rows, List.of(), false, 0);
    }
    boolean violation = false;
    int unresolved = 0;
    List<Cell> cells = new ArrayList<>();
    for (String f : dep.dependent()) {
      Map<Object, Integer> votes = new HashMap<>();
      Map<Object, Object> firstOf = new HashMap<>(); // a vote → the first value seen that casts it
      int nulls = 0;
      for (Row r : rows) {
        Object v = r.getValue(f);
        if (v == null) {
          nulls++;
        } else {
          Object vote = voteOf(v);
          votes.merge(vote, 1, Integer::sum);
          firstOf.putIfAbsent(vote, v);
        }
      }
      if (votes.size() + (nulls > 0 ? 1 : 0) < 2) {
        continue; // all equal, or all null
      }
      violation = true;
      if (dep.repair() != DependencySpec.Repair.MAJORITY) {
        continue;
      }
      MajorityVote.Winner<Object> w = MajorityVote.winner(votes, dep.minShare(), dep.minLead());
      if (w == null) {
        unresolved++;
        continue;
      }
      Object value = firstOf.get(w.value());
      for (int i = 0; i < rows.size(); i++) {
        Object old = rows.get(i).getValue(f);
        if (old == null || !voteOf(old).equals(w.value())) {
          rows.set(i, with(rows.get(i), f, value));
          cells.add(new Cell(i, f, old, value, w.votes(), w.voters()));
        }
      }
    }
    return new Outcome(rows, cells, violation, unresolved);
  }

  /** What a value votes as: decimals by their number (1.50 and 1.5 agree), other values as themselves. */
  static Object voteOf(Object v) {
    return v instanceof BigDecimal d ? (d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros()) : v;
  }

  private static Row with(Row row, String field, Object value) {
    return Row.fromRow(row).withFieldValue(field, value).build();
  }
}
