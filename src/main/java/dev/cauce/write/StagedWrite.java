package dev.cauce.write;

import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/** The FileIO settings every staged write shares: folder, file names, shards, temporary folder. */
final class StagedWrite {
  private StagedWrite() {}

  /**
   * Points {@code write} at {@code folder} (under {@code <output>/_staging/<runId>/}), names its files {@code
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
      FileIO.Write<Void, T> write, String folder, String output, String runId, String extension, int shards) {
    FileIO.Write<Void, T> w =
        write
            .to(folder)
            .withNaming(new ShardNaming(runId, extension))
            .withTempDirectory(Layout.tempDir(output, runId).toString())
            .withIgnoreWindowing();
    return shards > 0 ? w.withNumShards(shards) : w;
  }

  /**
   * Writes text lines (JSON Lines or CSV, {@code header} at the top of every file when not null)
   * into {@code <output>/_staging/<runId>/<name>/}: with {@code shards} above 0 as parts the runner
   * shards, concatenated into exactly that many files ({@link MergeTextShards}); else as the
   * runner shards them.
   */
  static <T> PDone text(PCollection<T> lines, String header, TextLineSink.LineFormat<T> format,
      String output, String runId, String name, String extension, int shards) {
    String folder = Layout.staging(output, runId, name).toString();
    if (shards <= 0) {
      lines.apply("Files", toStaging(FileIO.<T>write().via(new TextLineSink<>(header, format)), folder, output, runId, extension, 0));
      return PDone.in(lines.getPipeline());
    }
    lines
        .apply("Parts",
            toStaging(FileIO.<T>write().via(new TextLineSink<>(null, format)),
                Layout.parts(output, runId, name).toString(), output, runId, extension, 0))
        .getPerDestinationOutputFilenames()
        .apply("Part files", Values.create())
        .apply("Merge into " + shards + " file(s)", new MergeTextShards(folder, runId, extension, shards, header));
    return PDone.in(lines.getPipeline());
  }
}
