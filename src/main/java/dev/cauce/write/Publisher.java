package dev.cauce.write;

import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an accepted run: moves its staged files ({@code <output>/_staging/<runId>/<name>/},
 * written by {@link WriteSink} and {@link WriteDeadLetter}) into {@code <output>/<name>/} and
 * records them in that folder's {@link Manifest}. Plain Java over Beam's {@link FileSystems}, so
 * local folders and {@code gs://} work alike. The driver calls it after the job succeeded and the
 * quality gate passed; a failed or refused run is never published, and its staging folder is left
 * as it is for debugging.
 *
 * <p>Order of operations, chosen so that a crash at any point leaves every manifest consistent with
 * the files it lists (readers go by the manifest only, see {@link #publishedFiles}):
 *
 * <ol>
 *   <li>Every target's staged files are listed, and its current manifest read, first; if any
 *       target has no staged file (or an unreadable manifest), publishing fails before anything
 *       is moved, and all published folders are left unchanged.
 *   <li>For each target in turn: (a) the staged files are renamed into {@code <output>/<name>/}
 *       (where the filesystem has no atomic rename, Beam copies then deletes); they are named
 *       after the run, so they replace no published file, and the old manifest does not list them;
 *       (b) the new manifest is written to {@code _MANIFEST.json.tmp-<runId>} and renamed over
 *       {@code _MANIFEST.json}: only now, with all its files in place, do readers see the run. In
 *       overwrite mode it lists this run's files; in append mode the previous manifest's files
 *       followed by this run's; (c) in overwrite mode, the data files of the folder that the new
 *       manifest does not list are deleted (the old run's, and any left by an interrupted publish).
 *   <li>The run's staging folder {@code <output>/_staging/<runId>/} is deleted.
 * </ol>
 *
 * A crash during 2(a) or before 2(b) leaves the old manifest in force and this run's moved files
 * unlisted (an overwrite publish deletes them later; in append mode they stay unlisted); a crash
 * after 2(b) leaves the new manifest in force with extra unlisted files at worst. Targets are
 * published one after another, not atomically together. Concurrent publishes to the same folders
 * are not supported.
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final String LOCAL_SCHEME = "file";

  /** A folder to publish: a sink's or the dead letter's name and its write mode. */
  public record Target(String name, WriteMode mode) {
    public Target {
      Objects.requireNonNull(mode, "mode");
      if (name == null || !Layout.isDataFile(name) || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException("invalid target folder name \"" + name + "\"");
      }
    }
  }

  /** What publishing did to one folder. */
  public record Published(
      String name, WriteMode mode, String dir, List<String> files, List<String> added, List<String> removed) {}

  /** The outcome of a publish: the run, its time (as in the manifests), and each target's result. */
  public record PublishResult(String runId, Instant publishedAt, List<Published> targets) {}

  private final Clock clock;

  public Publisher() {
    this(Clock.systemUTC());
  }

  /** {@code clock} gives the manifests' {@code published_at} (truncated to milliseconds). */
  public Publisher(Clock clock) {
    this.clock = clock;
  }

  /** The spec's file targets: its file sinks in order, then its dead letter (jdbc sinks: see write.jdbc.JdbcPublisher). */
  public static List<Target> targets(PipelineSpec spec) {
    List<Target> targets = new ArrayList<>();
    for (SinkSpec s : spec.sinks()) {
      if (!s.isJdbc()) {
        targets.add(new Target(s.name(), s.mode()));
      }
    }
    DeadLetterSpec dl = spec.deadLetter() == null ? DeadLetterSpec.DEFAULT : spec.deadLetter();
    targets.add(new Target(dl.name(), dl.mode()));
    return targets;
  }

  /** Publishes all of the spec's sinks and its dead letter under the spec's output folder. */
  public PublishResult publish(PipelineSpec spec, String runId) throws IOException {
    return publish(spec.output(), runId, targets(spec));
  }

  /**
   * Publishes the run's staged files of every target (see the class comment for the order).
   *
   * @throws FileNotFoundException when a target has no staged file; nothing was changed then
   * @throws IOException when a filesystem operation fails
   */
  public PublishResult publish(String output, String runId, List<Target> targets) throws IOException {
    Layout.checkRunId(runId);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("nothing to publish: no targets");
    }
    Set<String> names = new HashSet<>();
    for (Target t : targets) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("target " + t.name() + " is listed twice");
      }
    }
    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);

    Map<Target, List<ResourceId>> staged = new LinkedHashMap<>();
    Map<Target, Optional<Manifest>> previous = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Target t : targets) {
      ResourceId dir = Layout.staging(output, runId, t.name());
      List<ResourceId> files = dataFiles(dir);
      if (files.isEmpty()) {
        missing.add(t.name() + " (" + dir + ")");
      }
      staged.put(t, files);
      previous.put(t, Manifest.read(Layout.published(output, t.name())));
    }
    if (!missing.isEmpty()) {
      throw new FileNotFoundException(
          "cannot publish run " + runId + ": nothing is staged for " + String.join(", ", missing)
              + "; nothing was published and the published folders are unchanged"
              + " (was the run's job run with this output and run id, and did it succeed?)");
    }

    List<Published> results = new ArrayList<>();
    for (Map.Entry<Target, List<ResourceId>> e : staged.entrySet()) {
      results.add(publishTarget(output, runId, at, e.getKey(), e.getValue(), previous.get(e.getKey())));
    }
    deleteStaging(output, runId);
    return new PublishResult(runId, at, results);
  }

  private static Published publishTarget(
      String output, String runId, Instant at, Target target, List<ResourceId> staged, Optional<Manifest> previous)
      throws IOException {
    ResourceId dir = Layout.published(output, target.name());

    List<String> added = new ArrayList<>();
    List<ResourceId> destinations = new ArrayList<>();
    for (ResourceId f : staged) {
      added.add(f.getFilename());
      destinations.add(dir.resolve(f.getFilename(), StandardResolveOptions.RESOLVE_FILE));
    }
    FileSystems.rename(staged, destinations);

    LinkedHashSet<String> listed = new LinkedHashSet<>();
    if (target.mode() == WriteMode.APPEND && previous.isPresent()) {
      listed.addAll(previous.get().files());
    }
    listed.addAll(added);
    Manifest manifest = new Manifest(runId, at, target.mode(), new ArrayList<>(listed));
    manifest.writeTo(dir);

    List<String> removed = new ArrayList<>();
    if (target.mode() == WriteMode.OVERWRITE) {
      List<ResourceId> stale = new ArrayList<>();
      for (ResourceId f : dataFiles(dir)) {
        if (!listed.contains(f.getFilename())) {
          stale.add(f);
          removed.add(f.getFilename());
        }
      }
      FileSystems.delete(stale, StandardMoveOptions.IGNORE_MISSING_FILES);
    }
    LOG.info("published {} file(s) of run {} to {} ({})", added.size(), runId, dir, target.mode());
    return new Published(target.name(), target.mode(), dir.toString(), manifest.files(), added, removed);
  }

  /**
   * Deletes every file under the run's staging folder through {@link FileSystems}; on a local
   * filesystem, which (unlike object stores) has real directories, then removes the emptied
   * directory tree too, deepest first. A directory that cannot be removed is logged, not fatal:
   * the run is published by then.
   */
  private static void deleteStaging(String output, String runId) throws IOException {
    ResourceId root = Layout.stagingRoot(output, runId);
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : match(root + "**")) {
      files.add(m.resourceId());
    }
    FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
    if (!LOCAL_SCHEME.equals(root.getScheme())) {
      return;
    }
    Path dir = Paths.get(root.toString());
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(dir)) {
      dirs = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path d : dirs) {
      try {
        Files.deleteIfExists(d);
      } catch (IOException e) {
        LOG.warn("could not delete staging folder {}: {}", d, e.toString());
      }
    }
  }

  /** The data files directly in {@code dir}, sorted by name; empty when the folder does not exist. */
  static List<ResourceId> dataFiles(ResourceId dir) throws IOException {
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : match(dir + "*")) {
      if (Layout.isDataFile(m.resourceId().getFilename())) {
        files.add(m.resourceId());
      }
    }
    files.sort(Comparator.comparing(ResourceId::getFilename));
    return files;
  }

  private static List<MatchResult.Metadata> match(String glob) throws IOException {
    MatchResult m = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    return m.metadata();
  }

  /**
   * The published data files of a folder, as full paths in the manifest's order: exactly what a
   * reader should read. Empty when nothing was ever published there (no manifest).
   */
  public static List<String> publishedFiles(String dir) throws IOException {
    ResourceId d = Layout.dir(dir);
    Optional<Manifest> manifest = Manifest.read(d);
    if (manifest.isEmpty()) {
      return List.of();
    }
    List<String> paths = new ArrayList<>();
    for (String name : manifest.get().files()) {
      paths.add(d.resolve(name, StandardResolveOptions.RESOLVE_FILE).toString());
    }
    return paths;
  }

  /**
   * The lines of a folder's published JSON Lines or CSV files, in manifest order. Every CSV file
   * starts with the same header: it is kept from the first file only, so the result is one CSV
   * document. Lines are split at {@code \n} (a CSV value holding a line break spans two lines).
   *
   * @throws IllegalArgumentException for a Parquet (or other non-text) file
   */
  public static List<String> readPublishedLines(String dir) throws IOException {
    List<String> lines = new ArrayList<>();
    boolean headerSeen = false;
    for (String path : publishedFiles(dir)) {
      boolean csv = path.endsWith(".csv");
      if (!csv && !path.endsWith(".jsonl")) {
        throw new IllegalArgumentException("not a text file: " + path);
      }
      String text = Manifest.readString(FileSystems.matchNewResource(path, false));
      List<String> fileLines = new ArrayList<>(List.of(text.split("\n", -1)));
      if (!fileLines.isEmpty() && fileLines.get(fileLines.size() - 1).isEmpty()) {
        fileLines.remove(fileLines.size() - 1);
      }
      if (csv && headerSeen && !fileLines.isEmpty()) {
        fileLines.remove(0);
      }
      headerSeen |= csv;
      lines.addAll(fileLines);
    }
    return lines;
  }
}
