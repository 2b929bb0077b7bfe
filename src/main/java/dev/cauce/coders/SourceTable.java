package dev.cauce.coders;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;

/**
 * The sources a job knows when it is built (the files its plan listed), so that a record's source
 * travels between steps as a var-int, {@code index + 1}, instead of its path text, and is decoded
 * as the table's own String (one instance per source, not one per record). A source the table does
 * not hold is written as {@code 0} and its path, so records from anywhere still round-trip. The
 * table is part of the record coder, serialized with the job: every worker decodes with the same one.
 */
final class SourceTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most paths a table holds: it travels in every coder of the job graph; further sources go inline. */
  static final int MAX_PATHS = 10_000;

  static final SourceTable NONE = new SourceTable(List.of());

  private final List<String> paths;
  private transient Map<String, Integer> index;

  private SourceTable(List<String> paths) {
    this.paths = paths;
    this.index = indexOf(paths);
  }

  /** A table of {@code paths} in their order, the first {@value #MAX_PATHS} distinct ones (null or empty: none). */
  static SourceTable of(List<String> paths) {
    if (paths == null || paths.isEmpty()) {
      return NONE;
    }
    List<String> distinct = paths.stream().distinct().limit(MAX_PATHS).toList();
    return new SourceTable(distinct);
  }

  private static Map<String, Integer> indexOf(List<String> paths) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      m.put(paths.get(i), i);
    }
    return m;
  }

  List<String> paths() {
    return paths;
  }

  void put(String source, Frame.Out f) {
    Integer i = index.get(source);
    if (i != null) {
      f.varLong(i + 1L);
    } else {
      f.put(0);
      f.string(source);
    }
  }

  String take(Frame.In f) throws CoderException {
    long i = f.varLong();
    if (i == 0) {
      return f.string();
    }
    if (i > paths.size()) {
      throw new CoderException("source " + i + " beyond the table of " + paths.size());
    }
    return paths.get((int) i - 1);
  }

  /** After deserialization: the index over the deserialized paths. */
  private Object readResolve() {
    return paths.isEmpty() ? NONE : new SourceTable(paths);
  }
}
