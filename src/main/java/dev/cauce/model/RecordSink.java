package dev.cauce.model;

/**
 * Receives what a source finds (a file's {@code RecordReader}, an API's pager): each record exactly
 * once, good or bad. Conservation starts here: every call is one record read.
 */
public interface RecordSink {
  void record(SourceRecord r);

  void reject(SourceRecord origin, Violation v);

  /** File sources: the physical lines spanned by a record or rejection, told once for each. */
  default void linesInRecord(long lines) {}

  /** File sources: physical lines that hold no record, with why ({@code blank}, {@code header}). */
  default void linesSkipped(String reason, long lines) {}
}
