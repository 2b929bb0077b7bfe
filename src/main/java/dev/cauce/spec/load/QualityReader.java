package dev.cauce.spec.load;

import static dev.cauce.spec.load.RulesReader.REQUIRED_SUFFIX;

import dev.cauce.model.Reasons;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleLimit;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.YamlTree.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code quality}: the gate's ratios and counts, and limits keyed by reason codes. */
final class QualityReader {
  static final List<String> QUALITY_KEYS = List.of("max_rejected_ratio", "min_records", "limits", "allow_empty");
  static final List<String> LIMIT_KEYS = List.of("max_ratio", "max_count");

  private final SpecReading s;

  QualityReader(SpecReading s) {
    this.s = s;
  }

  /** The gate; its limit keys are checked against the rule names read before. */
  QualitySpec read(MapView r) {
    if (!r.has("quality")) {
      return QualitySpec.NONE;
    }
    MapView q = r.map("quality", QUALITY_KEYS);
    if (q == null) {
      return QualitySpec.NONE;
    }
    Double maxRejected = q.ratio("max_rejected_ratio");
    Long minRecords = q.nonNegative("min_records");
    Map<String, RuleLimit> limits = new LinkedHashMap<>();
    MapView lm = q.map("limits", null);
    if (lm != null) {
      for (Entry e : lm.entries()) {
        String path = lm.path(e.key());
        checkLimitKey(e.key(), path, e.keyLine());
        if (SpecNodes.isNull(e.value())) {
          s.problem(path, e.keyLine(), "a limit needs max_ratio, max_count or both");
          continue;
        }
        MapView l = s.nodes.map(e.value(), path, LIMIT_KEYS);
        if (l == null) {
          continue;
        }
        if (!l.has("max_ratio") && !l.has("max_count")) {
          s.problem(path, e.keyLine(), "a limit needs max_ratio, max_count or both");
        }
        limits.put(e.key(), new RuleLimit(l.ratio("max_ratio"), l.nonNegative("max_count")));
      }
    }
    return new QualitySpec(maxRejected, minRecords, limits, Boolean.TRUE.equals(q.bool("allow_empty")));
  }

  private void checkLimitKey(String key, String path, int line) {
    if (s.ruleNames.contains(key) || Reasons.all().contains(key)) {
      return;
    }
    if (key.endsWith(REQUIRED_SUFFIX)) {
      String field = key.substring(0, key.length() - REQUIRED_SUFFIX.length());
      if (s.requiredFields.contains(field)) {
        return;
      }
      if (s.fieldTypes.containsKey(field)) {
        s.problem(path, line, "\"" + key + "\": field " + field + " is not required, so this reason never occurs");
        return;
      }
    }
    List<String> reqReasons = s.requiredFields.stream().map(f -> f + REQUIRED_SUFFIX).toList();
    List<String> all = new ArrayList<>(s.ruleNames);
    all.addAll(reqReasons);
    all.addAll(Reasons.all());
    String hint = SpecNodes.closest(key, all);
    s.problem(path, line, "\"" + key + "\" is not a reason code; allowed: rule names ("
        + (s.ruleNames.isEmpty() ? "none" : String.join(", ", s.ruleNames)) + "), required fields' reasons ("
        + (reqReasons.isEmpty() ? "none" : String.join(", ", reqReasons)) + "), stage reasons ("
        + String.join(", ", Reasons.all()) + ")" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)"));
  }
}
