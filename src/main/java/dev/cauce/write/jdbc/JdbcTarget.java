package dev.cauce.write.jdbc;

import dev.cauce.resilience.BreakerSettings;
import dev.cauce.resilience.RetrySettings;
import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One table a run writes: a jdbc sink's (its schema's columns, upserted on its key) or the dead
 * letter's (fixed columns, keyed by run id, source and line). Holds the resolved {@code
 * schema.table}, the run's staging table, and builds every SQL statement used on them, quoting each
 * identifier through {@link Sql#quote}.
 *
 * <p>A sink's staging table has the schema's columns plus {@code cauce__source} and {@code
 * cauce__line} (the record's origin) as its primary key: a batch insert that is retried after an
 * ambiguous failure, or a bundle the runner runs again, cannot add a row twice ({@code ON CONFLICT
 * DO NOTHING}). Publishing keeps one row per key, the last in source order, then upserts.
 */
public record JdbcTarget(
    Kind kind, String name, String schema, String table, String stagingTable, List<Column> columns, List<String> key,
    JdbcSpec spec, WriteMode mode)
    implements Serializable {

  public enum Kind {
    SINK,
    DEAD_LETTER
  }

  /** A target column: its name, PostgreSQL type, and whether it is NOT NULL in a created table. */
  public record Column(String name, String type, boolean notNull) implements Serializable {}

  public static final String SOURCE_COLUMN = "cauce__source";
  public static final String LINE_COLUMN = "cauce__line";

  /** The dead letter table's columns; {@code errors} lists every violation as JSON. */
  public static final List<Column> DEAD_LETTER_COLUMNS = List.of(
      new Column("run_id", "text", true),
      new Column("pipeline", "text", true),
      new Column("stage", "text", true),
      new Column("reason", "text", true),
      new Column("rule", "text", false),
      new Column("field", "text", false),
      new Column("message", "text", false),
      new Column("source", "text", true),
      new Column("line", "bigint", true),
      new Column("raw", "text", true),
      new Column("header", "text", false),
      new Column("errors", "jsonb", true));
  public static final List<String> DEAD_LETTER_KEY = List.of("run_id", "source", "line");

  public JdbcTarget {
    columns = List.copyOf(columns);
    key = List.copyOf(key);
  }

  /** A jdbc sink's target in {@code schema} (resolved: the spec's, or the connection's current schema). */
  public static JdbcTarget sink(PipelineSpec spec, String sinkName, JdbcSpec jdbc, String schema, String runId) {
    List<Column> cols = new ArrayList<>();
    for (FieldSpec f : spec.schema()) {
      cols.add(new Column(f.name(), Sql.columnType(f.type()), f.required() || jdbc.key().contains(f.name())));
    }
    return new JdbcTarget(Kind.SINK, sinkName, schema, jdbc.table(), Sql.stagingTable(jdbc.table(), runId), cols,
        jdbc.key(), jdbc, WriteMode.APPEND);
  }

  /** The dead letter's table. */
  public static JdbcTarget deadLetter(String name, JdbcSpec jdbc, WriteMode mode, String schema, String runId) {
    return new JdbcTarget(Kind.DEAD_LETTER, name, schema, jdbc.table(), Sql.stagingTable(jdbc.table(), runId),
        DEAD_LETTER_COLUMNS, DEAD_LETTER_KEY, jdbc, mode);
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** The retries of every statement on this table: the spec's, each wait randomised by ±50%. */
  public RetrySettings retries() {
    JdbcSpec.RetrySpec r = spec.retries();
    return new RetrySettings(r.maxAttempts(), r.initialBackoff(), r.multiplier(), 0.5, r.maxBackoff());
  }

  /** The table's circuit breaker: it opens after the spec's {@code failure_threshold} consecutive failures. */
  public BreakerSettings breaker() {
    return BreakerSettings.consecutive(spec.breaker().failureThreshold(), spec.breaker().waitOpen());
  }

  /** {@code schema.table}, unquoted, for messages. */
  public String targetName() {
    return schema + "." + table;
  }

  /** {@code schema.staging}, unquoted, for messages. */
  public String stagingName() {
    return schema + "." + stagingTable;
  }

  String quotedTarget() {
    return Sql.qualified(schema, table);
  }

  String quotedStaging() {
    return Sql.qualified(schema, stagingTable);
  }

  /** The columns of the staging table's insert, in parameter order. */
  List<String> stagingColumns() {
    List<String> cols = new ArrayList<>(columnNames());
    if (kind == Kind.SINK) {
      cols.add(SOURCE_COLUMN);
      cols.add(LINE_COLUMN);
    }
    return cols;
  }

  /** {@code CREATE TABLE IF NOT EXISTS} the target, with its primary key. */
  String createTargetSql() {
    return "CREATE TABLE IF NOT EXISTS " + quotedTarget() + " (" + columnDefinitions(true) + ", PRIMARY KEY ("
        + Sql.columns(key) + "))";
  }

  /**
   * Drops a staging table left by an earlier attempt of this run id, and creates it afresh, with no
   * constraint but its key. Logged (not UNLOGGED): a server crash must not empty it, or no retry
   * of the publish could succeed.
   */
  List<String> createStagingSql() {
    String pk = kind == Kind.SINK ? Sql.columns(List.of(SOURCE_COLUMN, LINE_COLUMN)) : Sql.columns(key);
    String extra = kind == Kind.SINK
        ? ", " + Sql.quote(SOURCE_COLUMN) + " text NOT NULL, " + Sql.quote(LINE_COLUMN) + " bigint NOT NULL"
        : "";
    return List.of(
        "DROP TABLE IF EXISTS " + quotedStaging(),
        "CREATE TABLE " + quotedStaging() + " (" + columnDefinitions(false) + extra + ", PRIMARY KEY (" + pk + "))");
  }

  private String columnDefinitions(boolean constraints) {
    return columns.stream()
        .map(c -> Sql.quote(c.name()) + " " + c.type() + (constraints && c.notNull() ? " NOT NULL" : ""))
        .collect(Collectors.joining(", "));
  }

  /** The staging insert: one row per record, a repeat of a row already there is skipped. */
  String insertStagingSql() {
    List<String> cols = stagingColumns();
    return "INSERT INTO " + quotedStaging() + " (" + Sql.columns(cols) + ") VALUES (" + Sql.placeholders(cols.size())
        + ") ON CONFLICT DO NOTHING";
  }

  String countStagingSql() {
    return "SELECT count(*) FROM " + quotedStaging();
  }

  /**
   * The statements that publish the staging table into the target (run inside one transaction):
   * for a sink, an upsert keeping the last row per key in source order; for the dead letter, an
   * insert (after deleting the previous rows in overwrite mode).
   */
  List<String> publishSql() {
    String cols = Sql.columns(columnNames());
    String keys = Sql.columns(key);
    List<String> sql = new ArrayList<>();
    if (kind == Kind.SINK) {
      List<String> rest = columnNames().stream().filter(c -> !key.contains(c)).toList();
      String onConflict = rest.isEmpty()
          ? "DO NOTHING"
          : "DO UPDATE SET " + rest.stream().map(c -> Sql.quote(c) + " = EXCLUDED." + Sql.quote(c)).collect(Collectors.joining(", "));
      sql.add("INSERT INTO " + quotedTarget() + " (" + cols + ") SELECT DISTINCT ON (" + keys + ") " + cols + " FROM "
          + quotedStaging() + " ORDER BY " + keys + ", " + Sql.quote(SOURCE_COLUMN) + " DESC, " + Sql.quote(LINE_COLUMN)
          + " DESC ON CONFLICT (" + keys + ") " + onConflict);
    } else {
      if (mode == WriteMode.OVERWRITE) {
        sql.add("DELETE FROM " + quotedTarget());
      }
      sql.add("INSERT INTO " + quotedTarget() + " (" + cols + ") SELECT " + cols + " FROM " + quotedStaging()
          + " ON CONFLICT (" + keys + ") DO NOTHING");
    }
    return sql;
  }

  String dropStagingSql() {
    return "DROP TABLE " + quotedStaging();
  }
}
