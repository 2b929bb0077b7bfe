package dev.cauce.write.jdbc;

import dev.cauce.secrets.Secrets;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How to connect to PostgreSQL: the URL, the user, and where the password is (an environment
 * variable's name or a file's path; the password itself is read where a connection is made, so it
 * never travels inside the pipeline). {@link #toString()} masks the URL.
 *
 * <p>Timeouts unless the URL sets them: {@code connectTimeout=10} s, {@code loginTimeout=20} s,
 * {@code socketTimeout=300} s (so that a stalled connection fails and is retried instead of hanging).
 */
public record JdbcSettings(String url, String user, String passwordEnv, String passwordFile) implements Serializable {
  public static final String URL_PREFIX = "jdbc:postgresql:";
  static final int CONNECT_TIMEOUT_S = 10;
  static final int LOGIN_TIMEOUT_S = 20;
  static final int SOCKET_TIMEOUT_S = 300;

  public static JdbcSettings of(JdbcOptions o) {
    return new JdbcSettings(o.getJdbcUrl(), o.getJdbcUser(), o.getJdbcPasswordEnv(), o.getJdbcPasswordFile());
  }

  /** The URL with passwords masked: the only form of it that cauce prints. */
  public String maskedUrl() {
    return Secrets.maskText(url);
  }

  /** Checks the settings (URL form, one password source that can be read); the problem, or null. */
  String problem() {
    if (url == null || url.isBlank()) {
      return "no --jdbcUrl";
    }
    if (!url.startsWith(URL_PREFIX)) {
      return "--jdbcUrl must be a PostgreSQL JDBC URL (" + URL_PREFIX + "//host:port/database), got " + maskedUrl();
    }
    if (passwordEnv != null && passwordFile != null) {
      return "give either --jdbcPasswordEnv or --jdbcPasswordFile, not both";
    }
    try {
      password();
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
    return null;
  }

  /** The password from the environment variable or file; null when neither is set. */
  String password() {
    if (passwordEnv != null) {
      String p = System.getenv(passwordEnv);
      if (p == null) {
        throw new IllegalStateException("--jdbcPasswordEnv=" + passwordEnv + ": the environment variable " + passwordEnv + " is not set");
      }
      return p;
    }
    if (passwordFile != null) {
      try {
        String p = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
        return p.endsWith("\r\n") ? p.substring(0, p.length() - 2) : p.endsWith("\n") ? p.substring(0, p.length() - 1) : p;
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("--jdbcPasswordFile=" + passwordFile + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
      }
    }
    return null;
  }

  /** A new (unpooled) data source: every connection is a fresh one, so a broken one is never handed out again. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    if (user != null) {
      ds.setUser(user);
    }
    String p = password();
    if (p != null) {
      ds.setPassword(p);
    }
    if (!url.contains("connectTimeout=")) {
      ds.setConnectTimeout(CONNECT_TIMEOUT_S);
    }
    if (!url.contains("loginTimeout=")) {
      ds.setLoginTimeout(LOGIN_TIMEOUT_S);
    }
    if (!url.contains("socketTimeout=")) {
      ds.setSocketTimeout(SOCKET_TIMEOUT_S);
    }
    if (!url.contains("ApplicationName=")) {
      ds.setApplicationName("cauce");
    }
    return ds;
  }

  /** A new connection with auto-commit off. */
  Connection connect(DataSource ds) throws SQLException {
    Connection c = ds.getConnection();
    try {
      c.setAutoCommit(false);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public String toString() {
    return "JdbcSettings[url=" + maskedUrl() + ", user=" + user + (passwordEnv != null ? ", passwordEnv=" + passwordEnv : "")
        + (passwordFile != null ? ", passwordFile=" + passwordFile : "") + "]";
  }
}
