package dev.cauce.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  private Process process;

  private PrivateRedis(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts one and waits until it answers PING. */
  public static PrivateRedis start() throws IOException {
    PrivateRedis r = new PrivateRedis(Files.createTempDirectory("cauce-redis-"), LocalServers.freePort());
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
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", dir.toString())
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
