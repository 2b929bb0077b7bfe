package dev.cauce.spec;

import java.io.Serializable;
import java.util.List;

/**
 * A reference table ({@code references:}): a CSV file with a header or a JSONL file ({@code path},
 * local or {@code gs://}), or the rows of a read-only PostgreSQL {@code query}, read once per run
 * and keyed by the columns {@code key}. Rules ({@code in_reference}) and schema fields ({@code lookup})
 * use it through a side input. {@code keyTypes}: the field types its uses compare each key column as
 * (string when unused); {@code columns}: its header, known once the plan has read it (null before).
 */
public record ReferenceSpec(
    String name,
    String path,
    Format format,
    String query,
    List<String> key,
    OnDuplicate onDuplicate,
    long maxRows,
    long maxBytes,
    List<FieldType> keyTypes,
    List<String> columns)
    implements Serializable {
  public static final long DEFAULT_MAX_ROWS = 100_000;
  public static final long DEFAULT_MAX_BYTES = 16L << 20;
  /** The highest settable bounds: a reference is held in memory by the launcher and every worker. */
  public static final long MAX_ROWS_LIMIT = 10_000_000;
  public static final long MAX_BYTES_LIMIT = 1L << 30;

  public enum Format {
    CSV,
    JSONL
  }

  /** A key given by several rows: the first row wins (the others are counted), or the reference is refused. */
  public enum OnDuplicate {
    FIRST,
    ERROR
  }

  public ReferenceSpec {
    key = List.copyOf(key);
    keyTypes = keyTypes == null ? key.stream().map(k -> FieldType.STRING).toList() : List.copyOf(keyTypes);
    columns = columns == null ? null : List.copyOf(columns);
  }

  public boolean isQuery() {
    return query != null;
  }

  /** {@code path} or {@code query: ...}: what a message names as the reference's source. */
  public String source() {
    return isQuery() ? "query" : path;
  }

  public ReferenceSpec withPath(String newPath) {
    return new ReferenceSpec(name, newPath, format, query, key, onDuplicate, maxRows, maxBytes, keyTypes, columns);
  }

  public ReferenceSpec withKeyTypes(List<FieldType> types) {
    return new ReferenceSpec(name, path, format, query, key, onDuplicate, maxRows, maxBytes, types, columns);
  }

  public ReferenceSpec withColumns(List<String> header) {
    return new ReferenceSpec(name, path, format, query, key, onDuplicate, maxRows, maxBytes, keyTypes, header);
  }

  /** The spec problem of a use naming an undeclared reference. */
  public static String unknown(String name, java.util.Collection<String> declared) {
    return "unknown reference \"" + name + "\"" + (declared.isEmpty()
        ? "; declare it under references" : "; references: " + String.join(", ", declared));
  }

  /** The spec problem of a use giving {@code fields} fields for this reference's key, or null when they fit. */
  public static String arityProblem(int fields, String name, List<String> key) {
    return fields == key.size() ? null
        : "gives " + fields + " field(s) for reference " + name + ", whose key has " + key.size() + " column(s) " + key;
  }

  /** The index of {@code column} in {@link #columns}, or -1. */
  public int columnIndex(String column) {
    return columns == null ? -1 : columns.indexOf(column);
  }
}
