package dev.cauce.reference;

import dev.cauce.spec.ReferenceSpec;
import java.util.List;
import java.util.Map;

/**
 * A reference as read for one run: its spec (with its header, {@link ReferenceSpec#columns}), its
 * rows by key (first row of each key, in read order), how many rows were read, how many of them
 * repeated a key (dropped: the first row of a key wins), and how many bytes were read.
 */
public record ReferenceTable(ReferenceSpec spec, Map<String, List<String>> rows, long rowsRead, long duplicateKeys, long bytes) {

  /** One line for a dry run and the log: {@code zips: 10 rows, 10 keys, 0 duplicate keys (pipelines/data/zips.csv, 312 bytes)}. */
  public String describe() {
    return spec.name() + ": " + rowsRead + " rows, " + rows.size() + " keys, " + duplicateKeys + " duplicate key(s) dropped ("
        + spec.source() + ", " + bytes + " bytes)";
  }
}
