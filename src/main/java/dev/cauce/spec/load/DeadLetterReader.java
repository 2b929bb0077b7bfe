package dev.cauce.spec.load;

import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.spec.read.SpecNodes.MapView;
import java.util.List;

/**
 * Reads {@code dead_letter}: its name, format and mode, an optional table ({@link JdbcSpecReader}), and
 * {@code warned}, the folder of the records kept with warnings.
 */
final class DeadLetterReader {
  static final List<String> DEAD_LETTER_KEYS =
      List.of("name", "format", "mode", "table", "create", "batch_size", "retries", "breaker", "warned");
  private static final List<String> DEAD_LETTER_FORMATS = List.of("jsonl", "csv");

  private final SpecReading s;
  /** The {@code dead_letter} map when it sets {@code warned}, for {@link #checkWarnedName}. */
  private MapView warnedAt;

  DeadLetterReader(SpecReading s) {
    this.s = s;
  }

  DeadLetterSpec read(MapView r) {
    DeadLetterSpec d = DeadLetterSpec.DEFAULT;
    if (!r.has("dead_letter")) {
      return d;
    }
    MapView m = r.map("dead_letter", DEAD_LETTER_KEYS);
    if (m == null) {
      return d;
    }
    String name = m.has("name") ? m.text("name") : d.name();
    if (name != null && m.has("name")) {
      SinksReader.checkName(s, name, m.path("name"), m.line("name"));
    }
    SinkFormat format = d.format();
    if (m.has("format")) {
      format = SpecReading.enumOf(SinkFormat.class, m.oneOf("format", DEAD_LETTER_FORMATS, "dead letter format"));
    }
    WriteMode mode = d.mode();
    if (m.has("mode")) {
      mode = SpecReading.enumOf(WriteMode.class, m.oneOf("mode", SinksReader.WRITE_MODES, "mode"));
    }
    JdbcSpec table = s.jdbc().deadLetter(m);
    String warned = m.text("warned");
    if (warned != null && SinksReader.checkName(s, warned, m.path("warned"), m.line("warned"))) {
      if (warned.equals(name)) {
        m.problem("warned", "\"" + warned + "\" is the dead letter's name; the warned records need a folder of their own");
      }
      warnedAt = m;
    }
    return name == null || format == null || mode == null ? d : new DeadLetterSpec(name, format, mode, table, warned);
  }

  /** {@code dead_letter.warned} names a folder of its own: not a sink's, not the dropped duplicates'. */
  void checkWarnedName(DeadLetterSpec deadLetter, List<SinkSpec> sinks, DedupeSpec dedupe) {
    if (warnedAt == null) {
      return;
    }
    String w = deadLetter.warned();
    if (sinks.stream().anyMatch(k -> k.name().equals(w))) {
      warnedAt.problem("warned", "\"" + w + "\" is a sink's name; the warned records need a folder of their own");
    } else if (dedupe != null && w.equals(dedupe.dropped())) {
      warnedAt.problem("warned", "\"" + w + "\" is also dedupe.dropped; the warned records need a folder of their own");
    }
  }
}
