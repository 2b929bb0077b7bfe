package dev.cauce.spec.load;

import dev.cauce.resilience.Durations;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.JdbcSpec.BreakerSpec;
import dev.cauce.spec.JdbcSpec.Create;
import dev.cauce.spec.JdbcSpec.RetrySpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the PostgreSQL keys of a {@code type: jdbc} sink and of {@code dead_letter.table}
 * for {@link SpecLoader}: table names against {@link JdbcSpec#IDENTIFIER}, the key against the
 * schema (fields that are {@code required: true}, since a primary key column cannot hold null), the
 * schema's field names as column names, and the retry and breaker settings. Problems are collected
 * like every other spec problem, with path and line.
 */
final class JdbcSpecReader {
  static final List<String> SINK_KEYS = List.of("name", "type", "table", "key", "create", "batch_size", "retries", "breaker");
  static final List<String> DEAD_LETTER_KEYS = List.of("table", "create", "batch_size", "retries", "breaker");
  static final List<String> RETRY_KEYS = List.of("max_attempts", "initial_backoff", "multiplier", "max_backoff");
  static final List<String> BREAKER_KEYS = List.of("failure_threshold", "wait_open");
  static final List<String> CREATES = List.of("if_missing", "never");
  /** The columns a sink's staging table adds to the schema's: the record's source and line. */
  static final Set<String> RESERVED_COLUMNS = Set.of("cauce__source", "cauce__line");
  static final String STAGING_MARK = "__stg_";

  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  private static final Duration MAX_WAIT_OPEN = Duration.ofHours(1);

  private final SpecNodes nodes;
  private final Map<String, FieldType> fieldTypes;
  private final Set<String> requiredFields;
  private final boolean schemaKnown;
  /** Target table (as written) → the path of the first sink writing it. */
  private final Map<String, String> tables = new HashMap<>();
  private boolean columnsChecked;

  JdbcSpecReader(SpecNodes nodes, Map<String, FieldType> fieldTypes, Set<String> requiredFields, boolean schemaKnown) {
    this.nodes = nodes;
    this.fieldTypes = fieldTypes;
    this.requiredFields = requiredFields;
    this.schemaKnown = schemaKnown;
  }

  /** A jdbc sink's settings (its keys are checked by the caller), or null after reporting problems. */
  JdbcSpec sink(MapView m) {
    checkColumns(m);
    return read(m, true);
  }

  /** {@code dead_letter}'s table settings, or null when it has no table (or after reporting problems). */
  JdbcSpec deadLetter(MapView m) {
    if (!m.has("table")) {
      for (String k : DEAD_LETTER_KEYS) {
        if (m.has(k)) {
          nodes.problem(m.path(k), m.line(k), k + " is only used with dead_letter.table");
        }
      }
      return null;
    }
    return read(m, false);
  }

  private JdbcSpec read(MapView m, boolean sink) {
    int before = nodes.problems().size();
    String[] schemaAndTable = table(m);
    List<String> key = sink ? key(m) : List.of();
    Create create = Create.NEVER;
    if (m.has("create")) {
      String c = m.text("create");
      if (c != null && !CREATES.contains(c)) {
        nodes.problem(m.path("create"), m.line("create"), "unknown create \"" + c + "\"" + SpecNodes.allowed(c, CREATES));
      } else if (c != null) {
        create = c.equals("if_missing") ? Create.IF_MISSING : Create.NEVER;
      }
    }
    Long batch = integer(m, "batch_size", 1, 100_000);
    RetrySpec retries = retries(m);
    BreakerSpec breaker = breaker(m);
    if (nodes.problems().size() > before || schemaAndTable == null || key == null) {
      return null;
    }
    return new JdbcSpec(schemaAndTable[0], schemaAndTable[1], key, create,
        batch == null ? JdbcSpec.DEFAULT_BATCH_SIZE : batch.intValue(), retries, breaker);
  }

  /** {schema or null, table}, or null after a problem. */
  private String[] table(MapView m) {
    String t = m.requiredText("table");
    if (t == null) {
      return null;
    }
    String[] parts = t.split("\\.", -1);
    boolean ok = parts.length <= 2;
    for (String p : parts) {
      ok &= JdbcSpec.IDENTIFIER.matcher(p).matches() && p.length() <= JdbcSpec.MAX_IDENTIFIER_LENGTH;
    }
    if (!ok) {
      nodes.problem(m.path("table"), m.line("table"), "invalid table \"" + t + "\": use table or schema.table, each"
          + " 1-" + JdbcSpec.MAX_IDENTIFIER_LENGTH + " characters matching " + JdbcSpec.IDENTIFIER.pattern()
          + " (lower-case letters, digits and _, not starting with a digit)");
      return null;
    }
    String table = parts[parts.length - 1];
    if (table.contains(STAGING_MARK)) {
      nodes.problem(m.path("table"), m.line("table"), "invalid table \"" + t + "\": names containing \"" + STAGING_MARK
          + "\" are reserved for cauce's staging tables");
      return null;
    }
    String first = tables.putIfAbsent(t, m.path);
    if (first != null) {
      nodes.problem(m.path("table"), m.line("table"), "table \"" + t + "\" is also written by " + first
          + "; each jdbc sink and the dead letter need their own table");
    }
    return parts.length == 2 ? new String[] {parts[0], parts[1]} : new String[] {null, parts[0]};
  }

  private List<String> key(MapView m) {
    if (!m.require("key")) {
      return null;
    }
    List<String> key = m.texts("key", "schema fields (the upsert key)");
    if (key == null) {
      return null;
    }
    if (key.isEmpty()) {
      nodes.problem(m.path("key"), m.line("key"), "needs at least one field");
    }
    List<Node> items = ((YamlTree.ListNode) m.get("key")).items();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof ScalarNode s) || s.isNull()) {
        continue;
      }
      String p = SpecNodes.index(m.path("key"), i);
      String f = s.text();
      if (!fieldTypes.containsKey(f)) {
        if (schemaKnown) {
          nodes.problem(p, s.line(), "\"" + f + "\" is not a schema field; schema fields: " + String.join(", ", fieldTypes.keySet()));
        }
        continue;
      }
      if (!requiredFields.contains(f)) {
        nodes.problem(p, s.line(), "key field \"" + f + "\" must be required: true in the schema (a primary key column cannot hold null)");
      }
      Integer dup = seen.putIfAbsent(f, i);
      if (dup != null) {
        nodes.problem(p, s.line(), "\"" + f + "\" is repeated (also " + SpecNodes.index(m.path("key"), dup) + ")");
      }
    }
    return key;
  }

  /** Schema field names become column names: PostgreSQL's length limit and cauce's staging columns apply. */
  private void checkColumns(MapView m) {
    if (columnsChecked) {
      return;
    }
    columnsChecked = true;
    for (String f : fieldTypes.keySet()) {
      if (f.length() > JdbcSpec.MAX_IDENTIFIER_LENGTH) {
        nodes.problem(m.path("type"), m.line("type"), "schema field \"" + f + "\" cannot be a PostgreSQL column: names are at most "
            + JdbcSpec.MAX_IDENTIFIER_LENGTH + " characters");
      }
      if (RESERVED_COLUMNS.contains(f)) {
        nodes.problem(m.path("type"), m.line("type"), "schema field \"" + f + "\" cannot be written by a jdbc sink: "
            + String.join(" and ", RESERVED_COLUMNS.stream().sorted().toList()) + " are cauce's staging columns");
      }
    }
  }

  private RetrySpec retries(MapView parent) {
    RetrySpec d = RetrySpec.DEFAULT;
    if (!parent.has("retries")) {
      return d;
    }
    MapView r = parent.map("retries", RETRY_KEYS);
    if (r == null) {
      return d;
    }
    Long attempts = integer(r, "max_attempts", 1, 100);
    Duration initial = duration(r, "initial_backoff", Duration.ofMillis(1), MAX_BACKOFF);
    Double multiplier = r.number("multiplier");
    if (multiplier != null && !(multiplier >= 1.0 && multiplier <= 10.0)) {
      nodes.problem(r.path("multiplier"), r.line("multiplier"), "must be a number from 1 to 10, got " + r.text("multiplier"));
      multiplier = null;
    }
    Duration max = duration(r, "max_backoff", Duration.ofMillis(1), MAX_BACKOFF);
    RetrySpec s = new RetrySpec(
        attempts == null ? d.maxAttempts() : attempts.intValue(),
        initial == null ? d.initialBackoff() : initial,
        multiplier == null ? d.multiplier() : multiplier,
        max == null ? (initial != null && initial.compareTo(d.maxBackoff()) > 0 ? initial : d.maxBackoff()) : max);
    if (s.maxBackoff().compareTo(s.initialBackoff()) < 0) {
      nodes.problem(r.path("max_backoff"), r.line("max_backoff"), "max_backoff " + Durations.format(s.maxBackoff())
          + " is less than initial_backoff " + Durations.format(s.initialBackoff()));
    }
    return s;
  }

  private BreakerSpec breaker(MapView parent) {
    BreakerSpec d = BreakerSpec.DEFAULT;
    if (!parent.has("breaker")) {
      return d;
    }
    MapView b = parent.map("breaker", BREAKER_KEYS);
    if (b == null) {
      return d;
    }
    Long threshold = integer(b, "failure_threshold", 1, 1000);
    Duration wait = duration(b, "wait_open", Duration.ofMillis(1), MAX_WAIT_OPEN);
    return new BreakerSpec(threshold == null ? d.failureThreshold() : threshold.intValue(), wait == null ? d.waitOpen() : wait);
  }

  private Long integer(MapView m, String key, long min, long max) {
    Long v = m.integer(key);
    if (v != null && (v < min || v > max)) {
      nodes.problem(m.path(key), m.line(key), "must be between " + min + " and " + max + ", got " + v);
      return null;
    }
    return v;
  }

  private Duration duration(MapView m, String key, Duration min, Duration max) {
    String t = m.text(key);
    if (t == null) {
      return null;
    }
    Duration d = Durations.parse(t);
    if (d == null) {
      nodes.problem(m.path(key), m.line(key), "invalid duration \"" + t + "\": " + Durations.FORMAT);
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      nodes.problem(m.path(key), m.line(key), "must be between " + Durations.format(min) + " and " + Durations.format(max)
          + ", got " + t);
      return null;
    }
    return d;
  }
}
