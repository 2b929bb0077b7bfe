package dev.cauce.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An output folder's commit record, {@code <output>/_COMMIT.json}: for every sink and the dead
 * letter, its mode and exactly which files are live; which inputs the live data holds (the ledger);
 * the run, owner pipeline, sequence and fencing token of the commit. cauce replaces it in one atomic
 * step per run ({@link Publisher}), so a run's sinks and dead letter become visible together or not
 * at all, and its inputs are recorded as ingested in the same step.
 *
 * <p><b>Reader's contract</b> (how to find the live data of an output folder):
 *
 * <ol>
 *   <li>Read {@code <output>/_COMMIT.json} once. When it does not exist, nothing was committed
 *       there (an output written by a cauce older than the commit record: read each folder's
 *       {@code _MANIFEST.json} instead).
 *   <li>The live data of sink (or dead letter) {@code N} is exactly the files {@code
 *       <output>/N/<f>} for each {@code f} in the {@code files} of the entry of {@code sinks} whose
 *       {@code name} is {@code N}, in that order. Read nothing else: a sink folder can also hold
 *       files of a run being published, or of a replaced commit not yet deleted. A sink not in
 *       {@code sinks} has no live data.
 *   <li>A later commit deletes the files of an overwrite sink it no longer lists. A reader that
 *       finds a listed file missing re-reads {@code _COMMIT.json} and starts over.
 *   <li>{@code <output>/N/_MANIFEST.json} repeats the folder's list for tools that read one folder;
 *       it is written after the commit and can lag behind it after a crash until the next run. The
 *       commit record wins.
 * </ol>
 *
 * <pre>
 * {"format": 1, "sequence": 2, "run_id": "r2", "owner": "orders", "fencing_token": 7,
 *  "committed_at": "2024-01-06T11:30:00.000Z", "replay": false,
 *  "sinks": [{"name": "orders", "mode": "append", "dead_letter": false,
 *             "files": ["r1-00000-of-00001.jsonl", "r2-00000-of-00001.jsonl"]},
 *            {"name": "rejected", "mode": "overwrite", "dead_letter": true, "files": ["r2-00000-of-00001.jsonl"]}],
 *  "ledger": [{"path": "/in/a.jsonl", "size_bytes": 120, "last_modified_millis": 1704449000000,
 *              "run_id": "r1", "ingested_at": "2024-01-05T10:00:00.000Z"}]}
 * </pre>
 *
 * {@code sequence} is 1 for an output's first commit and grows by one with each (a recovery that
 * deletes what an unfinished publish left commits the live record again, one sequence on); {@code owner} is the
 * only pipeline that may write the folder; a commit is refused when the live one has a higher {@code
 * fencing_token} (the run lock's token), or the same one from another run. A ledger entry on {@code
 * gs://} also has {@code generation}.
 */
public record Commit(
    long sequence, String runId, String owner, long fencingToken, Instant committedAt, boolean replay,
    List<SinkFiles> sinks, List<IngestedInput> ledger) {
  static final int FORMAT = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One sink's (or the dead letter's) live files, names inside {@code <output>/<name>/}, and how many
   * records they hold (null when not known: a commit that did not say, or a rewritten dead letter).
   */
  public record SinkFiles(String name, WriteMode mode, boolean deadLetter, List<String> files, Long records) {
    public SinkFiles(String name, WriteMode mode, boolean deadLetter, List<String> files) {
      this(name, mode, deadLetter, files, null);
    }

    public SinkFiles {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(mode, "mode");
      files = List.copyOf(files);
      if (new HashSet<>(files).size() != files.size()) {
        throw new IllegalArgumentException("sink " + name + " lists a file twice: " + files);
      }
    }
  }

  /**
   * An input the live data holds: as it was when read (size, modification time, and on {@code gs://}
   * its generation, else null), the run that ingested it and when that run committed.
   */
  public record IngestedInput(
      String path, long sizeBytes, long lastModifiedMillis, Long generation, String runId, Instant ingestedAt) {
    /** An input read by the run being published (run and time are filled in by the commit). */
    public static IngestedInput of(String path, long sizeBytes, long lastModifiedMillis, Long generation) {
      return new IngestedInput(path, sizeBytes, lastModifiedMillis, generation, null, null);
    }

    IngestedInput ingestedBy(String run, Instant at) {
      return new IngestedInput(path, sizeBytes, lastModifiedMillis, generation, run, at);
    }
  }

  public Commit {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(committedAt, "committedAt");
    sinks = List.copyOf(sinks);
    ledger = List.copyOf(ledger);
    Set<String> names = new HashSet<>();
    for (SinkFiles s : sinks) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("sink " + s.name() + " is listed twice");
      }
    }
  }

  /** The entry of sink (or dead letter) {@code name}. */
  public Optional<SinkFiles> sink(String name) {
    return sinks.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The dead letter's entry. */
  public Optional<SinkFiles> deadLetter() {
    return sinks.stream().filter(SinkFiles::deadLetter).findFirst();
  }

  /** The record's JSON text (indented, ending with a newline). */
  public String toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("format", FORMAT);
    n.put("sequence", sequence);
    n.put("run_id", runId);
    n.put("owner", owner);
    n.put("fencing_token", fencingToken);
    n.put("committed_at", ValueText.timestampMillis(committedAt.toEpochMilli()));
    n.put("replay", replay);
    ArrayNode s = n.putArray("sinks");
    for (SinkFiles f : sinks) {
      ObjectNode o = s.addObject();
      o.put("name", f.name());
      o.put("mode", f.mode().name().toLowerCase(Locale.ROOT));
      o.put("dead_letter", f.deadLetter());
      ArrayNode files = o.putArray("files");
      f.files().forEach(files::add);
      if (f.records() != null) {
        o.put("records", f.records());
      }
    }
    ArrayNode l = n.putArray("ledger");
    for (IngestedInput i : ledger) {
      ObjectNode o = l.addObject();
      o.put("path", i.path());
      o.put("size_bytes", i.sizeBytes());
      o.put("last_modified_millis", i.lastModifiedMillis());
      if (i.generation() != null) {
        o.put("generation", i.generation());
      }
      o.put("run_id", i.runId());
      o.put("ingested_at", ValueText.timestampMillis(i.ingestedAt().toEpochMilli()));
    }
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a commit record; {@code IllegalArgumentException} when the text is not one. */
  public static Commit fromJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not a cauce commit record: not a JSON object");
      }
      long format = number(n, "format");
      if (format != FORMAT) {
        throw new IllegalArgumentException("commit record format " + format + " is not supported (this cauce reads " + FORMAT + ")");
      }
      List<SinkFiles> sinks = new ArrayList<>();
      for (JsonNode s : array(n, "sinks")) {
        List<String> files = new ArrayList<>();
        for (JsonNode f : array(s, "files")) {
          if (!f.isTextual()) {
            throw new IllegalArgumentException("not a cauce commit record: a file name is not a string");
          }
          files.add(f.textValue());
        }
        JsonNode records = s.get("records");
        sinks.add(new SinkFiles(text(s, "name"), WriteMode.valueOf(text(s, "mode").toUpperCase(Locale.ROOT)),
            bool(s, "dead_letter"), files, records == null || records.isNull() ? null : records.asLong()));
      }
      List<IngestedInput> ledger = new ArrayList<>();
      for (JsonNode i : array(n, "ledger")) {
        JsonNode g = i.get("generation");
        ledger.add(new IngestedInput(text(i, "path"), number(i, "size_bytes"), number(i, "last_modified_millis"),
            g == null || g.isNull() ? null : g.asLong(), text(i, "run_id"), Instant.parse(text(i, "ingested_at"))));
      }
      return new Commit(number(n, "sequence"), text(n, "run_id"), text(n, "owner"), number(n, "fencing_token"),
          Instant.parse(text(n, "committed_at")), bool(n, "replay"), sinks, ledger);
    } catch (JsonProcessingException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a cauce commit record: " + e.getMessage(), e);
    }
  }

  private static Iterable<JsonNode> array(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException("not a cauce commit record: no \"" + key + "\" array");
    }
    return v;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("not a cauce commit record: no \"" + key + "\"");
    }
    return v.textValue();
  }

  private static long number(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("not a cauce commit record: no integer \"" + key + "\"");
    }
    return v.asLong();
  }

  private static boolean bool(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isBoolean()) {
      throw new IllegalArgumentException("not a cauce commit record: no boolean \"" + key + "\"");
    }
    return v.booleanValue();
  }
}
