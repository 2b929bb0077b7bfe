package dev.cauce.model;

import java.util.List;
import java.util.Map;

/**
 * The reference tables of a run as the record stages see them: each table's rows by key (see {@code
 * ReferenceKeys}), each row its cells in the reference's column order (null for an empty cell). In a
 * job they come from side inputs ({@code FusedStages} sets them per element); in tests, from maps.
 */
@FunctionalInterface
public interface References {
  /** No reference at all. */
  References NONE = name -> null;

  /** The rows of reference {@code name} by key, or null when the run has no such reference. */
  Map<String, List<String>> table(String name);

  /** References over fixed maps. */
  static References of(Map<String, Map<String, List<String>>> tables) {
    return tables::get;
  }
}
