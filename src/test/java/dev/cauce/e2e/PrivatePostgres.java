package dev.cauce.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server of the test's own (the binaries in {@link #BIN}), on a free port of
 * 127.0.0.1, with trust authentication for user {@code postgres} and its data in a temporary
 * folder: it can be crashed (every server process killed with SIGKILL, so the next start runs
 * crash recovery) and started again on the same port. initdb and postgres refuse to run as root,
 * so under root they run as the {@code postgres} user ({@code runuser}) and the folder is theirs.
 * {@link #initMillis} and {@link #startMillis} say what it cost.
 */
public final class PrivatePostgres implements AutoCloseable {
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";
  private static final Duration COMMAND_LIMIT = Duration.ofSeconds(120);
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private final Path dir;
  private final Path data;
  private final int port;
  private final Thread stopAtExit;
  public final long initMillis;
  private long startMillis;

  private PrivatePostgres(Path dir, int port) throws IOException {
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    long t0 = System.nanoTime();
    command(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
        "--locale=C", "--no-sync");
    this.initMillis = (System.nanoTime() - t0) / 1_000_000;
    // a test JVM that dies must not leave a server behind
    this.stopAtExit = new Thread(this::stopQuietly, "stop private postgres " + port);
    Runtime.getRuntime().addShutdownHook(stopAtExit);
  }

  /** Creates a cluster in a fresh temporary folder and starts it. */
  public static PrivatePostgres start() throws IOException {
    Path dir = Files.createTempDirectory("cauce-pg-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (ROOT) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dir, users.lookupPrincipalByName(USER));
    }
    PrivatePostgres pg = new PrivatePostgres(dir, LocalServers.freePort());
    pg.startAgain();
    return pg;
  }

  public int port() {
    return port;
  }

  /** How long the last start took (pg_ctl start until the server accepts connections). */
  public long startMillis() {
    return startMillis;
  }

  /** The JDBC URL of the {@code postgres} database, with extra driver parameters ({@code name=value}). */
  public String url(String... params) {
    StringBuilder b = new StringBuilder("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE);
    for (int i = 0; i < params.length; i++) {
      b.append(i == 0 ? '?' : '&').append(params[i]);
    }
    return b.toString();
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url("connectTimeout=5", "socketTimeout=60"), USER, null);
  }

  /** Starts the server (again) on the same port and data, waiting until it accepts connections. */
  public void startAgain() throws IOException {
    long t0 = System.nanoTime();
    command(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w",
        "-t", "60", "-o", "-c port=" + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir, "start");
    startMillis = (System.nanoTime() - t0) / 1_000_000;
  }

  /** The postmaster's pid, from postmaster.pid; -1 when the server is not running. */
  public long postmasterPid() throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return -1;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? pid : -1;
  }

  /**
   * A crash: SIGKILL to the postmaster and every process it started, at once, then waits until
   * they are all gone. Nothing is flushed or checkpointed; the next start recovers from the WAL
   * (and empties UNLOGGED tables).
   */
  public void crash() throws IOException {
    long pid = postmasterPid();
    if (pid < 0) {
      throw new IllegalStateException("the private PostgreSQL on port " + port + " is not running");
    }
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(0, postmaster);
    all.forEach(ProcessHandle::destroyForcibly);
    LocalServers.await("the killed PostgreSQL processes on port " + port + " gone", Duration.ofSeconds(20),
        () -> all.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** Stops the server (fast shutdown: sessions are ended, no crash recovery needed next time). */
  public void stop() throws IOException {
    if (postmasterPid() > 0) {
      command(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
    }
  }

  private void stopQuietly() {
    try {
      if (postmasterPid() > 0) {
        command(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not stop the private PostgreSQL on port " + port + ": " + e);
    }
  }

  private void command(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ROOT) {
      cmd.addAll(List.of("runuser", "-u", USER, "--"));
    }
    cmd.addAll(List.of(args));
    LocalServers.run(cmd, dir, COMMAND_LIMIT);
  }

  /** The server's log so far (for a failing test's message). */
  public String log() throws IOException {
    Path log = dir.resolve("server.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() throws IOException {
    try {
      stopQuietly();
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } finally {
      LocalServers.deleteTree(dir);
    }
  }
}
