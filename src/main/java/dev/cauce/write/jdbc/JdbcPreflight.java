package dev.cauce.write.jdbc;

import dev.cauce.resilience.Durations;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.JdbcSpec.BreakerSpec;
import dev.cauce.spec.JdbcSpec.RetrySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything about the database that can be checked before the job runs, so that a run never
 * starts only to fail on it: the connection options (a spec with a jdbc sink needs {@code
 * --jdbcUrl}), the password source, the resilience overrides, that the database answers (one
 * connection, no retries: an unreachable database is reported in seconds), and for every table the
 * run writes: its schema exists; the table exists and its columns fit the spec's schema (types,
 * NOT NULL columns, a primary key or unique constraint on exactly the key, which {@code ON
 * CONFLICT} needs), or it is created when {@code create: if_missing}. Then the run's staging tables
 * are created (dropping any left by an earlier attempt with the same run id). All of it is one
 * transaction: when anything is wrong, nothing is created. A dry run checks and creates nothing.
 */
public final class JdbcPreflight {
  private JdbcPreflight() {}

  /** What in {@code spec} writes to PostgreSQL ("sink orders", "dead_letter.table"); empty when nothing does. */
  public static List<String> users(PipelineSpec spec) {
    List<String> users = new ArrayList<>();
    for (SinkSpec s : spec.sinks()) {
      if (s.isJdbc()) {
        users.add("sink " + s.name());
      }
    }
    if (spec.deadLetter() != null && spec.deadLetter().table() != null) {
      users.add("dead_letter.table");
    }
    return users;
  }

  /**
   * Prepares the run's tables; {@link JdbcRun#none} when the spec writes none.
   *
   * @throws JdbcSetupException listing every problem (masked); nothing ran then and nothing was created
   */
  public static JdbcRun prepare(PipelineSpec spec, JdbcOptions options, String runId, boolean dryRun)
      throws JdbcSetupException {
    List<String> users = users(spec);
    DeadLetterSpec dl = spec.deadLetter();
    if (users.isEmpty()) {
      return JdbcRun.none(runId);
    }
    JdbcSettings settings = JdbcSettings.of(options);
    if (settings.url() == null || settings.url().isBlank()) {
      throw new JdbcSetupException("pipeline " + spec.name() + " writes to PostgreSQL (" + String.join(", ", users)
          + "), but no --jdbcUrl was given. Pass --jdbcUrl=jdbc:postgresql://HOST:5432/DATABASE"
          + " --jdbcUser=USER (and --jdbcPasswordEnv=VARIABLE or --jdbcPasswordFile=FILE when the server asks for a password).");
    }
    String problem = settings.problem();
    if (problem != null) {
      throw new JdbcSetupException(problem);
    }
    Map<String, JdbcSpec> specs = new LinkedHashMap<>();
    for (SinkSpec s : spec.sinks()) {
      if (s.isJdbc()) {
        specs.put(s.name(), withOverrides(s.jdbc(), options));
      }
    }
    JdbcSpec dlSpec = dl != null && dl.table() != null ? withOverrides(dl.table(), options) : null;

    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<JdbcTarget> targets = new ArrayList<>();
    Instant stagedAt = null;
    try (Connection c = settings.connect(settings.dataSource())) {
      try {
        for (Map.Entry<String, JdbcSpec> e : specs.entrySet()) {
          String schema = schemaOf(c, e.getValue(), "sink " + e.getKey(), problems);
          if (schema != null) {
            targets.add(JdbcTarget.sink(spec, e.getKey(), e.getValue(), schema, runId));
          }
        }
        if (dlSpec != null) {
          String schema = schemaOf(c, dlSpec, "dead_letter.table", problems);
          if (schema != null) {
            targets.add(JdbcTarget.deadLetter(dl.name(), dlSpec, dl.mode(), schema, runId));
          }
        }
        Map<String, String> seen = new HashMap<>();
        for (JdbcTarget t : targets) {
          String first = seen.putIfAbsent(t.targetName(), label(t));
          if (first != null) {
            problems.add(label(t) + ": table " + t.targetName() + " is also written by " + first + "; each needs its own table");
          }
        }
        for (JdbcTarget t : targets) {
          checkOrCreate(c, spec, t, dryRun, problems, notes);
        }
        if (!problems.isEmpty()) {
          c.rollback();
          throw new JdbcSetupException("the database at " + settings.maskedUrl() + " does not fit pipeline " + spec.name()
              + "; nothing was created:\n  - " + String.join("\n  - ", problems));
        }
        if (!dryRun) {
          try (Statement st = c.createStatement()) {
            for (JdbcTarget t : targets) {
              for (String sql : t.createStagingSql()) {
                st.execute(sql);
              }
            }
            try (ResultSet rs = st.executeQuery("SELECT now()")) {
              rs.next();
              stagedAt = rs.getTimestamp(1).toInstant();
            }
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new JdbcSetupException("cannot prepare the PostgreSQL tables of pipeline " + spec.name() + " at "
          + settings.maskedUrl() + (settings.user() == null ? "" : " as user " + settings.user()) + ": "
          + JdbcErrors.describe(e) + ". Is the server running and reachable (" + JdbcErrors.pgIsReady(settings.url())
          + ")? For the local test server: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start."
          + " Otherwise check --jdbcUrl, --jdbcUser and the password. Nothing ran.");
    }
    return new JdbcRun(runId, settings, targets, notes, stagedAt);
  }

  private static String label(JdbcTarget t) {
    return t.kind() == JdbcTarget.Kind.SINK ? "sink " + t.name() : "dead_letter.table";
  }

  /** The spec's schema, or the connection's current schema; checked to exist. Null after a problem. */
  private static String schemaOf(Connection c, JdbcSpec s, String label, List<String> problems) throws SQLException {
    String schema = s.schema();
    if (schema == null) {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
        schema = rs.next() ? rs.getString(1) : null;
      }
      if (schema == null) {
        problems.add(label + ": table " + s.table() + " has no schema and the connection has no current schema"
            + " (empty search_path); write schema.table in the spec or add currentSchema=... to --jdbcUrl");
        return null;
      }
      if (!JdbcSpec.IDENTIFIER.matcher(schema).matches()) {
        problems.add(label + ": the connection's current schema \"" + schema + "\" is not a plain lower-case name; write"
            + " schema.table in the spec");
        return null;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          problems.add(label + ": schema " + schema + " does not exist; create it first (CREATE SCHEMA " + schema + ")");
          return null;
        }
      }
    }
    return schema;
  }

  private record ExistingColumn(String type, boolean notNull, boolean hasDefault) {}

  private static void checkOrCreate(Connection c, PipelineSpec spec, JdbcTarget t, boolean dryRun, List<String> problems,
      List<String> notes) throws SQLException {
    String label = label(t);
    String kind;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, t.schema());
      ps.setString(2, t.table());
      try (ResultSet rs = ps.executeQuery()) {
        kind = rs.next() ? rs.getString(1) : null;
      }
    }
    if (kind == null) {
      if (t.spec().create() == JdbcSpec.Create.NEVER) {
        problems.add(label + ": table " + t.targetName() + " does not exist; create it, or set create: if_missing in the spec");
        return;
      }
      if (dryRun) {
        notes.add(label + ": table " + t.targetName() + " does not exist; a run creates it (create: if_missing)");
      } else {
        try (Statement st = c.createStatement()) {
          st.execute(t.createTargetSql());
        }
        notes.add(label + ": created table " + t.targetName());
      }
      return;
    }
    if (!kind.equals("r") && !kind.equals("p")) {
      problems.add(label + ": " + t.targetName() + " is not a table (pg_class.relkind " + kind + ")");
      return;
    }
    int before = problems.size();
    Map<String, ExistingColumn> existing = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      ps.setString(1, t.schema());
      ps.setString(2, t.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          existing.put(rs.getString(1), new ExistingColumn(rs.getString(2), "NO".equals(rs.getString(3)), rs.getString(4) != null));
        }
      }
    }
    Map<String, FieldType> fieldTypes = new LinkedHashMap<>();
    for (FieldSpec f : spec.schema()) {
      fieldTypes.put(f.name(), f.type());
    }
    for (JdbcTarget.Column col : t.columns()) {
      ExistingColumn e = existing.get(col.name());
      if (e == null) {
        problems.add(label + ": table " + t.targetName() + " has no column " + col.name() + " (" + col.type() + ")");
        continue;
      }
      Set<String> accepted = t.kind() == JdbcTarget.Kind.SINK
          ? Sql.acceptedDataTypes(fieldTypes.get(col.name()))
          : col.type().equals("text") ? Set.of("text", "character varying")
          : col.type().equals("bigint") ? Set.of("bigint") : Set.of(col.type());
      if (!accepted.contains(e.type())) {
        problems.add(label + ": column " + t.targetName() + "." + col.name() + " is " + e.type() + "; "
            + (t.kind() == JdbcTarget.Kind.SINK ? "field " + col.name() + " (" + fieldTypes.get(col.name()).specName() + ")" : "it")
            + " needs " + String.join(" or ", new TreeSet<>(accepted)));
      }
      if (e.notNull() && !col.notNull()) {
        problems.add(label + ": column " + t.targetName() + "." + col.name() + " is NOT NULL, but field " + col.name()
            + " may be null (make it required: true in the schema, or drop the constraint)");
      }
    }
    for (Map.Entry<String, ExistingColumn> e : existing.entrySet()) {
      if (!t.columnNames().contains(e.getKey()) && e.getValue().notNull() && !e.getValue().hasDefault()) {
        problems.add(label + ": column " + t.targetName() + "." + e.getKey() + " is NOT NULL without a default and the"
            + " pipeline has no value for it; every insert would fail");
      }
    }
    if (!hasUniqueKey(c, t)) {
      problems.add(label + ": table " + t.targetName() + " has no primary key or unique constraint on exactly ("
          + String.join(", ", t.key()) + "), which the upsert (ON CONFLICT) needs; add one, e.g. ALTER TABLE "
          + t.targetName() + " ADD PRIMARY KEY (" + String.join(", ", t.key()) + ")");
    }
    if (problems.size() == before) {
      notes.add(label + ": table " + t.targetName() + " exists and fits");
    }
  }

  /** Whether a non-partial, non-deferrable unique index covers exactly the key's columns. */
  private static boolean hasUniqueKey(Connection c, JdbcTarget t) throws SQLException {
    String sql = "SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        + " WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indimmediate AND i.indpred IS NULL"
        + " AND i.indexprs IS NULL GROUP BY i.indexrelid";
    Set<String> want = new TreeSet<>(t.key());
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, t.quotedTarget());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Set<String> cols = new TreeSet<>(List.of((String[]) rs.getArray(1).getArray()));
          if (cols.equals(want)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The spec's retry and breaker settings with the --jdbc* overrides applied. */
  static JdbcSpec withOverrides(JdbcSpec s, JdbcOptions o) throws JdbcSetupException {
    RetrySpec r = s.retries();
    int attempts = o.getJdbcMaxAttempts() == null ? r.maxAttempts() : bounded("--jdbcMaxAttempts", o.getJdbcMaxAttempts(), 1, 100);
    Duration initial = o.getJdbcInitialBackoff() == null ? r.initialBackoff() : duration("--jdbcInitialBackoff", o.getJdbcInitialBackoff());
    double multiplier = r.multiplier();
    if (o.getJdbcBackoffMultiplier() != null) {
      multiplier = o.getJdbcBackoffMultiplier();
      if (!(multiplier >= 1.0 && multiplier <= 10.0)) {
        throw new JdbcSetupException("--jdbcBackoffMultiplier must be a number from 1 to 10, got " + o.getJdbcBackoffMultiplier());
      }
    }
    Duration max = o.getJdbcMaxBackoff() == null ? r.maxBackoff() : duration("--jdbcMaxBackoff", o.getJdbcMaxBackoff());
    if (max.compareTo(initial) < 0) {
      if (o.getJdbcMaxBackoff() != null) {
        throw new JdbcSetupException("--jdbcMaxBackoff " + Durations.format(max) + " is less than the initial backoff "
            + Durations.format(initial));
      }
      max = initial;
    }
    BreakerSpec b = s.breaker();
    int threshold = o.getJdbcBreakerFailureThreshold() == null
        ? b.failureThreshold()
        : bounded("--jdbcBreakerFailureThreshold", o.getJdbcBreakerFailureThreshold(), 1, 1000);
    Duration waitOpen = o.getJdbcBreakerWaitOpen() == null ? b.waitOpen() : duration("--jdbcBreakerWaitOpen", o.getJdbcBreakerWaitOpen());
    return s.withResilience(new RetrySpec(attempts, initial, multiplier, max), new BreakerSpec(threshold, waitOpen));
  }

  private static int bounded(String option, int v, int min, int max) throws JdbcSetupException {
    if (v < min || v > max) {
      throw new JdbcSetupException(option + " must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  private static Duration duration(String option, String text) throws JdbcSetupException {
    Duration d = Durations.parse(text);
    if (d == null || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
      throw new JdbcSetupException(option + "=" + text + ": expected " + Durations.FORMAT + ", from 1ms to 1h");
    }
    return d;
  }
}
