package dev.cauce.state;

import java.time.Instant;

/**
 * An input file recorded as ingested: its path, size and modification time when it was read, the
 * run that published its records, and when. A file whose size or modification time has changed
 * since is new again.
 */
public record LedgerEntry(String path, long sizeBytes, long lastModifiedMillis, String runId, Instant ingestedAt) {

  /** Whether a file listed now with this size and time is the one recorded. */
  public boolean sameFile(long size, long lastModified) {
    return sizeBytes == size && lastModifiedMillis == lastModified;
  }
}
