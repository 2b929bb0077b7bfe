package dev.cauce.spec.load;

import dev.cauce.clean.TypedValues;
import dev.cauce.spec.FieldType;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.CleanStep;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.read.SpecNodes;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.regex.UserRegex;
import dev.cauce.spec.read.YamlTree;
import dev.cauce.spec.read.YamlTree.Entry;
import dev.cauce.spec.read.YamlTree.ListNode;
import dev.cauce.spec.read.YamlTree.MapNode;
import dev.cauce.spec.read.YamlTree.Node;
import dev.cauce.spec.read.YamlTree.ScalarNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code clean}: the steps for every field and for each, null tokens, the time zone, and each
 * field's defaults, formats and number separators, checked with the cleaner's own conversions.
 */
final class CleanReader {
  static final List<String> CLEAN_KEYS = List.of("all", "null_tokens", "timezone", "fields");
  static final List<String> FIELD_CLEANING_KEYS = List.of("steps", "default", "grouping", "decimal", "formats");
  static final List<String> REPLACE_KEYS = List.of("pattern", "with");
  private static final List<String> STEP_NAMES =
      Arrays.stream(CleanStep.Op.values()).map(CleanStep.Op::specName).toList();
  private static final Set<CleanStep.Op> SIMPLE_STEPS = Set.of(
      CleanStep.Op.TRIM, CleanStep.Op.COLLAPSE_WHITESPACE, CleanStep.Op.LOWER, CleanStep.Op.UPPER);

  private final SpecReading s;

  CleanReader(SpecReading s) {
    this.s = s;
  }

  /** The cleaning (defaults for what is not given); sets the zone later sections read values in. */
  CleanSpec read(MapView r) {
    CleanSpec d = CleanSpec.defaults();
    if (!r.has("clean")) {
      return d;
    }
    MapView c = r.map("clean", CLEAN_KEYS);
    if (c == null) {
      return d;
    }
    List<CleanStep> all = c.has("all") ? steps(c.get("all"), c.path("all")) : d.all();
    List<String> nullTokens = c.has("null_tokens") ? c.texts("null_tokens", "texts") : d.nullTokens();
    String timezone = d.timezone();
    if (c.has("timezone")) {
      timezone = c.text("timezone");
      if (timezone != null) {
        try {
          s.zone = ZoneId.of(timezone);
        } catch (DateTimeException e) {
          c.problem("timezone", "invalid time zone \"" + timezone + "\": " + YamlTree.firstLine(e.getMessage())
              + "; use a region such as Europe/Madrid, or UTC, or an offset such as +02:00");
        }
      }
    }
    Map<String, FieldCleaning> fields = new LinkedHashMap<>();
    MapView fm = c.map("fields", null);
    if (fm != null) {
      for (Entry e : fm.entries()) {
        String path = fm.path(e.key());
        s.checkField(e.key(), path, e.keyLine());
        FieldCleaning fc = fieldCleaning(e.key(), e.value(), path);
        if (fc != null) {
          fields.put(e.key(), fc);
        }
      }
    }
    if (all == null || nullTokens == null || timezone == null) {
      return d;
    }
    return new CleanSpec(all, nullTokens, fields, timezone);
  }

  private FieldCleaning fieldCleaning(String field, Node n, String path) {
    if (SpecNodes.isNull(n)) {
      return FieldCleaning.NONE;
    }
    if (n instanceof ListNode) {
      List<CleanStep> steps = steps(n, path);
      return steps == null ? null : new FieldCleaning(steps, null, List.of(), null, null);
    }
    if (!(n instanceof MapNode)) {
      s.problem(path, n.line(), "expected a list of steps, or a map with keys "
          + String.join(", ", FIELD_CLEANING_KEYS) + "; got " + n.describe());
      return null;
    }
    MapView m = s.nodes.map(n, path, FIELD_CLEANING_KEYS);
    FieldType type = s.fieldTypes.get(field);
    List<CleanStep> steps = m.has("steps") ? steps(m.get("steps"), m.path("steps")) : List.of();
    String dflt = m.text("default");
    Character grouping = m.has("grouping") ? m.oneChar("grouping") : null;
    Character decimal = m.has("decimal") ? m.oneChar("decimal") : null;
    List<String> formats = m.has("formats") ? m.texts("formats", "date formats") : List.of();

    if (type != null) {
      for (String key : List.of("grouping", "decimal")) {
        if (m.has(key) && !type.isNumeric()) {
          m.problem(key, key + " is only for numeric fields (int, long, double, decimal); " + field + " is " + type.specName());
        }
      }
      if (m.has("formats") && !type.isTemporal()) {
        m.problem("formats", "formats are only for date and timestamp fields; " + field + " is " + type.specName());
      }
    }
    for (String key : List.of("grouping", "decimal")) {
      Character ch = key.equals("grouping") ? grouping : decimal;
      if (ch != null && (Character.isDigit(ch) || ch == '-' || ch == '+')) {
        m.problem(key, "a digit or sign cannot be the " + key + " separator");
      }
    }
    if (grouping != null && grouping.charValue() == (decimal == null ? '.' : decimal.charValue())) {
      m.problem("grouping", "the grouping and decimal separators must differ (both \""
          + grouping + "\"" + (decimal == null ? ", the default decimal separator; set decimal" : "") + ")");
    }
    if (formats != null) {
      checkFormats(m, formats);
    }
    if (dflt != null && type != null && formats != null) {
      String p = TypedValues.conversionProblem(
          type, new FieldCleaning(List.of(), null, formats, grouping, decimal), s.zone, dflt);
      if (p != null) {
        m.problem("default", "default \"" + dflt + "\" " + p + " (field " + field + " is " + type.specName() + ")");
      }
    }
    if (steps == null || formats == null) {
      return null;
    }
    return new FieldCleaning(steps, dflt, formats, grouping, decimal);
  }

  private void checkFormats(MapView m, List<String> formats) {
    if (m.has("formats") && formats.isEmpty()) {
      m.problem("formats", "needs at least one format");
    }
    List<Node> items = m.has("formats") ? m.list("formats", "date formats") : List.of();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof ScalarNode n && !n.isNull()) {
        String p = TypedValues.formatProblem(n.text());
        if (p != null) {
          s.problem(SpecNodes.index(m.path("formats"), i), n.line(), p);
        }
      }
    }
  }

  private List<CleanStep> steps(Node n, String path) {
    List<Node> items = s.nodes.list(n, path, "cleaning steps");
    if (items == null) {
      return null;
    }
    List<CleanStep> steps = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      CleanStep step = step(items.get(i), SpecNodes.index(path, i));
      if (step == null) {
        ok = false;
      } else {
        steps.add(step);
      }
    }
    return ok ? steps : null;
  }

  private CleanStep step(Node n, String path) {
    if (n instanceof ScalarNode sn && !sn.isNull()) {
      CleanStep.Op op = CleanStep.Op.fromSpec(sn.text());
      if (op == null) {
        s.problem(path, n.line(), "unknown step \"" + sn.text() + "\"" + SpecNodes.allowed(sn.text(), STEP_NAMES));
        return null;
      }
      if (!SIMPLE_STEPS.contains(op)) {
        s.problem(path, n.line(), "step " + op.specName() + " needs an argument, as in " + example(op));
        return null;
      }
      return CleanStep.simple(op);
    }
    if (!(n instanceof MapNode map) || map.entries().size() != 1) {
      s.problem(path, n.line(), "a step is a name (trim, collapse_whitespace, lower, upper) or a one-key map"
          + " such as {strip: regex}; got " + (n instanceof MapNode m ? "a map with keys "
          + String.join(", ", m.entries().keySet()) : n.describe()));
      return null;
    }
    Entry e = map.entries().values().iterator().next();
    String p = SpecNodes.child(path, e.key());
    CleanStep.Op op = CleanStep.Op.fromSpec(e.key());
    if (op == null) {
      s.problem(p, e.keyLine(), "unknown step \"" + e.key() + "\"" + SpecNodes.allowed(e.key(), STEP_NAMES));
      return null;
    }
    if (SIMPLE_STEPS.contains(op)) {
      s.problem(p, e.keyLine(), "step " + op.specName() + " takes no argument: write it as a bare name");
      return null;
    }
    if (SpecNodes.isNull(e.value())) {
      s.problem(p, e.keyLine(), "step " + op.specName() + " needs an argument, as in " + example(op));
      return null;
    }
    return switch (op) {
      case STRIP, EXTRACT -> {
        String regex = s.nodes.text(e.value(), p);
        if (regex != null) {
          s.checkRegex(regex, p, e.keyLine());
        }
        yield regex == null ? null : new CleanStep(op, regex, null, List.of());
      }
      case REPLACE -> replace(s.nodes.map(e.value(), p, REPLACE_KEYS));
      case NULL_IF -> {
        List<String> tokens = s.nodes.texts(e.value(), p, "texts");
        if (tokens != null && tokens.isEmpty()) {
          s.problem(p, e.keyLine(), "needs at least one value");
        }
        yield tokens == null ? null : new CleanStep(op, null, null, tokens);
      }
      default -> throw new IllegalStateException(op.name());
    };
  }

  private CleanStep replace(MapView r) {
    if (r == null) {
      return null;
    }
    String pattern = r.requiredText("pattern");
    String with = r.has("with") ? r.text("with") : "";
    if (pattern == null || with == null) {
      return null;
    }
    String regexProblem = UserRegex.problem(pattern);
    if (regexProblem != null) {
      r.problem("pattern", regexProblem);
    } else {
      String rp = UserRegex.replacementProblem(pattern, with);
      if (rp != null) {
        r.problem("with", rp);
      }
    }
    return new CleanStep(CleanStep.Op.REPLACE, pattern, with, List.of());
  }

  private static String example(CleanStep.Op op) {
    return switch (op) {
      case STRIP -> "{strip: \"[$€£]\"}";
      case REPLACE -> "{replace: {pattern: \"^(\\\\d+)$\", with: \"$1\"}}";
      case EXTRACT -> "{extract: \"(\\\\d+)\"}";
      case NULL_IF -> "{null_if: [\"-\", \"?\"]}";
      default -> op.specName();
    };
  }
}
