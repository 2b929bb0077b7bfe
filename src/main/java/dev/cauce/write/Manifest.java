package dev.cauce.write;

import dev.cauce.files.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A published folder's {@code _MANIFEST.json}: the run that published it, when, in which mode, and
 * the names of exactly the data files a reader should read (in the folder, in this order):
 *
 * <pre>
 * {"run_id": "r1", "published_at": "2024-01-05T10:00:00.000Z", "mode": "overwrite",
 *  "files": ["r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"]}
 * </pre>
 */
public record Manifest(String runId, Instant publishedAt, WriteMode mode, List<String> files) {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Manifest {
    files = List.copyOf(files);
  }

  /** The manifest's JSON text (indented, ending with a newline). */
  public String toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("run_id", runId);
    n.put("published_at", ValueText.timestampMillis(publishedAt.toEpochMilli()));
    n.put("mode", mode.name().toLowerCase(Locale.ROOT));
    ArrayNode a = n.putArray("files");
    files.forEach(a::add);
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a manifest's JSON text; {@code IllegalArgumentException} when it is not one. */
  public static Manifest fromJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      JsonNode files = n == null ? null : n.get("files");
      if (n == null || !n.isObject() || files == null || !files.isArray()) {
        throw new IllegalArgumentException("not a cauce manifest: no \"files\" array");
      }
      List<String> names = new ArrayList<>();
      for (JsonNode f : files) {
        if (!f.isTextual()) {
          throw new IllegalArgumentException("not a cauce manifest: a file name is not a string");
        }
        names.add(f.textValue());
      }
      return new Manifest(
          text(n, "run_id"),
          Instant.parse(text(n, "published_at")),
          WriteMode.valueOf(text(n, "mode").toUpperCase(Locale.ROOT)),
          names);
    } catch (JsonProcessingException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a cauce manifest: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("not a cauce manifest: no \"" + key + "\"");
    }
    return v.textValue();
  }

  /** The manifest of a published folder, or empty when nothing was ever published there. */
  public static Optional<Manifest> read(ResourceId dir) throws IOException {
    ResourceId file = Layout.manifest(dir);
    if (!exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(fromJson(readString(file)));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes this manifest into {@code dir} atomically ({@link AtomicFiles}), so a reader sees the old
   * manifest or the new one, never a partial file.
   */
  public void writeTo(ResourceId dir) throws IOException {
    AtomicFiles.write(Layout.manifest(dir), toJson().getBytes(StandardCharsets.UTF_8));
  }

  static boolean exists(ResourceId file) throws IOException {
    MatchResult m = FileSystems.match(file.toString());
    if (m.status() == MatchResult.Status.NOT_FOUND) {
      return false;
    }
    try {
      return !m.metadata().isEmpty();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  static String readString(ResourceId file) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
