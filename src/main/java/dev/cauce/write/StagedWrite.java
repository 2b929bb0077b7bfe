package dev.cauce.write;

import org.apache.beam.sdk.io.FileIO;

/** The FileIO settings every staged write shares: folder, file names, shards, temporary folder. */
final class StagedWrite {
  private StagedWrite() {}

  /**
   * Points {@code write} at {@code <output>/_staging/<runId>/<name>/}, names its files {@code
   * <runId>-SSSSS-of-NNNNN<extension>}, fixes {@code shards} when above 0 and keeps Beam's
   * temporary files in {@code <output>/_staging/<runId>/_tmp/}.
   *
   * <p>It also sets {@code withIgnoreWindowing()} (deprecated in Beam, still supported in 2.62):
   * FileIO otherwise makes windowed writes, which create no file for a shard that received no
   * element and no file at all for an empty input. Unwindowed writes (cauce writes bounded,
   * globally windowed data) finalize every shard: {@code shards} files always, empty ones holding
   * just the sink's header (CSV) or footer (Parquet), and one empty file for an empty input with
   * runner-decided sharding.
   */
  @SuppressWarnings("deprecation")
  static <T> FileIO.Write<Void, T> toStaging(
      FileIO.Write<Void, T> write, String output, String runId, String name, String extension, int shards) {
    FileIO.Write<Void, T> w =
        write
            .to(Layout.staging(output, runId, name).toString())
            .withNaming(new ShardNaming(runId, extension))
            .withTempDirectory(Layout.tempDir(output, runId).toString())
            .withIgnoreWindowing();
    return shards > 0 ? w.withNumShards(shards) : w;
  }
}
