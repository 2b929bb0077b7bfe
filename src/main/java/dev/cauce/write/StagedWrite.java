package dev.cauce.write;

import org.apache.beam.sdk.io.FileIO;
import java.util.List;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
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
   * One file sink's part of a {@link BundleFiles} step: its parts go to {@code
   * <output>/_staging/<runId>/_tmp/parts/<name>/}, counted in {@code counter}. With {@code
   * concatenated} (text with a fixed number of files) the parts carry no header: {@link #finish}
   * adds it to each file.
   */
  static <T> BundleFiles.Target<T> target(String name, BundleFiles.SinkFactory<T> sinks, String mimeType,
      String output, String runId, String extension, String counter) {
    return new BundleFiles.Target<>(name, Layout.parts(output, runId, name).toString(), extension, mimeType, sinks, counter);
  }

  /**
   * Turns a target's listed parts into its files in {@code <output>/_staging/<runId>/<name>/}:
   * concatenated into exactly {@code shards} files when it is above 0 (text only, {@code header}
   * at the top of each), else one file per part ({@code empty} writes the file of an empty
   * output).
   */
  static <T> void finish(PCollection<KV<String, String>> parts, BundleFiles.Target<T> target, int shards, String header,
      BundleFiles.SinkFactory<T> empty, String output, String runId) {
    String folder = Layout.staging(output, runId, target.name()).toString();
    BundleFiles.partsOf(parts, target.name())
        .apply(
            "Files of " + target.name(),
            shards > 0
                ? FinalizeParts.concatenate(folder, runId, target.extension(), shards, header)
                : FinalizeParts.rename(folder, runId, target.extension(), empty));
  }

  /**
   * Writes text lines (JSON Lines or CSV, {@code header} at the top of every file when not null)
   * into {@code <output>/_staging/<runId>/<name>/}, each line counted in {@code counter}: a part
   * per bundle, then concatenated into exactly {@code shards} files when it is above 0, else one
   * file per part.
   */
  static <T> PDone text(PCollection<T> lines, String header, TextLineSink.LineFormat<T> format, String counter,
      String output, String runId, String name, String extension, int shards) {
    BundleFiles.SinkFactory<T> withHeader = () -> new TextLineSink<>(header, format);
    BundleFiles.SinkFactory<T> sinks = shards > 0 ? () -> new TextLineSink<>(null, format) : withHeader;
    BundleFiles.Target<T> target = target(name, sinks, MimeTypes.TEXT, output, runId, extension, counter);
    finish(lines.apply("Parts", new BundleFiles<>(List.of(target))), target, shards, header, withHeader, output, runId);
    return PDone.in(lines.getPipeline());
  }
}
