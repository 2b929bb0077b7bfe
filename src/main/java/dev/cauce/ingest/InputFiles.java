package dev.cauce.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Lists the files a source pattern names, through Beam's {@link FileSystems} (so every registered
 * scheme works: local paths, {@code file://}, and {@code gs://} once {@link
 * FileSystems#setDefaultPipelineOptions} has registered it). Used by the driver to fail fast before
 * building a pipeline.
 */
public final class InputFiles {
  private InputFiles() {}

  /** One matched file. */
  public record InputFile(String path, long sizeBytes, long lastModifiedMillis) implements java.io.Serializable {}

  /**
   * The files matching {@code pattern} (a file, a glob, or a URL glob), sorted by path.
   *
   * @throws NoInputException if nothing matches, if the pattern names a directory, or if the
   *     pattern cannot be matched at all (bad scheme, I/O error)
   */
  public static List<InputFile> match(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new NoInputException(
          pattern, "no input path given: set source.path in the pipeline spec or pass --input");
    }
    MatchResult result;
    try {
      result = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
    } catch (IOException | IllegalArgumentException e) {
      throw new NoInputException(
          pattern, "cannot list input files \"" + pattern + "\": " + e.getMessage()
              + "; check the path (source.path in the spec, or --input)", e);
    }
    List<MatchResult.Metadata> found;
    try {
      found = result.status() == MatchResult.Status.NOT_FOUND ? List.of() : result.metadata();
    } catch (IOException e) {
      throw new NoInputException(
          pattern, "cannot list input files \"" + pattern + "\": " + e.getMessage()
              + "; check the path (source.path in the spec, or --input)", e);
    }
    List<InputFile> files = new ArrayList<>();
    for (MatchResult.Metadata m : found) {
      if (m.resourceId().isDirectory()) {
        throw new NoInputException(
            pattern, "input path \"" + pattern + "\" is a directory; name its files with a glob, e.g. "
                + globExample(m.resourceId().toString()));
      }
      files.add(new InputFile(m.resourceId().toString(), m.sizeBytes(), m.lastModifiedMillis()));
    }
    if (files.isEmpty() && isFolder(pattern)) {
      throw new NoInputException(
          pattern, "input path \"" + pattern + "\" is a directory; name its files with a glob, e.g. "
              + globExample(pattern));
    }
    if (files.isEmpty()) {
      throw new NoInputException(
          pattern, "no input files match \"" + pattern
              + "\"; check the path (source.path in the spec, or --input) and that the files exist");
    }
    files.sort(Comparator.comparing(InputFile::path));
    return List.copyOf(files);
  }

  /**
   * Whether a pattern that matched nothing names a folder: an object store such as GCS has no
   * directories, only names sharing a prefix, so {@code gs://b/in} and {@code gs://b/in/} match no
   * object even when {@code gs://b/in/a.jsonl} exists (a local directory is matched, and caught
   * above). Only asked for a pattern without wildcards; it lists the folder as its glob would.
   */
  private static boolean isFolder(String pattern) {
    if (pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
      return false;
    }
    String folder = pattern.endsWith("/") ? pattern : pattern + "/";
    try {
      MatchResult m = FileSystems.match(folder + "**", EmptyMatchTreatment.ALLOW);
      return m.status() == MatchResult.Status.OK && !m.metadata().isEmpty();
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String globExample(String dir) {
    String d = dir.endsWith("/") ? dir : dir + "/";
    return d + "*.jsonl or " + d + "*.csv";
  }
}
