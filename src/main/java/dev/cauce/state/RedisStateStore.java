package dev.cauce.state;

import dev.cauce.monitor.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

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
 * cauce:ledger:&lt;pipeline&gt;:&lt;output&gt;     hash: input path → {"size_bytes","last_modified_millis","run_id","ingested_at"}
 * cauce:lock:&lt;pipeline&gt;               string: the holder as JSON; SET NX PX ttl, renewed by the heartbeat
 * </pre>
 *
 * The lock is taken with {@code SET NX PX}; the heartbeat and the release are Lua scripts that act
 * only while the value still names the same run, so a run never renews or deletes another's lock.
 */
public final class RedisStateStore implements StateStore {
  public static final String DEFAULT_PREFIX = "cauce:";
  private static final int TIMEOUT_MS = 5000;

  /** KEYS[1]=lock; ARGV[1]=run id, ARGV[2]=new value, ARGV[3]=ttl ms. Renews only our own lock. */
  private static final String REFRESH =
      "local v = redis.call('GET', KEYS[1]) "
          + "if v and cjson.decode(v)['run_id'] == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end "
          + "return 0";
  /** KEYS[1]=lock; ARGV[1]=run id. Deletes only our own lock. */
  private static final String RELEASE =
      "local v = redis.call('GET', KEYS[1]) "
          + "if v and cjson.decode(v)['run_id'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
  /** KEYS[1]=lock; ARGV[1]=expected old value, ARGV[2]=new value, ARGV[3]=ttl ms. Takes a stale lock over. */
  private static final String TAKE_OVER =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0";

  private final JedisPooled redis;
  private final String prefix;
  private final String where;

  /** Connects to {@code redis://[:password@]host[:port][/db][?prefix=...]} and checks that it answers. */
  public static RedisStateStore open(String uri) {
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
    return new RedisStateStore(u.getHost(), port, db, user, password, prefix);
  }

  public RedisStateStore(String host, int port, int db, String user, String password, String prefix) {
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
    this.redis = new JedisPooled(new HostAndPort(host, port), config.build());
    try {
      redis.ping();
    } catch (JedisException e) {
      redis.close();
      throw new IllegalStateException("cannot reach the " + where + ": " + e.getMessage()
          + ". Start Redis (e.g. `redis-server --daemonize yes --bind 127.0.0.1 --port " + port + "`) or pick another"
          + " --stateStore (default: local files under .cauce/state/)", e);
    }
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

  private String ledgerKey(String pipeline, String output) {
    return prefix + "ledger:" + pipeline + ":" + output;
  }

  private String lockKey(String pipeline) {
    return prefix + "lock:" + pipeline;
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

  // ---- the ledger ----

  @Override
  public Map<String, LedgerEntry> ledger(String pipeline, String output) {
    Map<String, LedgerEntry> entries = new TreeMap<>();
    redis.hgetAll(ledgerKey(pipeline, output)).forEach((path, json) -> entries.put(path, StateJson.read(json, LedgerEntry.class)));
    return entries;
  }

  @Override
  public void addToLedger(String pipeline, String output, Collection<LedgerEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Map<String, String> fields = new HashMap<>();
    entries.forEach(e -> fields.put(e.path(), StateJson.write(e)));
    redis.hset(ledgerKey(pipeline, output), fields);
  }

  // ---- the lock ----

  @Override
  public Optional<LockInfo> acquireLock(LockInfo candidate) {
    String key = lockKey(candidate.pipeline());
    String value = StateJson.write(candidate);
    for (int attempt = 0; attempt < 3; attempt++) {
      if ("OK".equals(redis.set(key, value, SetParams.setParams().nx().px(candidate.ttlMillis())))) {
        return Optional.empty();
      }
      String current = redis.get(key);
      if (current == null) {
        continue; // expired in between: try again
      }
      LockInfo holder = StateJson.read(current, LockInfo.class);
      if (holder.runId().equals(candidate.runId())) {
        redis.set(key, value, SetParams.setParams().px(candidate.ttlMillis()));
        return Optional.empty();
      }
      if (!holder.staleAt(candidate.heartbeatAt())) {
        throw new LockHeldException(holder);
      }
      Object took = redis.eval(TAKE_OVER, List.of(key), List.of(current, value, Long.toString(candidate.ttlMillis())));
      if (Long.valueOf(1).equals(took)) {
        return Optional.of(holder);
      }
    }
    throw new IllegalStateException("could not take the lock " + key + ": it changed hands repeatedly");
  }

  @Override
  public boolean refreshLock(String pipeline, String runId, Instant now) {
    String key = lockKey(pipeline);
    String current = redis.get(key);
    if (current == null) {
      return false;
    }
    LockInfo holder = StateJson.read(current, LockInfo.class);
    if (!holder.runId().equals(runId)) {
      return false;
    }
    Object r = redis.eval(REFRESH, List.of(key), List.of(runId, StateJson.write(holder.heartbeat(now)), Long.toString(holder.ttlMillis())));
    return Long.valueOf(1).equals(r);
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
