package dev.cauce.model;

import org.apache.beam.sdk.values.Row;

/** A record in flight: its current {@link Row} and the {@link SourceRecord} it came from. */
public record CauceRecord(SourceRecord origin, Row row) {
  /**
   * This record with its origin's location (source and line) but not its text or CSV header: what a
   * record keeps once no later stage can reject it (dedupe orders by location, jdbc sinks key by
   * it), so the steps after validation do not carry, encode and sort the input text again.
   */
  public CauceRecord locatedOnly() {
    return origin.text().isEmpty() && origin.header() == null
        ? this
        : new CauceRecord(new SourceRecord(origin.source(), origin.line(), "", null), row);
  }
}
