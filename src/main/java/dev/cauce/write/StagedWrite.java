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
   * runner-decided sharding. Used where Beam's FileIO still writes: Parquet with a fixed number of
   * files (Parquet files cannot be concatenated); every other sink goes through {@link #write}.
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
   * One sink written by a shared {@link BundleFiles} step: where its parts go ({@code
   * <output>/_staging/<runId>/_tmp/parts/<name>/}) and how they are written and counted ({@code
   * target}), how many files it ends as ({@code shards}, 0: one per part), the header a
   * concatenated file starts with, and the sink that writes the one file of an empty output.
   */
  record FileSink<T>(BundleFiles.Target<T> target, int shards, String header, BundleFiles.SinkFactory<T> empty,
      FinalizeParts.Joiner joiner) {}

  /**
   * A JSON Lines or CSV sink ({@code header}: the CSV header, at the top of every file; null for
   * none). With {@code shards} above 0 its parts carry no header: they are concatenated into that
   * many files, each starting with it.
   */
  static <T> FileSink<T> textSink(String name, String header, TextLineSink.LineFormat<T> format, String counter,
      String output, String runId, String extension, int shards) {
    BundleFiles.SinkFactory<T> whole = () -> new TextLineSink<>(header, format);
    BundleFiles.SinkFactory<T> parts = shards > 0 ? () -> new TextLineSink<>(null, format) : whole;
    return new FileSink<>(target(name, parts, MimeTypes.TEXT, output, runId, extension, counter), shards, header, whole, null);
  }

  /**
   * A sink of binary files that cannot be concatenated (Parquet): one file per part, or one file
   * of all parts when {@code joiner} joins them and they are small ({@link FinalizeParts#SMALL_OUTPUT_BYTES}).
   */
  static <T> FileSink<T> binarySink(String name, BundleFiles.SinkFactory<T> sinks, String counter,
      String output, String runId, String extension, FinalizeParts.Joiner joiner) {
    return new FileSink<>(target(name, sinks, MimeTypes.BINARY, output, runId, extension, counter), 0, null, sinks, joiner);
  }

  private static <T> BundleFiles.Target<T> target(String name, BundleFiles.SinkFactory<T> sinks, String mimeType,
      String output, String runId, String extension, String counter) {
    return new BundleFiles.Target<>(name, Layout.parts(output, runId, name).toString(), extension, mimeType, sinks, counter);
  }

  /**
   * Writes {@code elements} to every sink in one step (a part per bundle and sink, {@link
   * BundleFiles}), then turns each sink's listed parts into its files in {@code
   * <output>/_staging/<runId>/<name>/} ({@link FinalizeParts}): concatenated into exactly {@code
   * shards} files, or one file per part.
   */
  static <T> PDone write(PCollection<T> elements, List<FileSink<T>> sinks, String output, String runId) {
    PCollection<KV<String, String>> parts =
        elements.apply("Parts", new BundleFiles<>(sinks.stream().map(FileSink::target).toList()));
    for (FileSink<T> sink : sinks) {
      BundleFiles.Target<T> t = sink.target();
      String folder = Layout.staging(output, runId, t.name()).toString();
      BundleFiles.partsOf(parts, t.name())
          .apply(
              "Files of " + t.name(),
              sink.shards() > 0
                  ? FinalizeParts.concatenate(folder, runId, t.extension(), sink.shards(), sink.header())
                  : FinalizeParts.rename(folder, runId, t.extension(), sink.empty(), sink.joiner()));
    }
    return PDone.in(elements.getPipeline());
  }
}
