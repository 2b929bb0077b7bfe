package dev.cauce.spec.load;

import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code sinks}: file sinks (format, shards, mode) and jdbc sinks ({@link JdbcSpecReader}). */
final class SinksReader {
  static final List<String> SINK_KEYS = List.of("name", "type", "format", "shards", "mode");
  static final List<String> SINK_TYPES = List.of("file", "jdbc");
  static final Pattern SINK_NAME = Pattern.compile("[a-z0-9_-]+");
  static final List<String> WRITE_MODES = SpecReading.names(WriteMode.values());
  private static final List<String> SINK_FORMATS = SpecReading.names(SinkFormat.values());

  private final SpecReading s;

  SinksReader(SpecReading s) {
    this.s = s;
  }

  /** The sinks; without a {@code sinks} key, one JSONL sink named after the spec. */
  List<SinkSpec> read(MapView r, String specName, DeadLetterSpec deadLetter) {
    if (!r.has("sinks")) {
      if (specName != null && specName.equals(deadLetter.name())) {
        r.problem("name", "the default sink would be named \"" + specName
            + "\", the dead letter's name; name the sinks or the dead letter");
      }
      return List.of(new SinkSpec(specName, SinkFormat.JSONL, 1, WriteMode.OVERWRITE));
    }
    List<SinkSpec> sinks = new ArrayList<>();
    List<Node> items = r.list("sinks", "sinks ({name, format, shards, mode} or {name, type: jdbc, table, key, ...})");
    if (items == null) {
      return sinks;
    }
    if (items.isEmpty()) {
      r.problem("sinks", "needs at least one sink (leave sinks out for the default)");
    }
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String path = SpecNodes.index("sinks", i);
      MapView m = s.nodes.map(items.get(i), path, null);
      SinkSpec sink = m == null ? null : sink(m, path, seen, deadLetter);
      if (sink != null) {
        sinks.add(sink);
      }
    }
    return sinks;
  }

  private SinkSpec sink(MapView m, String path, Map<String, String> seen, DeadLetterSpec deadLetter) {
    String type = m.has("type") ? m.oneOf("type", SINK_TYPES, "sink type") : "file";
    if (type == null) {
      Set<String> any = new LinkedHashSet<>(SINK_KEYS);
      any.addAll(JdbcSpecReader.SINK_KEYS);
      m.checkKeys(any, "");
    } else {
      m.checkKeys(type.equals("jdbc") ? JdbcSpecReader.SINK_KEYS : SINK_KEYS, "a " + type + " sink");
    }
    String name = m.requiredText("name");
    if (name != null && checkName(s, name, m.path("name"), m.line("name"))) {
      String first = seen.putIfAbsent(name, path);
      if (first != null) {
        m.problem("name", "duplicate sink name \"" + name + "\" (also " + first + ")");
      }
      if (name.equals(deadLetter.name())) {
        m.problem("name", "sink name \"" + name + "\" is the dead letter's name");
      }
    }
    if ("jdbc".equals(type)) {
      JdbcSpec jdbc = s.jdbc().sink(m);
      return name == null || jdbc == null ? null : SinkSpec.jdbc(name, jdbc);
    }
    SinkFormat format = SinkFormat.JSONL;
    if (m.has("format")) {
      format = SpecReading.enumOf(SinkFormat.class, m.oneOf("format", SINK_FORMATS, "sink format"));
    }
    Integer shards = m.boundedInt("shards", 0, 10_000, 1);
    WriteMode mode = WriteMode.OVERWRITE;
    if (m.has("mode")) {
      mode = SpecReading.enumOf(WriteMode.class, m.oneOf("mode", WRITE_MODES, "mode"));
    }
    return name == null || format == null || shards == null || mode == null ? null : new SinkSpec(name, format, shards, mode);
  }

  /** A sink or dead letter name: valid, and not reserved. */
  static boolean checkName(SpecReading s, String name, String path, int line) {
    if (!SINK_NAME.matcher(name).matches()) {
      s.problem(path, line, "invalid name \"" + name + "\": must match " + SINK_NAME.pattern());
      return false;
    }
    if (name.startsWith("_")) {
      s.problem(path, line, "invalid name \"" + name + "\": names starting with _ are reserved");
      return false;
    }
    return true;
  }
}
