package dev.cauce.write.jdbc;

import dev.cauce.spec.FieldType;
import dev.cauce.spec.JdbcSpec;
import dev.cauce.write.Layout;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * SQL text from spec names, safely: every identifier is checked against a strict pattern (again,
 * after the spec loader did) and double-quoted right where the SQL is built; values never appear in
 * SQL text, only as {@code ?} parameters of prepared statements.
 */
public final class Sql {
  private Sql() {}

  /** Column names: schema field names ({@code [A-Za-z_][A-Za-z0-9_]*}); quoting keeps their case. */
  static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final String STAGING_MARK = "__stg_";

  /** The checked, quoted identifier; throws when {@code name} is not a safe identifier. */
  public static String quote(String name) {
    if (name == null || name.isEmpty() || name.length() > JdbcSpec.MAX_IDENTIFIER_LENGTH || !COLUMN.matcher(name).matches()) {
      throw new IllegalArgumentException("refusing to use \"" + name + "\" as an SQL identifier: it must match "
          + COLUMN.pattern() + " and have at most " + JdbcSpec.MAX_IDENTIFIER_LENGTH + " characters");
    }
    return "\"" + name + "\"";
  }

  /** {@code "schema"."table"}, both checked and quoted. */
  public static String qualified(String schema, String table) {
    return quote(schema) + "." + quote(table);
  }

  /** The quoted, comma-separated columns. */
  static String columns(List<String> names) {
    return names.stream().map(Sql::quote).collect(Collectors.joining(", "));
  }

  /** {@code ?, ?, ?}. */
  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /** The PostgreSQL column type of a schema field type. */
  public static String columnType(FieldType t) {
    return switch (t) {
      case STRING -> "text";
      case INT -> "integer";
      case LONG -> "bigint";
      case DOUBLE -> "double precision";
      case DECIMAL -> "numeric";
      case BOOLEAN -> "boolean";
      case DATE -> "date";
      case TIMESTAMP -> "timestamptz";
    };
  }

  /**
   * The {@code information_schema.columns.data_type} values an existing column may have for a field
   * type: the mapped type, and for string and int the types every value of theirs fits too.
   */
  static Set<String> acceptedDataTypes(FieldType t) {
    return switch (t) {
      case STRING -> Set.of("text", "character varying");
      case INT -> Set.of("integer", "bigint");
      case LONG -> Set.of("bigint");
      case DOUBLE -> Set.of("double precision");
      case DECIMAL -> Set.of("numeric");
      case BOOLEAN -> Set.of("boolean");
      case DATE -> Set.of("date");
      case TIMESTAMP -> Set.of("timestamp with time zone");
    };
  }

  /**
   * The run's staging table for {@code table}: {@code <table>__stg_<run id>}, the run id lower-cased
   * with every character other than a-z, 0-9 and _ replaced by _. When that is longer than
   * PostgreSQL's 63 characters, both parts are shortened and an 8-digit hash of the full name keeps
   * it unique.
   */
  public static String stagingTable(String table, String runId) {
    String run = runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    String name = table + STAGING_MARK + run;
    if (name.length() <= JdbcSpec.MAX_IDENTIFIER_LENGTH) {
      return name;
    }
    String hash = Layout.shortHash(name);
    int room = JdbcSpec.MAX_IDENTIFIER_LENGTH - STAGING_MARK.length() - hash.length() - 1; // 48 for table + run
    int t = Math.min(table.length(), room / 2);
    int r = Math.min(run.length(), room - t);
    return table.substring(0, t) + STAGING_MARK + run.substring(0, r) + "_" + hash;
  }
}
