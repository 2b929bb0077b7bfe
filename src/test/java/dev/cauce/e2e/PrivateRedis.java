package dev.cauce.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis server of the test's own, on a free port of 127.0.0.1, with nothing persisted (no RDB,
 * no AOF) in a temporary folder: it can be killed (SIGKILL) and started again empty on the same
 * port, as a Redis restarted without persistence. Needs {@code redis-server} on the PATH.
 */
public final class PrivateRedis implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private final String password;
  private Process process;

  private PrivateRedis(Path dir, int port, String password) {
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  /** Starts one and waits until it answers PING. */
  public static PrivateRedis start() throws IOException {
    return startWithPassword(null);
  }

  /** A {@code @ClassRule}: one server requiring {@code password} for a test class, stopped after it. */
  public static final class Resource extends org.junit.rules.ExternalResource {
    private final String password;
    private PrivateRedis server;

    private Resource(String password) {
      this.password = password;
    }

    @Override
    protected void before() throws IOException {
      server = startWithPassword(password);
    }

    @Override
    protected void after() {
      try {
        server.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not stop redis-server on port " + server.port(), e);
      }
    }

    public int port() {
      return server.port();
    }
  }

  public static Resource withPassword(String password) {
    return new Resource(password);
  }

  /** Starts one that requires {@code password} (requirepass; null: none) and waits until it answers PING. */
  public static PrivateRedis startWithPassword(String password) throws IOException {
    PrivateRedis r = new PrivateRedis(Files.createTempDirectory("cauce-redis-"), LocalServers.freePort(), password);
    r.startAgain();
    return r;
  }

  public int port() {
    return port;
  }

  /** The state store URI with a key prefix. */
  public String uri(String prefix) {
    return "redis://127.0.0.1:" + port + "/0?prefix=" + prefix;
  }

  /** The server's pid, or -1 when it is not running. */
  public long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  /** Starts the server (again, empty) on the same port, and waits until it answers PING. */
  public void startAgain() throws IOException {
    if (pid() > 0) {
      throw new IllegalStateException("redis-server on port " + port + " is already running");
    }
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    process = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    LocalServers.await("redis-server on port " + port + " answering PING (log: " + dir.resolve("redis.log") + ")",
        READY_WITHIN, this::answers);
  }

  private boolean answers() {
    if (!process.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " exited with " + process.exitValue()
          + "; see " + dir.resolve("redis.log"));
    }
    try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
      if (password != null) {
        j.auth(password);
      }
      return "PONG".equals(j.ping());
    } catch (JedisException e) {
      return false;
    }
  }

  /** SIGKILL, then waits for the process to be gone. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server " + process.pid() + " survived SIGKILL for 20 s");
      }
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    LocalServers.deleteTree(dir);
  }
}
