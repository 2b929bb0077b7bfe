package dev.cauce.write;

import java.io.IOException;
import java.util.Optional;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Reads and replaces an output folder's {@link Commit} record as one compare-and-swap: {@link
 * #replace} succeeds only while the live record is still the one {@link #read} returned, so of two
 * writers that read the same commit only one can replace it.
 */
interface CommitStore {
  /** The live commit (empty when none) and the version a {@link #replace} compares against. */
  record Snapshot(Optional<Commit> commit, long version) {
    static final Snapshot NONE = new Snapshot(Optional.empty(), 0);

    long sequence() {
      return commit.map(Commit::sequence).orElse(0L);
    }
  }

  Snapshot read() throws IOException;

  /**
   * Makes {@code next} the live commit in one atomic step if the live commit is still {@code
   * expected}; otherwise throws {@link CommitRefusedException} ({@code CONCURRENT}) and changes nothing.
   */
  void replace(Snapshot expected, Commit next) throws IOException;

  /**
   * The store for an output folder: a local folder (file lock, temporary file, fsync, atomic
   * rename); {@code gs://} with {@code options} (a write with a generation-match precondition); any
   * other case through Beam's FileSystems (a re-read and compare before and after the write).
   */
  static CommitStore of(String output, PipelineOptions options) {
    ResourceId file = Layout.commit(output);
    if ("file".equals(file.getScheme())) {
      return new LocalCommitStore(file);
    }
    if ("gs".equals(file.getScheme()) && options != null) {
      return new GcsCommitStore(file, options);
    }
    return new FileSystemsCommitStore(file);
  }

  /** Parses a commit record read from {@code where}. */
  static Commit parse(ResourceId where, String json) throws IOException {
    try {
      return Commit.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
  }

  static CommitRefusedException concurrent(ResourceId file, Snapshot expected, Snapshot now) {
    return new CommitRefusedException(CommitRefusedException.Reason.CONCURRENT,
        "another publish committed to " + file + " first (sequence " + now.sequence() + ", run "
            + now.commit().map(Commit::runId).orElse("none") + "; this publish started from sequence "
            + expected.sequence() + "): nothing of this run was committed");
  }
}
