package dev.cauce.write;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Where a run's files live, under the spec's output folder (local or {@code gs://}, through Beam's
 * {@link FileSystems}):
 *
 * <pre>
 * &lt;output&gt;/_staging/&lt;runId&gt;/&lt;name&gt;/   a sink's or the dead letter's files, written by the job
 * &lt;output&gt;/_staging/&lt;runId&gt;/_tmp/     Beam's temporary files while the job writes
 * &lt;output&gt;/_staging/&lt;runId&gt;/_PUBLISH.json   the files a publish is moving (see {@link Publisher})
 * &lt;output&gt;/_staging/&lt;runId&gt;/_EXPECTATIONS.json   the job's expectation results, read by the run's finish
 * &lt;output&gt;/&lt;name&gt;/                   data files; the live ones are those {@code _COMMIT.json} lists
 * &lt;output&gt;/&lt;name&gt;/_MANIFEST.json      a copy of that list for this folder (derived, see {@link Commit})
 * &lt;output&gt;/_COMMIT.json               the commit record: every sink's live files and the ledger
 * &lt;output&gt;/_COMMIT.lock               (local folders) held while the commit record is replaced
 * </pre>
 *
 * Data files are named {@code <runId>-SSSSS-of-NNNNN<ext>}, e.g. {@code r1-00000-of-00002.jsonl}.
 * Names starting with {@code _} or {@code .} are never data files.
 */
public final class Layout {
  private Layout() {}

  public static final String STAGING = "_staging";
  public static final String TMP = "_tmp";
  public static final String MANIFEST = "_MANIFEST.json";
  public static final String RUNS = "_runs";
  public static final String COMMIT = "_COMMIT.json";
  public static final String INTENT = "_PUBLISH.json";
  public static final String EXPECTATIONS = "_EXPECTATIONS.json";

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  /** The longest run id accepted as given: Airflow's run ids are at most 250 characters. */
  public static final int MAX_GIVEN_RUN_ID = 250;

  /** A folder as a Beam resource. */
  public static ResourceId dir(String path) {
    return FileSystems.matchNewResource(path, true);
  }

  /** {@code <output>/_staging/<runId>/}: everything a run writes before it is published. */
  public static ResourceId stagingRoot(String output, String runId) {
    return dir(output)
        .resolve(STAGING, StandardResolveOptions.RESOLVE_DIRECTORY)
        .resolve(checkRunId(runId), StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** {@code <output>/_staging/<runId>/<name>/}: one sink's (or the dead letter's) staged files. */
  public static ResourceId staging(String output, String runId, String name) {
    return stagingRoot(output, runId).resolve(name, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /**
   * {@code <output>/_staging/<runId>/_tmp/parts/<name>/}: the part files a sink's bundles write
   * ({@link BundleFiles}) before they become its files ({@link FinalizeParts}).
   */
  public static ResourceId parts(String output, String runId, String name) {
    return tempDir(output, runId)
        .resolve("parts", StandardResolveOptions.RESOLVE_DIRECTORY)
        .resolve(name, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** {@code <output>/_staging/<runId>/_tmp/}: Beam's temporary directory for the run's writes. */
  public static ResourceId tempDir(String output, String runId) {
    return stagingRoot(output, runId).resolve(TMP, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** {@code <output>/_runs/<runId>/}: the run's report. */
  public static ResourceId runDir(String output, String runId) {
    return dir(output)
        .resolve(RUNS, StandardResolveOptions.RESOLVE_DIRECTORY)
        .resolve(checkRunId(runId), StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** {@code <output>/<name>/}: where a sink's data is published. */
  public static ResourceId published(String output, String name) {
    return dir(output).resolve(name, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** {@code <output>/_COMMIT.json}: the output's commit record. */
  public static ResourceId commit(String output) {
    return dir(output).resolve(COMMIT, StandardResolveOptions.RESOLVE_FILE);
  }

  /** {@code <output>/_staging/<runId>/_EXPECTATIONS.json}: the job's expectation results. */
  public static ResourceId expectations(String output, String runId) {
    return stagingRoot(output, runId).resolve(EXPECTATIONS, StandardResolveOptions.RESOLVE_FILE);
  }

  /** {@code <output>/_staging/<runId>/_PUBLISH.json}: what a publish of the run moves, for recovery. */
  public static ResourceId intent(String output, String runId) {
    return stagingRoot(output, runId).resolve(INTENT, StandardResolveOptions.RESOLVE_FILE);
  }

  /**
   * The output folder and the name of a published folder {@code <output>/<name>/}: {@code
   * gs://b/out/orders/} gives {@code gs://b/out/} and {@code orders}.
   */
  public static String[] outputAndName(String publishedDir) {
    String d = dir(publishedDir).toString();
    String trimmed = d.endsWith("/") ? d.substring(0, d.length() - 1) : d;
    int slash = trimmed.lastIndexOf('/');
    if (slash < 0 || slash == trimmed.length() - 1) {
      throw new IllegalArgumentException("not a folder inside an output folder: " + publishedDir);
    }
    return new String[] {trimmed.substring(0, slash + 1), trimmed.substring(slash + 1)};
  }

  /** {@code <dir>/_MANIFEST.json}. */
  public static ResourceId manifest(ResourceId dir) {
    return dir.resolve(MANIFEST, StandardResolveOptions.RESOLVE_FILE);
  }

  /** {@code <runId>-SSSSS-of-NNNNN<ext>}, shards counted from 0. */
  public static String fileName(String runId, int shardIndex, int numShards, String extension) {
    return String.format("%s-%05d-of-%05d%s", runId, shardIndex, numShards, extension);
  }

  /** Whether a file name in a published folder is data (not a manifest, temporary or hidden file). */
  public static boolean isDataFile(String name) {
    return !name.isEmpty() && !name.startsWith("_") && !name.startsWith(".");
  }

  /**
   * The run id that names a run's files, folders and state-store keys, for any id given (an
   * orchestrator's, such as Airflow's {@code manual__2026-12-03T14:00:00+00:00}): the id itself when
   * {@link #checkRunId} accepts it; else, so that different ids stay different, its characters other
   * than letters, digits, {@code .}, {@code _} and {@code -} replaced by {@code _} (and an {@code r}
   * before it when it starts with none of letters and digits), cut to 91 characters, then {@code -} and
   * the first 8 hex digits of the given id's SHA-256: {@code manual__2026-12-03T14_00_00_00_00-<hash>}.
   *
   * @throws IllegalArgumentException for an empty or blank id, or one longer than {@value #MAX_GIVEN_RUN_ID} characters
   */
  public static String safeRunId(String given) {
    if (given == null || given.isBlank()) {
      throw new IllegalArgumentException("the run id is empty: give 1-" + MAX_GIVEN_RUN_ID + " characters, or leave --runId out for a new one");
    }
    if (given.length() > MAX_GIVEN_RUN_ID) {
      throw new IllegalArgumentException("the run id is " + given.length() + " characters long; it may have at most " + MAX_GIVEN_RUN_ID);
    }
    if (RUN_ID.matcher(given).matches()) {
      return given;
    }
    String safe = given.replaceAll("[^A-Za-z0-9._-]", "_");
    if (!Character.isLetterOrDigit(safe.charAt(0))) { // ASCII only by now
      safe = "r" + safe;
    }
    return safe.substring(0, Math.min(safe.length(), 91)) + "-" + shortHash(given);
  }

  /** The first 8 hex digits of {@code s}'s SHA-256 (UTF-8): what keeps a shortened or replaced name unique. */
  public static String shortHash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A run id names files and folders, so it is letters, digits, {@code .}, {@code _} and {@code -},
   * starting with a letter or digit ({@link #safeRunId} makes one of any id given).
   */
  public static String checkRunId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(
          "invalid run id \"" + runId + "\": use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return runId;
  }
}
