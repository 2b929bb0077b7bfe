package dev.cauce.spec;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The folder that a spec's relative paths ({@code source.path}, {@code output}) and the default local
 * state store are resolved against, so that a run reads and writes the same files from any working
 * directory: {@code --baseDir} when given; else, for a spec in a folder named {@code pipelines}, that
 * folder's parent (the repository, for {@code pipelines/orders.yaml}); else the spec's own folder.
 *
 * @param dir an absolute, normalized folder
 */
public record ProjectRoot(Path dir) {
  /** The folder of specs whose parent is the project root. */
  public static final String PIPELINES = "pipelines";
  private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  public ProjectRoot {
    dir = dir.toAbsolutePath().normalize();
  }

  /** The project of {@code specFile}, or {@code baseDir} (relative to the working directory) when not null. */
  public static ProjectRoot of(Path specFile, String baseDir) {
    if (baseDir != null && !baseDir.isBlank()) {
      return new ProjectRoot(Path.of(baseDir));
    }
    Path folder = specFile.toAbsolutePath().normalize().getParent();
    boolean inPipelines = folder.getFileName() != null && folder.getFileName().toString().equals(PIPELINES) && folder.getParent() != null;
    return new ProjectRoot(inPipelines ? folder.getParent() : folder);
  }

  /** The working directory, against which command-line paths ({@code --input}, {@code --output}, ...) resolve. */
  public static ProjectRoot workingDirectory() {
    return new ProjectRoot(Path.of(""));
  }

  /** A local path made absolute against this folder; absolute paths stay, URIs (gs://b/x) and null are returned unchanged. */
  public String resolve(String path) {
    if (path == null || isUri(path)) {
      return path;
    }
    return dir.resolve(path).normalize().toString();
  }

  /** Whether {@code path} is a URI such as {@code gs://bucket/x} or {@code redis://host}, not a local path. */
  public static boolean isUri(String path) {
    return URI.matcher(path).matches();
  }
}
