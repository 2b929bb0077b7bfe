package dev.cauce.write;

import dev.cauce.files.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * What a publish is about to put into the sink folders ({@code _staging/<runId>/_PUBLISH.json},
 * written before the first file moves): the run, its owner, the sequence its commit will have and
 * each folder's new file names. Recovery uses it to delete exactly those files when that commit
 * never happened, even in a folder no commit lists yet. When a {@link Participant} (the run's
 * PostgreSQL tables) decides the publish, it also names it and holds the whole commit to make, so
 * that recovery can finish a publish whose tables committed before its files did.
 */
record PublishIntent(String runId, String owner, long sequence, Map<String, List<String>> files, String participant,
    Commit commit) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  PublishIntent(String runId, String owner, long sequence, Map<String, List<String>> files) {
    this(runId, owner, sequence, files, null, null);
  }

  /** Whether a participant's transaction decides this publish (and recovery must ask it). */
  boolean decidedElsewhere() {
    return participant != null && commit != null;
  }

  void writeTo(ResourceId file) throws IOException {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("run_id", runId);
    n.put("owner", owner);
    n.put("sequence", sequence);
    ObjectNode f = n.putObject("files");
    files.forEach((sink, names) -> names.forEach(f.withArray(sink)::add));
    if (participant != null) {
      n.put("participant", participant);
      n.set("commit", MAPPER.readTree(commit.toJson()));
    }
    AtomicFiles.write(file, MAPPER.writeValueAsBytes(n));
  }

  /** The intent in {@code file}; empty when it is incomplete (the process died while writing it, before any move). */
  static Optional<PublishIntent> read(ResourceId file) throws IOException {
    JsonNode n;
    try {
      n = MAPPER.readTree(Manifest.readString(file));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (n == null || !n.path("run_id").isTextual() || !n.path("owner").isTextual() || !n.path("sequence").isIntegralNumber()
        || !n.path("files").isObject()) {
      return Optional.empty();
    }
    Map<String, List<String>> files = new LinkedHashMap<>();
    n.get("files").fields().forEachRemaining(e -> {
      List<String> names = new ArrayList<>();
      e.getValue().forEach(v -> names.add(v.asText()));
      files.put(e.getKey(), names);
    });
    String participant = n.path("participant").isTextual() ? n.get("participant").textValue() : null;
    Commit commit = n.path("commit").isObject() ? Commit.fromJson(n.get("commit").toString()) : null;
    return Optional.of(new PublishIntent(n.get("run_id").textValue(), n.get("owner").textValue(), n.get("sequence").asLong(), files,
        participant, commit));
  }
}
