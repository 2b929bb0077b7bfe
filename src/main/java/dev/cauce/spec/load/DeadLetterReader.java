package dev.cauce.spec.load;

import dev.cauce.spec.JdbcSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.spec.read.SpecNodes.MapView;
import java.util.List;

/** Reads {@code dead_letter}: its name, format and mode, and an optional table ({@link JdbcSpecReader}). */
final class DeadLetterReader {
  static final List<String> DEAD_LETTER_KEYS =
      List.of("name", "format", "mode", "table", "create", "batch_size", "retries", "breaker");
  private static final List<String> DEAD_LETTER_FORMATS = List.of("jsonl", "csv");

  private final SpecReading s;

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
    return name == null || format == null || mode == null ? d : new DeadLetterSpec(name, format, mode, table);
  }
}
