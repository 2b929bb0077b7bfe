package dev.cauce.e2e;

import static org.junit.Assert.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The machine's real PostgreSQL for tests (127.0.0.1:5432, database test, user postgres, trust
 * auth), with a schema of its own per test class, dropped at the end. When the server does not
 * answer, the test fails and says how to start it.
 */
final class TestPostgres implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;
  static final String DATABASE = "test";
  static final String USER = "postgres";
  static final String NEEDED =
      "These tests need PostgreSQL at 127.0.0.1:5432 (database \"test\", user \"postgres\", trust authentication)."
          + " Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
          + "  (check with: pg_isready -h 127.0.0.1); create the database with: createdb -h 127.0.0.1 -U postgres test";

  final String schema;

  private TestPostgres(String schema) {
    this.schema = schema;
  }

  /** A fresh schema named after the test class; fails the test (saying what is needed) when PostgreSQL is down. */
  static TestPostgres forClass(Class<?> testClass) {
    String schema = "cauce_t_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    try (Connection c = connect(HOST, PORT, null); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      fail(NEEDED + "\nConnecting failed: [" + e.getSQLState() + "] " + e.getMessage());
    }
    return new TestPostgres(schema);
  }

  /** The JDBC URL of the test database with this schema as the current one. */
  String url() {
    return urlVia(PORT);
  }

  /** The same through another port on 127.0.0.1 (a proxy), with extra driver parameters. */
  String urlVia(int port, String... params) {
    StringBuilder b = new StringBuilder("jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE + "?currentSchema=" + schema);
    for (String p : params) {
      b.append('&').append(p);
    }
    return b.toString();
  }

  static Connection connect(String host, int port, String schema) throws SQLException {
    String url = "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE + "?connectTimeout=5&socketTimeout=60"
        + (schema == null ? "" : "&currentSchema=" + schema);
    return DriverManager.getConnection(url, USER, null);
  }

  Connection connect() throws SQLException {
    return connect(HOST, PORT, schema);
  }

  void execute(String... sql) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  /** Every row of a query, each column as the driver's object. */
  List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnName(i), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  /** Every row of a table as text (PostgreSQL's own output format), ordered: a snapshot to compare. */
  List<String> snapshot(String table) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> r : query("SELECT t::text AS row FROM " + schema + "." + table + " t ORDER BY 1")) {
      out.add((String) r.get("row"));
    }
    return out;
  }

  long count(String table) throws SQLException {
    return ((Number) query("SELECT count(*) AS n FROM " + schema + "." + table).get(0).get("n")).longValue();
  }

  /** The tables of this schema, sorted. */
  List<String> tables() throws SQLException {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> r : query("SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY 1", schema)) {
      out.add((String) r.get("tablename"));
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = connect(HOST, PORT, null); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
