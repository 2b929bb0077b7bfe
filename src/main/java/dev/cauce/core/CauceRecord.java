package dev.cauce.core;

import org.apache.beam.sdk.values.Row;

/** A record in flight: its current {@link Row} and the {@link SourceRecord} it came from. */
public record CauceRecord(SourceRecord origin, Row row) {}
