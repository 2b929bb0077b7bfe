package dev.cauce.state;

/** The machine's Redis for tests; a clear failure when it is not running. */
public final class RedisTesting {
  private RedisTesting() {}

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 6379;
  public static final String START =
      "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no"
          + " --dir /var/lib/redis --logfile /var/log/redis/ci.log";

  /** The URI of a store on the test Redis with its own key prefix. */
  public static String uri(String prefix) {
    return "redis://" + HOST + ":" + PORT + "/0?prefix=" + prefix;
  }

  public static RedisStateStore open(String prefix) {
    try {
      return RedisStateStore.open(uri(prefix));
    } catch (IllegalStateException e) {
      throw new AssertionError("These tests need Redis on " + HOST + ":" + PORT + " (`redis-cli -h " + HOST + " ping`"
          + " must answer PONG). Start it with: " + START + " (.ci/run does this). Cause: " + e.getMessage(), e);
    }
  }
}
