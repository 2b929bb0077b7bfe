package dev.cauce.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Lists the files a source pattern names, through Beam's {@link FileSystems} (so every registered
 * scheme works: local paths, {@code file://}, and {@code gs://} once {@link
 * FileSystems#setDefaultPipelineOptions} has registered it). Used by the driver to fail fast before
 * building a pipeline, and to pin the inputs: what {@link #match} found is what the run must read,
 * and {@link #change}/{@link #changes} say whether a file still is as it was then.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * One matched file, as pinned when the run was planned: its size, modification time and, where the
   * file system gives one, its checksum (on {@code gs://} the object's MD5, base64, as Beam's GCS
   * match reports it; null for local files and for GCS composite objects, which have none).
   */
  public record InputFile(String path, long sizeBytes, long lastModifiedMillis, String checksum) implements Serializable {
    public InputFile(String path, long sizeBytes, long lastModifiedMillis) {
      this(path, sizeBytes, lastModifiedMillis, null);
    }

    /** What a compressed file ({@code .gz}, {@code .bz2}, by extension) is taken to expand by: text such as JSON Lines or CSV. */
    static final int COMPRESSED_RATIO = 8;

    /** The bytes of records the file holds: its size, or for a compressed file an estimate ({@value #COMPRESSED_RATIO} x). */
    public long recordBytes() {
      boolean compressed = org.apache.beam.sdk.io.Compression.detect(path) != org.apache.beam.sdk.io.Compression.UNCOMPRESSED;
      return compressed ? sizeBytes * COMPRESSED_RATIO : sizeBytes;
    }

    static InputFile of(MatchResult.Metadata m) {
      return new InputFile(m.resourceId().toString(), m.sizeBytes(), m.lastModifiedMillis(), m.checksum());
    }

    /** How {@code now} differs from this pinned state (e.g. {@code size 1234 -> 99 bytes}); empty for the same file. */
    List<String> differences(InputFile now) {
      List<String> d = new ArrayList<>();
      if (now.sizeBytes != sizeBytes) {
        d.add("size " + sizeBytes + " -> " + now.sizeBytes + " bytes");
      }
      if (now.lastModifiedMillis != lastModifiedMillis) {
        d.add("modified " + Instant.ofEpochMilli(lastModifiedMillis) + " -> " + Instant.ofEpochMilli(now.lastModifiedMillis));
      }
      if (checksum != null && !Objects.equals(checksum, now.checksum)) {
        d.add("MD5 " + checksum + " -> " + (now.checksum == null ? "none" : now.checksum));
      }
      return d;
    }
  }

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
      files.add(InputFile.of(m));
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
   * What is wrong with each pinned input now, in the order given: empty when every file still has the
   * size, modification time (and checksum) it had when the run was planned. The driver's last check
   * before it commits, so a file rewritten after it was read fails the run too.
   */
  public static List<String> changes(List<InputFile> pinned) {
    List<String> problems = new ArrayList<>();
    for (InputFile f : pinned) {
      change(f).ifPresent(problems::add);
    }
    return problems;
  }

  /**
   * What is wrong with one pinned input now, if anything: {@code input P disappeared during the run
   * (...)}, {@code input P changed during the run: size A -> B bytes (pinned when the run was
   * planned)}, or {@code input P could not be checked during the run: ...}.
   */
  public static Optional<String> change(InputFile pinned) {
    Optional<InputFile> now;
    try {
      now = current(pinned.path());
    } catch (IOException | RuntimeException e) {
      return Optional.of(uncheckable(pinned.path(), e));
    }
    if (now.isEmpty()) {
      return Optional.of("input " + pinned.path() + " disappeared during the run (pinned when the run was planned: "
          + pinned.sizeBytes() + " bytes, modified " + Instant.ofEpochMilli(pinned.lastModifiedMillis()) + ")");
    }
    List<String> d = pinned.differences(now.get());
    return d.isEmpty()
        ? Optional.empty()
        : Optional.of("input " + pinned.path() + " changed during the run: " + String.join(", ", d)
            + " (pinned when the run was planned)");
  }

  /**
   * The file at {@code path} as it is now, empty when it does not exist. A local file is asked
   * directly (its name is not a pattern); any other scheme through a match of the path, or of its
   * prefix when the name holds glob characters (GCS object names may), keeping the exact name only.
   */
  static Optional<InputFile> current(String path) throws IOException {
    if ("file".equals(FileSystems.matchNewResource(path, false).getScheme())) {
      Path p = path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return Optional.of(new InputFile(path, a.size(), a.lastModifiedTime().toMillis()));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }
    int wildcard = firstWildcard(path);
    MatchResult r = FileSystems.match(wildcard < 0 ? path : path.substring(0, wildcard) + "**", EmptyMatchTreatment.ALLOW);
    if (r.status() == MatchResult.Status.NOT_FOUND) {
      return Optional.empty();
    }
    for (MatchResult.Metadata m : r.metadata()) {
      if (m.resourceId().toString().equals(path)) {
        return Optional.of(InputFile.of(m));
      }
    }
    return Optional.empty();
  }

  private static int firstWildcard(String path) {
    int scheme = path.indexOf("://");
    for (int i = scheme < 0 ? 0 : scheme + 3; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        return i;
      }
    }
    return -1;
  }

  static String uncheckable(String path, Exception e) {
    return "input " + path + " could not be checked during the run: " + describe(e);
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
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
