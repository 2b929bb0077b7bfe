package dev.cauce.write;

import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.util.MimeTypes;
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
   * into {@code <output>/_staging/<runId>/<name>/}: each bundle's lines into a part ({@link
   * BundleFiles}), then the parts concatenated into exactly {@code shards} files when it is above
   * 0, else each part renamed into a file ({@link FinalizeParts}).
   */
  static <T> PDone text(PCollection<T> lines, String header, TextLineSink.LineFormat<T> format,
      String output, String runId, String name, String extension, int shards) {
    String folder = Layout.staging(output, runId, name).toString();
    String parts = Layout.parts(output, runId, name).toString();
    if (shards > 0) {
      lines
          .apply("Parts", new BundleFiles<T>(parts, extension, MimeTypes.TEXT, () -> new TextLineSink<>(null, format)))
          .apply("Merge into " + shards + " file(s)", FinalizeParts.concatenate(folder, runId, extension, shards, header));
    } else {
      BundleFiles.SinkFactory<T> sinks = () -> new TextLineSink<>(header, format);
      lines
          .apply("Parts", new BundleFiles<>(parts, extension, MimeTypes.TEXT, sinks))
          .apply("Name files", FinalizeParts.rename(folder, runId, extension, sinks));
    }
    return PDone.in(lines.getPipeline());
  }

  /** Writes elements through {@code sinks}, one file per bundle, as many files as the runner makes ({@code shards: 0}). */
  static <T> PDone bundled(PCollection<T> elements, BundleFiles.SinkFactory<T> sinks, String mimeType,
      String output, String runId, String name, String extension) {
    elements
        .apply("Parts", new BundleFiles<>(Layout.parts(output, runId, name).toString(), extension, mimeType, sinks))
        .apply("Name files", FinalizeParts.rename(Layout.staging(output, runId, name).toString(), runId, extension, sinks));
    return PDone.in(elements.getPipeline());
  }
}
