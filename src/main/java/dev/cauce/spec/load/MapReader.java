package dev.cauce.spec.load;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.cauce.spec.PipelineSpec.ValueMap;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Entry;
import dev.cauce.spec.read.YamlTree.MapNode;
import dev.cauce.spec.read.YamlTree.Node;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a schema field's value dictionary: {@code map} (inline from: to), or {@code map_file} (a CSV
 * file with the header {@code from,to}, relative to the spec's folder), {@code map_case} ({@code
 * exact} by default, or {@code insensitive}) and {@code map_nearest} (0 by default).
 */
final class MapReader {
  static final List<String> CASES = List.of("exact", "insensitive");
  /** A dictionary file larger than this is refused: it is held in every worker's memory. */
  static final long MAX_MAP_FILE_BYTES = 16L << 20;

  private final SpecReading s;

  MapReader(SpecReading s) {
    this.s = s;
  }

  /** The field's dictionary, or null when it has none (or after a problem). */
  ValueMap read(MapView f) {
    boolean inline = f.has("map");
    boolean file = f.has("map_file");
    if (!inline && !file) {
      for (String k : List.of("map_case", "map_nearest")) {
        if (f.written(k)) {
          f.problem(k, "needs map or map_file");
        }
      }
      return null;
    }
    if (inline && file) {
      f.problem("map_file", "give the dictionary once: map (inline) or map_file, not both");
      return null;
    }
    String mode = f.has("map_case") ? f.oneOf("map_case", CASES, "map_case") : "exact";
    Integer nearest = f.boundedInt("map_nearest", 0, SchemaReader.MAX_MAP_NEAREST, 0);
    Map<String, String> entries = inline ? inline(f) : file(f);
    if (entries == null || mode == null || nearest == null) {
      return null;
    }
    boolean insensitive = mode.equals("insensitive");
    if (insensitive) {
      Map<String, String> folded = new HashMap<>();
      for (Map.Entry<String, String> e : entries.entrySet()) {
        String key = e.getKey().toLowerCase(Locale.ROOT);
        String other = folded.putIfAbsent(key, e.getValue());
        if (other != null && !other.equals(e.getValue())) {
          f.problem(inline ? "map" : "map_file", "\"" + e.getKey() + "\" maps to \"" + e.getValue() + "\" and, ignoring case, to \""
              + other + "\": with map_case: insensitive each key must map to one value");
          return null;
        }
      }
    }
    return new ValueMap(entries, insensitive, nearest);
  }

  private Map<String, String> inline(MapView f) {
    Node n = f.get("map");
    if (!(n instanceof MapNode m)) {
      f.problem("map", "expected a map of from: to values, got " + n.describe());
      return null;
    }
    Map<String, String> entries = new LinkedHashMap<>();
    for (Entry e : m.entries().values()) {
      String to = SpecNodes.isNull(e.value()) ? null : s.nodes.text(e.value(), SpecNodes.child(f.path("map"), e.key()));
      if (to == null) {
        f.problem("map", "\"" + e.key() + "\" needs a text value to map to");
        return null;
      }
      entries.put(e.key(), to);
    }
    if (entries.isEmpty()) {
      f.problem("map", "needs at least one from: to entry");
      return null;
    }
    return entries;
  }

  private Map<String, String> file(MapView f) {
    String name = f.text("map_file");
    if (name == null) {
      return null;
    }
    Path path = s.specDir == null ? Path.of(name) : s.specDir.resolve(name);
    try {
      if (Files.size(path) > MAX_MAP_FILE_BYTES) {
        f.problem("map_file", path + " is larger than " + MAX_MAP_FILE_BYTES + " bytes; a dictionary is held in memory");
        return null;
      }
      Map<String, String> entries = new LinkedHashMap<>();
      try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8);
          MappingIterator<String[]> rows =
              new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class).readValues(in)) {
        int line = 0;
        while (rows.hasNextValue()) {
          String[] row = rows.nextValue();
          line++;
          if (line == 1) {
            if (row.length != 2 || !row[0].trim().equals("from") || !row[1].trim().equals("to")) {
              f.problem("map_file", path + ": the first line must be the header from,to");
              return null;
            }
            continue;
          }
          if (row.length != 2) {
            f.problem("map_file", path + " line " + line + ": expected 2 columns (from,to), found " + row.length);
            return null;
          }
          String earlier = entries.put(row[0], row[1]);
          if (earlier != null && !earlier.equals(row[1])) {
            f.problem("map_file", path + " line " + line + ": \"" + row[0] + "\" is mapped twice (to \"" + earlier
                + "\" and \"" + row[1] + "\")");
            return null;
          }
        }
      }
      if (entries.isEmpty()) {
        f.problem("map_file", path + " has no from,to rows");
        return null;
      }
      return entries;
    } catch (IOException | RuntimeException e) {
      f.problem("map_file", "cannot read " + path + ": " + e.getMessage());
      return null;
    }
  }
}
