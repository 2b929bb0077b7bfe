package dev.cauce.model;

import java.io.Serializable;

/**
 * One record as read from its source, before parsing: where it came from and its text. It travels
 * with the record through every stage (see {@link CauceRecord}), so any rejection can show and
 * replay the original input.
 *
 * @param source the file path (or URL) the record was read from
 * @param line the 1-based line on which the record starts (for CSV records spanning lines, the first)
 * @param text the record's text without its line terminator
 * @param header for CSV sources, the header line of the file (so a dead letter can be replayed); else null
 */
public record SourceRecord(String source, long line, String text, String header) implements Serializable {
  public static SourceRecord of(String source, long line, String text) {
    return new SourceRecord(source, line, text, null);
  }
}
