package dev.cauce.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A small in-memory Google Cloud Storage server speaking the part of the JSON API that Beam 2.62's
 * GCS filesystem ({@code GcsUtil} over {@code google-api-services-storage} and {@code gcsio}) uses
 * when cauce drives it. It listens on 127.0.0.1 on an ephemeral port; point Beam at it with {@code
 * --gcsEndpoint=}{@link #endpoint()}, {@code
 * --credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory} and
 * {@code --project=test-project} (see {@link #beamArgs()}).
 *
 * <p>Implemented (object names arrive {@code %2F}-encoded and are decoded):
 *
 * <ul>
 *   <li>{@code GET /storage/v1/b/B/o/OBJ}: object metadata (404 {@code notFound} when absent).
 *   <li>{@code GET /storage/v1/b/B/o?prefix=&delimiter=&maxResults=&pageToken=}: listing, in name
 *       order, paged.
 *   <li>{@code GET /download/storage/v1/b/B/o/OBJ?alt=media[&generation=N]} (and {@code alt=media}
 *       on {@code /storage/v1}): the bytes, honouring {@code Range: bytes=a-b | a- | -n} with 206 and
 *       {@code Content-Range}; 416 past the end.
 *   <li>{@code POST /upload/storage/v1/b/B/o?uploadType=resumable&name=N[&ifGenerationMatch=G]}:
 *       starts a resumable upload and answers a {@code Location}; {@code PUT <Location>} with {@code
 *       Content-Range: bytes a-b/*} answers 308 with {@code Range: bytes=0-b}; {@code bytes a-b/T}
 *       or {@code bytes *}{@code /T} (an empty object: {@code bytes *}{@code /0}) stores the object
 *       and answers 200 with its metadata.
 *   <li>{@code POST /storage/v1/b/B/o/SRC/rewriteTo/b/B/o/DST}: a copy, answered in one call with
 *       {@code "done": true} and the new object as {@code "resource"}.
 *   <li>{@code DELETE /storage/v1/b/B/o/OBJ}: 204 (404 when absent).
 *   <li>{@code POST /batch/storage/v1}: {@code multipart/mixed} batches of the calls above, each
 *       part answered in order with its own status line, headers and {@code Content-Length}.
 *   <li>Preconditions {@code ifGenerationMatch} (0: must not exist) and {@code
 *       ifSourceGenerationMatch} on writes, rewrites and deletes (412 when they fail).
 * </ul>
 *
 * Buckets must be created with {@link #createBucket}; calls on other buckets get 404. Generations
 * come from one increasing counter; {@code timeCreated}/{@code updated} are the server's clock.
 *
 * <p>Every call, including each part of a batch, is appended to {@link #calls()} with its method,
 * path, query, the remote address of the connection and the status answered. A call it does not
 * implement (another path or method, an unknown query parameter) is answered 400 and logged with
 * {@code unimplemented = true}; it never answers 5xx, which Beam would retry for minutes.
 *
 * <p>What a test against it proves: that Beam's GCS stack, driven the way cauce drives it (matching,
 * reading, writing, renaming, deleting), works over the JSON API as this server implements it from
 * the API's documentation and the calls measured in {@code shared/notes/gcs-offline-testing.md}.
 * What it does not prove: authentication and credentials (tests send none), IAM and permissions,
 * real GCS error behaviour (rate limits, 5xx, retries, eventual listing quirks, rewrites that take
 * several calls), object versioning, composite objects, or anything about latency and throughput.
 */
public final class FakeGcsServer implements AutoCloseable {
  /** One call answered by the server. {@code path} is raw (encoded) as received. */
  public record Call(String method, String path, String query, String remoteAddress, int status, boolean inBatch,
      boolean unimplemented, String note) {
    @Override
    public String toString() {
      return (inBatch ? "  [batch] " : "") + method + " " + path + (query == null || query.isEmpty() ? "" : "?" + query)
          + " -> " + status + " from " + remoteAddress + (unimplemented ? " UNIMPLEMENTED" : "")
          + (note == null ? "" : " (" + note + ")");
    }
  }

  /** A stored object. */
  public record StoredObject(String bucket, String name, byte[] data, long generation, long metageneration,
      String contentType, Instant created, Instant updated) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern OBJECT = Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)$");
  private static final Pattern LIST = Pattern.compile("^/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern DOWNLOAD = Pattern.compile("^/download/storage/v1/b/([^/]+)/o/([^/]+)$");
  private static final Pattern REWRITE = Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)/rewriteTo/b/([^/]+)/o/([^/]+)$");
  private static final Pattern UPLOAD = Pattern.compile("^/upload/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)$");
  private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
  /** Query parameters that only shape the answer: the server always answers whole resources. */
  private static final Set<String> IGNORED_PARAMS = Set.of("fields", "prettyPrint", "projection", "alt");

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong generations = new AtomicLong(1_000);
  private final Map<String, TreeMap<String, StoredObject>> buckets = new HashMap<>();
  private final Map<String, Upload> uploads = new HashMap<>();
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Runnable> beforeDownload = new HashMap<>();

  private FakeGcsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on 127.0.0.1, on a port the system picks. */
  public static FakeGcsServer start() throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "fake-gcs");
      t.setDaemon(true);
      return t;
    });
    FakeGcsServer s = new FakeGcsServer(http, executor);
    http.createContext("/", s::handle);
    http.setExecutor(executor);
    http.start();
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:PORT/storage/v1/}, the value of Beam's {@code --gcsEndpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port() + "/storage/v1/";
  }

  /** The options that point Beam's GCS filesystem at this server, with no credentials. */
  public List<String> beamArgs() {
    return List.of(
        "--gcsEndpoint=" + endpoint(),
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
        "--project=test-project");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- helpers for tests

  public synchronized void createBucket(String bucket) {
    buckets.putIfAbsent(bucket, new TreeMap<>());
  }

  /** Stores an object directly (no call is logged); returns its generation. */
  public synchronized long putObject(String bucket, String name, byte[] data) {
    return store(bucket, name, data, "application/octet-stream").generation();
  }

  public long putObject(String bucket, String name, String text) {
    return putObject(bucket, name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes an object directly (no call is logged); fails when it does not exist. */
  public synchronized void deleteObject(String bucket, String name) {
    if (bucket(bucket).remove(name) == null) {
      throw new AssertionError("no object gs://" + bucket + "/" + name);
    }
  }

  /**
   * Runs {@code action} once, when the first download of the object arrives and before it is
   * answered: a writer replacing or deleting an input just as a job starts reading it.
   */
  public synchronized void beforeFirstDownload(String bucket, String name, Runnable action) {
    beforeDownload.put(bucket + "/" + name, action);
  }

  public synchronized Optional<StoredObject> object(String bucket, String name) {
    TreeMap<String, StoredObject> b = buckets.get(bucket);
    return Optional.ofNullable(b == null ? null : b.get(name));
  }

  /** An object's bytes; fails when it does not exist. */
  public byte[] bytes(String bucket, String name) {
    return object(bucket, name).orElseThrow(() -> new AssertionError("no object gs://" + bucket + "/" + name)).data().clone();
  }

  public String text(String bucket, String name) {
    return new String(bytes(bucket, name), StandardCharsets.UTF_8);
  }

  /** The names of a bucket's objects starting with {@code prefix}, in name order. */
  public synchronized List<String> list(String bucket, String prefix) {
    TreeMap<String, StoredObject> b = buckets.get(bucket);
    if (b == null) {
      return List.of();
    }
    return b.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
  }

  /** Every object under {@code prefix}: name → (generation, content), for before/after comparisons. */
  public synchronized Map<String, String> snapshot(String bucket, String prefix) {
    Map<String, String> m = new TreeMap<>();
    for (String n : list(bucket, prefix)) {
      StoredObject o = buckets.get(bucket).get(n);
      m.put(n, "generation " + o.generation() + "\n" + new String(o.data(), StandardCharsets.UTF_8));
    }
    return m;
  }

  /** Every call so far, in the order they were answered. */
  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  public void clearCalls() {
    calls.clear();
  }

  public List<Call> unimplementedCalls() {
    return calls().stream().filter(Call::unimplemented).toList();
  }

  /** The distinct remote addresses calls came from. */
  public Set<String> remoteAddresses() {
    Set<String> s = new TreeSet<>();
    calls().forEach(c -> s.add(c.remoteAddress()));
    return s;
  }

  /** The call log, one line per call. */
  public String log() {
    StringBuilder sb = new StringBuilder();
    calls().forEach(c -> sb.append(c).append('\n'));
    return sb.toString();
  }

  // ---------------------------------------------------------------- HTTP

  private record Request(String method, String rawPath, String rawQuery, Map<String, String> params,
      Map<String, String> headers, byte[] body, String remote, boolean inBatch) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private record Response(int status, Map<String, String> headers, byte[] body) {
    static Response json(int status, Object node) {
      byte[] b;
      try {
        b = JSON.writeValueAsBytes(node);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Type", "application/json; charset=UTF-8");
      return new Response(status, h, b);
    }

    static Response empty(int status) {
      return new Response(status, new LinkedHashMap<>(), new byte[0]);
    }
  }

  /** Thrown inside a handler to answer an error. */
  private static final class Failure extends RuntimeException {
    final int status;
    final String reason;
    final boolean unimplemented;

    Failure(int status, String reason, String message, boolean unimplemented) {
      super(message);
      this.status = status;
      this.reason = reason;
      this.unimplemented = unimplemented;
    }
  }

  private static Failure notFound(String message) {
    return new Failure(404, "notFound", message, false);
  }

  private static Failure unimplemented(String message) {
    return new Failure(400, "unimplemented", "not implemented by FakeGcsServer: " + message, true);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      Response resp;
      Map<String, String> headers = new HashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
      URI uri = ex.getRequestURI();
      String remote = ex.getRemoteAddress().getAddress().getHostAddress();
      try {
        resp = dispatch(new Request(ex.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
            params(uri.getRawQuery()), headers, body, remote, false));
      } catch (RuntimeException e) { // e.g. an undecodable query: still logged, still a 4xx
        calls.add(new Call(ex.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), remote, 400, false, true, e.toString()));
        resp = error(400, "fakeServerError", e.toString());
      }
      resp.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      boolean noBody = resp.status() == 204 || resp.status() == 308 || resp.body().length == 0;
      ex.sendResponseHeaders(resp.status(), noBody ? -1 : resp.body().length);
      if (!noBody) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(resp.body());
        }
      }
    }
  }

  /** Answers one request (top-level or a batch part) and logs it. */
  private Response dispatch(Request req) {
    Response resp;
    boolean unimplemented = false;
    String note = req.header("Content-Range") != null ? "Content-Range: " + req.header("Content-Range")
        : req.header("Range") != null ? "Range: " + req.header("Range") : null;
    try {
      resp = route(req);
    } catch (Failure f) {
      unimplemented = f.unimplemented;
      note = (note == null ? "" : note + "; ") + f.getMessage();
      resp = error(f.status, f.reason, f.getMessage());
    } catch (RuntimeException e) {
      // a bug in this server: still a 4xx, never a 5xx that Beam would retry for minutes
      unimplemented = true;
      note = (note == null ? "" : note + "; ") + "server error " + e;
      resp = error(400, "fakeServerError", e.toString());
    }
    calls.add(new Call(req.method(), req.rawPath(), req.rawQuery(), req.remote(), resp.status(), req.inBatch(),
        unimplemented, note));
    return resp;
  }

  private static Response error(int status, String reason, String message) {
    ObjectNode err = JSON.createObjectNode();
    ObjectNode e = err.putObject("error");
    e.put("code", status);
    e.put("message", message);
    ObjectNode detail = e.putArray("errors").addObject();
    detail.put("domain", "global");
    detail.put("reason", reason);
    detail.put("message", message);
    return Response.json(status, err);
  }

  private Response route(Request req) {
    String path = req.rawPath();
    String method = req.method();
    Matcher m;
    if (method.equals("POST") && path.equals("/batch/storage/v1")) {
      return batch(req);
    }
    if (method.equals("POST") && (m = UPLOAD.matcher(path)).matches()) {
      checkParams(req, "uploadType", "name", "ifGenerationMatch");
      if (!"resumable".equals(req.params().get("uploadType"))) {
        throw unimplemented("uploadType=" + req.params().get("uploadType") + " (only resumable uploads are)");
      }
      return startUpload(req, decode(m.group(1)));
    }
    if (method.equals("PUT") && (m = UPLOAD.matcher(path)).matches()) {
      checkParams(req, "uploadType", "name", "ifGenerationMatch", "upload_id");
      return putChunk(req);
    }
    if (method.equals("GET") && (m = DOWNLOAD.matcher(path)).matches()) {
      checkParams(req, "generation");
      if (!"media".equals(req.params().get("alt"))) {
        throw unimplemented("a download without alt=media");
      }
      return media(req, decode(m.group(1)), decode(m.group(2)));
    }
    if ((m = REWRITE.matcher(path)).matches()) {
      if (!method.equals("POST")) {
        throw unimplemented(method + " on rewriteTo");
      }
      checkParams(req, "ifGenerationMatch", "ifSourceGenerationMatch", "maxBytesRewrittenPerCall", "rewriteToken");
      return rewrite(req, decode(m.group(1)), decode(m.group(2)), decode(m.group(3)), decode(m.group(4)));
    }
    if ((m = OBJECT.matcher(path)).matches()) {
      String bucket = decode(m.group(1));
      String name = decode(m.group(2));
      switch (method) {
        case "GET" -> {
          checkParams(req, "generation");
          if ("media".equals(req.params().get("alt"))) {
            return media(req, bucket, name);
          }
          return Response.json(200, resource(existing(bucket, name, req.params().get("generation"))));
        }
        case "DELETE" -> {
          checkParams(req, "ifGenerationMatch", "generation");
          return delete(req, bucket, name);
        }
        default -> throw unimplemented(method + " on an object");
      }
    }
    if (method.equals("GET") && (m = LIST.matcher(path)).matches()) {
      checkParams(req, "prefix", "delimiter", "maxResults", "pageToken");
      return list(req, decode(m.group(1)));
    }
    throw unimplemented(method + " " + path);
  }

  /** Refuses a query parameter this server does not implement (so no semantics are silently dropped). */
  private static void checkParams(Request req, String... known) {
    Set<String> ok = new java.util.HashSet<>(List.of(known));
    ok.addAll(IGNORED_PARAMS);
    for (String p : req.params().keySet()) {
      if (!ok.contains(p)) {
        throw unimplemented("query parameter " + p + " on " + req.method() + " " + req.rawPath());
      }
    }
  }

  // ---------------------------------------------------------------- objects

  private synchronized TreeMap<String, StoredObject> bucket(String bucket) {
    TreeMap<String, StoredObject> b = buckets.get(bucket);
    if (b == null) {
      throw notFound("The specified bucket does not exist: " + bucket);
    }
    return b;
  }

  private synchronized StoredObject existing(String bucket, String name, String generation) {
    StoredObject o = bucket(bucket).get(name);
    if (o == null || (generation != null && Long.parseLong(generation) != o.generation())) {
      throw notFound("No such object: " + bucket + "/" + name + (generation == null ? "" : "#" + generation));
    }
    return o;
  }

  private synchronized StoredObject store(String bucket, String name, byte[] data, String contentType) {
    TreeMap<String, StoredObject> b = bucket(bucket);
    Instant now = Instant.now();
    StoredObject o = new StoredObject(bucket, name, data.clone(), generations.incrementAndGet(), 1,
        contentType == null ? "application/octet-stream" : contentType, now, now);
    b.put(name, o);
    return o;
  }

  /** Checks {@code ifGenerationMatch} against the object's current generation (0: must not exist). */
  private synchronized void precondition(String bucket, String name, String ifGenerationMatch) {
    if (ifGenerationMatch == null) {
      return;
    }
    StoredObject o = bucket(bucket).get(name);
    long current = o == null ? 0 : o.generation();
    if (current != Long.parseLong(ifGenerationMatch)) {
      throw new Failure(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold"
          + " (ifGenerationMatch=" + ifGenerationMatch + ", current generation " + current + ") for " + bucket + "/" + name, false);
    }
  }

  private static ObjectNode resource(StoredObject o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "storage#object");
    n.put("id", o.bucket() + "/" + o.name() + "/" + o.generation());
    n.put("selfLink", "http://127.0.0.1/storage/v1/b/" + o.bucket() + "/o/" + encode(o.name()));
    n.put("name", o.name());
    n.put("bucket", o.bucket());
    n.put("generation", Long.toString(o.generation()));
    n.put("metageneration", Long.toString(o.metageneration()));
    n.put("contentType", o.contentType());
    n.put("storageClass", "STANDARD");
    n.put("size", Long.toString(o.data().length));
    n.put("md5Hash", md5(o.data()));
    n.put("crc32c", crc32c(o.data()));
    n.put("etag", Long.toString(o.generation(), 36));
    n.put("timeCreated", RFC3339.format(o.created()));
    n.put("updated", RFC3339.format(o.updated()));
    return n;
  }

  private Response list(Request req, String bucket) {
    String prefix = req.params().getOrDefault("prefix", "");
    String delimiter = req.params().get("delimiter");
    int max = Math.min(1000, Integer.parseInt(req.params().getOrDefault("maxResults", "1000")));
    if (max < 1) {
      throw new Failure(400, "invalid", "maxResults must be positive", false);
    }
    String pageToken = req.params().get("pageToken");
    List<Object> entries = new ArrayList<>(); // StoredObject or a String prefix, in name order
    synchronized (this) {
      Set<String> prefixes = new TreeSet<>();
      for (StoredObject o : bucket(bucket).tailMap(prefix, true).values()) {
        if (!o.name().startsWith(prefix)) {
          break;
        }
        if (delimiter != null && !delimiter.isEmpty()) {
          int d = o.name().indexOf(delimiter, prefix.length());
          if (d >= 0) {
            String p = o.name().substring(0, d + delimiter.length());
            if (prefixes.add(p)) {
              entries.add(p);
            }
            continue;
          }
        }
        entries.add(o);
      }
    }
    int start = 0;
    if (pageToken != null) {
      String after = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      while (start < entries.size() && entryName(entries.get(start)).compareTo(after) <= 0) {
        start++;
      }
    }
    int end = Math.min(entries.size(), start + max);
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "storage#objects");
    List<Object> page = entries.subList(start, end);
    if (page.stream().anyMatch(e -> e instanceof StoredObject)) {
      page.stream().filter(e -> e instanceof StoredObject).forEach(e -> n.withArray("items").add(resource((StoredObject) e)));
    }
    if (page.stream().anyMatch(e -> e instanceof String)) {
      page.stream().filter(e -> e instanceof String).forEach(e -> n.withArray("prefixes").add((String) e));
    }
    if (end < entries.size()) {
      n.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(entryName(entries.get(end - 1)).getBytes(StandardCharsets.UTF_8)));
    }
    return Response.json(200, n);
  }

  private static String entryName(Object e) {
    return e instanceof StoredObject o ? o.name() : (String) e;
  }

  private Response media(Request req, String bucket, String name) {
    Runnable hook;
    synchronized (this) {
      hook = beforeDownload.remove(bucket + "/" + name);
    }
    if (hook != null) {
      hook.run();
    }
    StoredObject o = existing(bucket, name, req.params().get("generation"));
    byte[] data = o.data();
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", o.contentType());
    h.put("x-goog-generation", Long.toString(o.generation()));
    h.put("x-goog-metageneration", Long.toString(o.metageneration()));
    h.put("x-goog-stored-content-encoding", "identity");
    h.put("x-goog-stored-content-length", Long.toString(data.length));
    h.put("x-goog-hash", "crc32c=" + crc32c(data) + ",md5=" + md5(data));
    h.put("ETag", Long.toString(o.generation(), 36));
    String range = req.header("Range");
    if (range == null) {
      return new Response(200, h, data);
    }
    Matcher m = RANGE.matcher(range.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      throw unimplemented("Range header " + range);
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) { // bytes=-n: the last n bytes
      long n = Long.parseLong(m.group(2));
      first = Math.max(0, data.length - n);
      last = data.length - 1L;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? data.length - 1L : Math.min(Long.parseLong(m.group(2)), data.length - 1L);
    }
    if (first >= data.length || last < first) {
      Map<String, String> e = new LinkedHashMap<>();
      e.put("Content-Range", "bytes */" + data.length);
      Response r = error(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied: " + range);
      r.headers().putAll(e);
      return r;
    }
    byte[] part = java.util.Arrays.copyOfRange(data, (int) first, (int) last + 1);
    h.put("Content-Range", "bytes " + first + "-" + last + "/" + data.length);
    return new Response(206, h, part);
  }

  private Response delete(Request req, String bucket, String name) {
    synchronized (this) {
      existing(bucket, name, req.params().get("generation"));
      precondition(bucket, name, req.params().get("ifGenerationMatch"));
      bucket(bucket).remove(name);
    }
    return Response.empty(204);
  }

  private Response rewrite(Request req, String srcBucket, String srcName, String dstBucket, String dstName) {
    StoredObject dst;
    synchronized (this) {
      StoredObject src = existing(srcBucket, srcName, null);
      String ifSource = req.params().get("ifSourceGenerationMatch");
      if (ifSource != null && Long.parseLong(ifSource) != src.generation()) {
        throw new Failure(412, "conditionNotMet", "ifSourceGenerationMatch=" + ifSource + " does not hold for "
            + srcBucket + "/" + srcName, false);
      }
      precondition(dstBucket, dstName, req.params().get("ifGenerationMatch"));
      String contentType = src.contentType();
      if (req.body().length > 0) {
        JsonNode meta = readJson(req.body());
        if (meta.hasNonNull("contentType")) {
          contentType = meta.get("contentType").asText();
        }
      }
      dst = store(dstBucket, dstName, src.data(), contentType);
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "storage#rewriteResponse");
    n.put("totalBytesRewritten", Long.toString(dst.data().length));
    n.put("objectSize", Long.toString(dst.data().length));
    n.put("done", true);
    n.set("resource", resource(dst));
    return Response.json(200, n);
  }

  // ---------------------------------------------------------------- resumable uploads

  private static final class Upload {
    final String bucket;
    final String name;
    final String contentType;
    final String ifGenerationMatch;
    final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Upload(String bucket, String name, String contentType, String ifGenerationMatch) {
      this.bucket = bucket;
      this.name = name;
      this.contentType = contentType;
      this.ifGenerationMatch = ifGenerationMatch;
    }
  }

  private Response startUpload(Request req, String bucket) {
    JsonNode meta = req.body().length == 0 ? JSON.createObjectNode() : readJson(req.body());
    String name = req.params().get("name");
    if (name == null && meta.hasNonNull("name")) {
      name = meta.get("name").asText();
    }
    if (name == null || name.isEmpty()) {
      throw new Failure(400, "required", "an upload needs an object name", false);
    }
    String contentType = meta.hasNonNull("contentType") ? meta.get("contentType").asText() : req.header("X-Upload-Content-Type");
    String id = UUID.randomUUID().toString().replace("-", "");
    synchronized (this) {
      bucket(bucket);
      precondition(bucket, name, req.params().get("ifGenerationMatch"));
      uploads.put(id, new Upload(bucket, name, contentType, req.params().get("ifGenerationMatch")));
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Location", "http://127.0.0.1:" + port() + "/upload/storage/v1/b/" + encode(bucket)
        + "/o?uploadType=resumable&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&upload_id=" + id);
    return new Response(200, h, new byte[0]);
  }

  private Response putChunk(Request req) {
    String id = req.params().get("upload_id");
    Upload up;
    synchronized (this) {
      up = id == null ? null : uploads.get(id);
    }
    if (up == null) {
      throw notFound("No such upload session: " + id);
    }
    String cr = req.header("Content-Range");
    Matcher m = cr == null ? null : CONTENT_RANGE.matcher(cr.trim());
    if (m == null || !m.matches()) {
      throw unimplemented("a chunk with Content-Range " + cr);
    }
    synchronized (up) {
      byte[] body = req.body();
      if (m.group(2) != null) {
        long first = Long.parseLong(m.group(2));
        long last = Long.parseLong(m.group(3));
        if (last - first + 1 != body.length) {
          throw new Failure(400, "invalid", "Content-Range " + cr + " does not match a body of " + body.length + " bytes", false);
        }
        long have = up.data.size();
        if (first > have) {
          throw new Failure(400, "invalid", "chunk starts at " + first + " but " + have + " bytes were received", false);
        }
        int skip = (int) (have - first); // a resent chunk: keep what was persisted
        if (skip < body.length) {
          up.data.write(body, skip, body.length - skip);
        }
      } else if (body.length != 0) {
        throw new Failure(400, "invalid", "Content-Range " + cr + " with a body", false);
      }
      String total = m.group(4);
      if (total.equals("*")) {
        Map<String, String> h = new LinkedHashMap<>();
        if (up.data.size() > 0) {
          h.put("Range", "bytes=0-" + (up.data.size() - 1));
        }
        return new Response(308, h, new byte[0]);
      }
      if (Long.parseLong(total) != up.data.size()) {
        throw new Failure(400, "invalid", "upload declared " + total + " bytes, received " + up.data.size(), false);
      }
      StoredObject o;
      synchronized (this) {
        uploads.remove(id);
        precondition(up.bucket, up.name, up.ifGenerationMatch);
        o = store(up.bucket, up.name, up.data.toByteArray(), up.contentType);
      }
      return Response.json(200, resource(o));
    }
  }

  // ---------------------------------------------------------------- batch

  private Response batch(Request req) {
    String ct = req.header("Content-Type");
    Matcher bm = ct == null ? null : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(ct);
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("multipart/mixed") || !bm.find()) {
      throw unimplemented("a batch with Content-Type " + ct);
    }
    String delimiter = "--" + bm.group(1);
    String body = new String(req.body(), StandardCharsets.ISO_8859_1); // byte-preserving
    List<String> parts = new ArrayList<>();
    int at = body.indexOf(delimiter);
    while (at >= 0) {
      int start = at + delimiter.length();
      if (body.startsWith("--", start)) {
        break; // the closing delimiter
      }
      int next = body.indexOf("\r\n" + delimiter, start);
      if (next < 0) {
        throw new Failure(400, "invalid", "unterminated batch part", false);
      }
      parts.add(body.substring(start, next).replaceFirst("^\r\n", ""));
      at = next + 2;
    }
    String boundary = "batch_" + UUID.randomUUID().toString().replace("-", "");
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (String part : parts) {
      i++;
      int blank = part.indexOf("\r\n\r\n");
      String partHeaders = blank < 0 ? part : part.substring(0, blank);
      String http = blank < 0 ? "" : part.substring(blank + 4);
      String contentId = headerValue(partHeaders, "Content-ID");
      Response r = dispatch(parsePart(http, req.remote()));
      out.append("--").append(boundary).append("\r\n");
      out.append("Content-Type: application/http\r\n");
      out.append("Content-ID: <response-").append(contentId == null ? Integer.toString(i) : contentId.replaceAll("[<>]", "")).append(">\r\n\r\n");
      out.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
      r.headers().forEach((k, v) -> out.append(k).append(": ").append(v).append("\r\n"));
      out.append("Content-Length: ").append(r.body().length).append("\r\n\r\n");
      out.append(new String(r.body(), StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    out.append("--").append(boundary).append("--\r\n");
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "multipart/mixed; boundary=" + boundary);
    return new Response(200, h, out.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** One batch part's HTTP request: request line (absolute URL or path), headers, body. */
  private Request parsePart(String http, String remote) {
    int blank = http.indexOf("\r\n\r\n");
    String head = blank < 0 ? http : http.substring(0, blank);
    String rest = blank < 0 ? "" : http.substring(blank + 4);
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length < 2) {
      throw new Failure(400, "invalid", "bad batch part request line: " + lines[0], false);
    }
    Map<String, String> headers = new HashMap<>();
    for (int k = 1; k < lines.length; k++) {
      int c = lines[k].indexOf(':');
      if (c > 0) {
        headers.put(lines[k].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[k].substring(c + 1).trim());
      }
    }
    byte[] body = rest.getBytes(StandardCharsets.ISO_8859_1);
    String len = headers.get("content-length");
    if (len != null && Integer.parseInt(len) <= body.length) {
      body = java.util.Arrays.copyOf(body, Integer.parseInt(len));
    }
    URI uri = URI.create(requestLine[1]);
    return new Request(requestLine[0], uri.getRawPath(), uri.getRawQuery(), params(uri.getRawQuery()), headers, body,
        remote, true);
  }

  private static String headerValue(String headers, String name) {
    for (String line : headers.split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
        return line.substring(c + 1).trim();
      }
    }
    return null;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 206 -> "Partial Content";
      case 308 -> "Resume Incomplete";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 412 -> "Precondition Failed";
      case 416 -> "Requested Range Not Satisfiable";
      default -> "Status";
    };
  }

  // ---------------------------------------------------------------- encoding

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> m = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return m;
    }
    for (String kv : rawQuery.split("&")) {
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  /** Percent-decoding of a path segment ({@code +} is a plus sign here, not a space). */
  static String decode(String segment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonNode readJson(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new Failure(400, "parseError", "body is not JSON: " + e.getMessage(), false);
    }
  }

  private static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String crc32c(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
  }
}
