package dev.cauce.state;

import dev.cauce.secrets.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The state store in Redis (Jedis), so that several machines, an orchestrator and a person share
 * it: {@code --stateStore=redis://[:password@]host:port/db[?prefix=cauce:]}. Keys (prefix {@code
 * cauce:} by default):
 *
 * <pre>
 * cauce:pipelines                     set of pipeline names that have runs
 * cauce:runs:&lt;pipeline&gt;               sorted set of run ids, scored by start time (epoch ms)
 * cauce:run:&lt;pipeline&gt;:&lt;runId&gt;        hash: pipeline, run_id, status, stage, counts (JSON), records_per_second,
 *                                     started_at, updated_at, ended_at, error, runner, output, report, detail
 * cauce:lock:&lt;pipeline&gt;               string: the holder as JSON (with its fencing token); PX ttl, renewed by the heartbeat
 * cauce:fence:&lt;pipeline&gt;              string: the last fencing token handed out for the pipeline
 * </pre>
 *
 * Taking the lock, the heartbeat and the release are Lua scripts that act only while the lock (and
 * the last token) are still as read, so a run never renews or deletes another's lock, and two runs
 * never get the same token.
 */
public final class RedisStateStore implements StateStore {
  public static final String DEFAULT_PREFIX = "cauce:";
  private static final int TIMEOUT_MS = 5000;

  /**
   * KEYS[1]=lock, KEYS[2]=last fencing token; ARGV[1]=the lock's value as read ('' for none),
   * ARGV[2]=the token as read ('' for none), ARGV[3]=new lock value, ARGV[4]=new token, ARGV[5]=ttl
   * ms. Takes the lock and stores the new token only if neither changed since they were read.
   */
  private static final String ACQUIRE =
      "if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] or (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end "
          + "redis.call('SET', KEYS[2], ARGV[4]) redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[5]) return 1";
  /** KEYS[1]=lock; ARGV[1]=its value as read, ARGV[2]=renewed value, ARGV[3]=ttl ms. Renews it only if unchanged. */
  private static final String REFRESH =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0";
  /** KEYS[1]=lock; ARGV[1]=run id. Deletes only our own lock. */
  private static final String RELEASE =
      "local v = redis.call('GET', KEYS[1]) "
          + "if v and cjson.decode(v)['run_id'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  private final JedisPooled redis;
  private final String prefix;
  private final String where;

  /** Connects to {@code redis://[:password@]host[:port][/db][?prefix=...]} and checks that it answers. */
  public static RedisStateStore open(String uri) {
    return open(uri, null, w -> {});
  }

  /**
   * As {@link #open(String)}; {@code envPassword} (from {@link StateStores#ENV_REDIS_PASSWORD}, may be
   * null) is used when the URI has no password; a password in the URI is used but {@code warnings}
   * hears that ps shows it.
   */
  static RedisStateStore open(String uri, String envPassword, Consumer<String> warnings) {
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid Redis URI \"" + Secrets.maskText(uri) + "\": " + e.getReason()
          + "; expected redis://host:port/db, e.g. redis://127.0.0.1:6379/0");
    }
    if (!"redis".equals(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("invalid Redis URI \"" + Secrets.maskText(uri)
          + "\"; expected redis://host:port/db, e.g. redis://127.0.0.1:6379/0");
    }
    int port = u.getPort() < 0 ? 6379 : u.getPort();
    int db = 0;
    String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
    if (!path.isEmpty()) {
      try {
        db = Integer.parseInt(path);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid Redis database \"" + path + "\" in " + Secrets.maskText(uri)
            + ": expected a number, e.g. redis://127.0.0.1:6379/0");
      }
    }
    String password = null;
    String user = null;
    if (u.getRawUserInfo() != null) {
      String info = URLDecoder.decode(u.getRawUserInfo(), StandardCharsets.UTF_8);
      int colon = info.indexOf(':');
      user = colon < 0 ? null : info.substring(0, colon);
      password = colon < 0 ? info : info.substring(colon + 1);
      if (user != null && user.isEmpty()) {
        user = null;
      }
    }
    String from = "--stateStore";
    if (password != null && !password.isEmpty()) {
      warnings.accept("the Redis password is written in --stateStore, where the process list (ps) shows it to every"
          + " user of this machine; set the environment variable " + StateStores.ENV_REDIS_PASSWORD + " instead");
    } else if (envPassword != null && !envPassword.isEmpty()) {
      password = envPassword;
      from = StateStores.ENV_REDIS_PASSWORD;
    } else {
      password = null;
    }
    String prefix = DEFAULT_PREFIX;
    if (u.getRawQuery() != null) {
      for (String kv : u.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        String k = eq < 0 ? kv : kv.substring(0, eq);
        String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        if (k.equals("prefix") && !v.isEmpty()) {
          prefix = v;
        } else {
          throw new IllegalArgumentException("unknown Redis URI parameter \"" + k + "\" in " + Secrets.maskText(uri)
              + "; allowed: prefix");
        }
      }
    }
    return new RedisStateStore(u.getHost(), port, db, user, password, from, prefix);
  }

  public RedisStateStore(String host, int port, int db, String user, String password, String prefix) {
    this(host, port, db, user, password, "--stateStore", prefix);
  }

  /** {@code passwordFrom} names where the password came from, for the advice when Redis refuses it. */
  private RedisStateStore(String host, int port, int db, String user, String password, String passwordFrom, String prefix) {
    this.prefix = prefix;
    this.where = "Redis state store redis://" + host + ":" + port + "/" + db + " (keys " + prefix + "*)";
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder().database(db).connectionTimeoutMillis(TIMEOUT_MS).socketTimeoutMillis(TIMEOUT_MS);
    if (user != null) {
      config.user(user);
    }
    if (password != null) {
      config.password(password);
    }
    DefaultJedisClientConfig clientConfig = config.build();
    // one plain connection first: through the pool, an AUTH error is logged by Jedis and lost in "Unable to validate"
    try (Jedis probe = new Jedis(new HostAndPort(host, port), clientConfig)) {
      probe.ping();
    } catch (JedisException e) {
      throw new IllegalStateException(unreachable(e, port, password != null, passwordFrom), e);
    }
    // a pooled connection left from before a Redis restart is checked (PING) before use, not failed on
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setTestOnBorrow(true);
    this.redis = new JedisPooled(new HostAndPort(host, port), clientConfig, pool);
  }

  /** Why Redis could not be used, and what to do: a password problem is not a Redis that is down. */
  private String unreachable(JedisException e, int port, boolean gavePassword, String passwordFrom) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.startsWith("NOAUTH")) {
      return "the " + where + " requires a password (" + m + "): set it in the environment variable "
          + StateStores.ENV_REDIS_PASSWORD + " (the process list does not show it)";
    }
    if (m.startsWith("WRONGPASS") || e instanceof JedisAccessControlException) {
      return "the " + where + " refused the password given in " + passwordFrom + " (" + m + "): check the password"
          + " (and, with an ACL user, the user name in --stateStore)";
    }
    if (gavePassword && m.contains("without any password configured")) {
      return "the " + where + " has no password set, but one was given in " + passwordFrom + " (" + m + "): check"
          + " that this is the Redis you mean, or give no password";
    }
    return "cannot reach the " + where + ": " + m + ". Start Redis (e.g. `redis-server --daemonize yes --bind 127.0.0.1"
        + " --port " + port + "`) or pick another --stateStore (default: local files under .cauce/state/)";
  }

  @Override
  public String describe() {
    return where;
  }

  private String runKey(String pipeline, String runId) {
    return prefix + "run:" + pipeline + ":" + runId;
  }

  private String runsKey(String pipeline) {
    return prefix + "runs:" + pipeline;
  }

  private String lockKey(String pipeline) {
    return prefix + "lock:" + pipeline;
  }

  private String fenceKey(String pipeline) {
    return prefix + "fence:" + pipeline;
  }

  // ---- runs ----

  @Override
  public void putRun(RunRecord run) {
    Map<String, String> fields = RunFields.toFields(run);
    String key = runKey(run.pipeline(), run.runId());
    try (var tx = redis.multi()) {
      tx.del(key);
      tx.hset(key, fields);
      tx.zadd(runsKey(run.pipeline()), run.startedAt().toEpochMilli(), run.runId());
      tx.sadd(prefix + "pipelines", run.pipeline());
      tx.exec();
    }
  }

  @Override
  public Optional<RunRecord> run(String pipeline, String runId) {
    Map<String, String> fields = redis.hgetAll(runKey(pipeline, runId));
    return fields.isEmpty() ? Optional.empty() : Optional.of(RunFields.fromFields(fields));
  }

  @Override
  public List<RunRecord> latestRuns(String pipeline, int limit) {
    List<RunRecord> runs = new ArrayList<>();
    if (limit <= 0) {
      return runs;
    }
    for (String id : redis.zrevrange(runsKey(pipeline), 0, limit - 1)) {
      run(pipeline, id).ifPresent(runs::add);
    }
    return runs;
  }

  @Override
  public List<String> pipelines() {
    List<String> names = new ArrayList<>(redis.smembers(prefix + "pipelines"));
    names.sort(null);
    return names;
  }

  // ---- the lock ----

  @Override
  public LockGrant acquireLock(LockInfo candidate, long floor) {
    String key = lockKey(candidate.pipeline());
    String fence = fenceKey(candidate.pipeline());
    // optimistic: read the lock and the last token, then set both only if neither changed meanwhile
    for (int attempt = 0; attempt < 20; attempt++) {
      List<String> now = redis.mget(key, fence);
      String current = now.get(0);
      String lastToken = now.get(1);
      Optional<LockInfo> tookOver = Optional.empty();
      String why = null;
      if (current != null) {
        LockInfo holder = StateJson.read(current, LockInfo.class);
        if (!holder.sameHolder(candidate)) {
          why = holder.staleReason(candidate.heartbeatAt(), Hosts.name()).orElseThrow(() -> new LockHeldException(holder));
          tookOver = Optional.of(holder);
        }
      }
      long token = Math.max(lastToken == null ? 0 : Long.parseLong(lastToken), floor) + 1;
      LockInfo held = candidate.withToken(token);
      Object took = redis.eval(ACQUIRE, List.of(key, fence), List.of(current == null ? "" : current,
          lastToken == null ? "" : lastToken, StateJson.write(held), Long.toString(token), Long.toString(candidate.ttlMillis())));
      if (Long.valueOf(1).equals(took)) {
        return new LockGrant(held, tookOver, why);
      }
    }
    throw new IllegalStateException("could not take the lock " + key + ": it changed hands repeatedly");
  }

  @Override
  public LockCheck refreshLock(String pipeline, String runId, long token, Instant now) {
    String key = lockKey(pipeline);
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        String current = redis.get(key);
        if (current == null) {
          return LockCheck.lost("the lock is gone from the " + where + " (it expired without a heartbeat, was"
              + " released, or Redis restarted and lost it)");
        }
        LockInfo holder = StateJson.read(current, LockInfo.class);
        String mismatch = LockCheck.mismatch(holder, runId, token, now);
        if (mismatch != null) {
          return LockCheck.lost(mismatch);
        }
        Object r = redis.eval(REFRESH, List.of(key), List.of(current, StateJson.write(holder.heartbeat(now)),
            Long.toString(holder.ttlMillis())));
        if (Long.valueOf(1).equals(r)) {
          return LockCheck.HELD;
        }
      }
      return LockCheck.lost("the lock in the " + where + " kept changing while it was being renewed");
    } catch (JedisException | IllegalStateException e) {
      return LockCheck.lost("cannot reach the " + where + " to prove the lock is still held: " + Secrets.maskText(e.getMessage()));
    }
  }

  @Override
  public void releaseLock(String pipeline, String runId) {
    redis.eval(RELEASE, List.of(lockKey(pipeline)), List.of(runId));
  }

  @Override
  public Optional<LockInfo> lock(String pipeline) {
    String v = redis.get(lockKey(pipeline));
    return v == null ? Optional.empty() : Optional.of(StateJson.read(v, LockInfo.class));
  }

  /** Deletes every key under this store's prefix (tests). */
  public long deleteAll() {
    long n = 0;
    for (String key : redis.keys(prefix + "*")) {
      n += redis.del(key);
    }
    return n;
  }

  @Override
  public void close() {
    redis.close();
  }
}
