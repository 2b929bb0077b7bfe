package dev.cauce.spec.load;

import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code dedupe}: the key fields, which record to keep, the number of buckets, the dropped records' folder. */
final class DedupeReader {
  static final List<String> DEDUPE_KEYS = List.of("key", "keep", "order_by", "buckets", "dropped");
  static final int MAX_BUCKETS = 4096;
  private static final List<String> KEEPS = SpecReading.names(DedupeSpec.Keep.values());

  private final SpecReading s;
  /** The {@code dedupe} map when it sets {@code dropped}, for {@link #checkDroppedName}. */
  private MapView droppedAt;

  DedupeReader(SpecReading s) {
    this.s = s;
  }

  /** The dedupe settings, or null when there are none (or after problems). */
  DedupeSpec read(MapView r) {
    if (!r.has("dedupe")) {
      return null;
    }
    MapView d = r.map("dedupe", DEDUPE_KEYS);
    if (d == null) {
      return null;
    }
    List<String> key = d.require("key") ? key(d) : null;
    DedupeSpec.Keep keep = DedupeSpec.Keep.FIRST;
    if (d.has("keep")) {
      keep = SpecReading.enumOf(DedupeSpec.Keep.class, d.oneOf("keep", KEEPS, "keep"));
    }
    String orderBy = d.text("order_by");
    if (keep == DedupeSpec.Keep.LATEST && !d.has("order_by")) {
      s.problem(d.path("order_by"), d.line(), "missing required key \"order_by\" (required with keep: latest)");
    }
    if (keep == DedupeSpec.Keep.FIRST && d.has("order_by")) {
      d.problem("order_by", "order_by is only used with keep: latest");
    }
    if (orderBy != null) {
      s.checkField(orderBy, d.path("order_by"), d.line("order_by"));
    }
    Integer buckets = d.boundedInt("buckets", 1, MAX_BUCKETS, 16);
    String dropped = d.text("dropped");
    if (dropped != null && !SinksReader.checkName(s, dropped, d.path("dropped"), d.line("dropped"))) {
      return null;
    }
    if (key == null || keep == null || buckets == null) {
      return null;
    }
    droppedAt = dropped == null ? null : d;
    return new DedupeSpec(key, keep, orderBy, buckets, dropped);
  }

  /** {@code dedupe.dropped} names a folder of its own: not a sink's, not the dead letter's. */
  void checkDroppedName(DedupeSpec dedupe, List<SinkSpec> sinks, DeadLetterSpec deadLetter) {
    if (droppedAt == null) {
      return;
    }
    String name = dedupe.dropped();
    if (name.equals(deadLetter.name())) {
      droppedAt.problem("dropped", "\"" + name + "\" is the dead letter's name; the dropped records need a folder of their own");
    } else if (sinks.stream().anyMatch(k -> k.name().equals(name))) {
      droppedAt.problem("dropped", "\"" + name + "\" is a sink's name; the dropped records need a folder of their own");
    }
  }

  private List<String> key(MapView d) {
    List<String> key = d.texts("key", "schema fields");
    List<Node> items = key == null ? List.of() : ((ListNode) d.get("key")).items();
    if (key != null && key.isEmpty()) {
      d.problem("key", "needs at least one field");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof ScalarNode n && !n.isNull()) {
        String p = SpecNodes.index(d.path("key"), i);
        s.checkField(n.text(), p, n.line());
        Integer first = seen.putIfAbsent(n.text(), i);
        if (first != null) {
          s.problem(p, n.line(), "\"" + n.text() + "\" is repeated (also " + SpecNodes.index(d.path("key"), first) + ")");
        }
      }
    }
    return key;
  }
}
