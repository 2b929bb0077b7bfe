package dev.cauce.state;

import dev.cauce.files.AtomicFiles;
import dev.cauce.files.NoSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The default state store: JSON files under one folder (by default {@code .cauce/state/} in the
 * working directory, i.e. the repository root under {@code make}):
 *
 * <pre>
 * runs/&lt;pipeline&gt;/&lt;runId&gt;.json          one run's record
 * locks/&lt;pipeline&gt;.json                 the run lock: holder's run id, host, pid, heartbeat, TTL, fencing token
 * locks/&lt;pipeline&gt;.fence                the last fencing token handed out for the pipeline
 * </pre>
 *
 * Every file is written to a temporary file in the same folder and renamed over the old one, so a
 * reader (or a crash) never sees half a file. Read-modify-write steps (the lock) hold
 * an OS file lock on a {@code .guard} file, so runs in several processes on one machine stay
 * consistent; the store is not meant for folders shared between machines (use Redis for that).
 */
public final class LocalStateStore implements StateStore {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Object JVM_GUARD = new Object();

  private final Path root;

  public LocalStateStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "local state store " + root;
  }

  // ---- runs ----

  @Override
  public void putRun(RunRecord run) {
    writeAtomically(runFile(run.pipeline(), run.runId()), StateJson.write(run));
  }

  @Override
  public Optional<RunRecord> run(String pipeline, String runId) {
    return readIfExists(runFile(pipeline, runId)).map(s -> StateJson.read(s, RunRecord.class));
  }

  @Override
  public List<RunRecord> latestRuns(String pipeline, int limit) {
    Path dir = root.resolve("runs").resolve(safe(pipeline));
    List<RunRecord> runs = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return runs;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        readIfExists(f).map(s -> StateJson.read(s, RunRecord.class)).ifPresent(runs::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    runs.sort(Comparator.comparing(RunRecord::startedAt).thenComparing(RunRecord::runId).reversed());
    return List.copyOf(runs.subList(0, Math.min(limit, runs.size())));
  }

  @Override
  public List<String> pipelines() {
    Path dir = root.resolve("runs");
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
      dirs.forEach(d -> names.add(d.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    names.sort(null);
    return names;
  }

  // ---- the lock ----

  @Override
  public LockGrant acquireLock(LockInfo candidate, long floor) {
    Path file = lockFile(candidate.pipeline());
    return guarded(file, () -> {
      Optional<LockInfo> current = readLock(file);
      Optional<LockInfo> tookOver = Optional.empty();
      String why = null;
      if (current.isPresent() && !current.get().sameHolder(candidate)) {
        LockInfo holder = current.get();
        why = holder.staleReason(candidate.heartbeatAt(), Hosts.name()).orElseThrow(() -> new LockHeldException(holder));
        tookOver = current;
      }
      Path fence = fenceFile(candidate.pipeline());
      long token = Math.max(readIfExists(fence).map(t -> Long.parseLong(t.strip())).orElse(0L), floor) + 1;
      writeAtomically(fence, Long.toString(token));
      LockInfo held = candidate.withToken(token);
      writeAtomically(file, StateJson.write(held));
      return new LockGrant(held, tookOver, why);
    });
  }

  @Override
  public LockCheck refreshLock(String pipeline, String runId, long token, Instant now) {
    Path file = lockFile(pipeline);
    try {
      return guarded(file, () -> {
        Optional<LockInfo> current = readLock(file);
        if (current.isEmpty()) {
          return LockCheck.lost("the lock is gone from the " + describe() + " (released, or its file removed)");
        }
        String mismatch = LockCheck.mismatch(current.get(), runId, token, now);
        if (mismatch != null) {
          return LockCheck.lost(mismatch);
        }
        if (current.get().staleAt(now)) {
          return LockCheck.lost("the lock expired: no heartbeat since " + current.get().heartbeatAt() + " (TTL "
              + current.get().ttlMillis() / 1000 + "s), so another run may have started");
        }
        writeAtomically(file, StateJson.write(current.get().heartbeat(now)));
        return LockCheck.HELD;
      });
    } catch (RuntimeException e) {
      return LockCheck.lost("cannot read the lock in the " + describe() + ": " + e.getMessage());
    }
  }

  @Override
  public void releaseLock(String pipeline, String runId) {
    Path file = lockFile(pipeline);
    guarded(file, () -> {
      Optional<LockInfo> current = readLock(file);
      if (current.isPresent() && current.get().runId().equals(runId)) {
        Files.deleteIfExists(file);
      }
      return null;
    });
  }

  @Override
  public Optional<LockInfo> lock(String pipeline) {
    return readLock(lockFile(pipeline));
  }

  private static Optional<LockInfo> readLock(Path file) {
    return readIfExists(file).map(s -> StateJson.read(s, LockInfo.class));
  }

  @Override
  public void close() {}

  // ---- files ----

  private Path runFile(String pipeline, String runId) {
    return root.resolve("runs").resolve(safe(pipeline)).resolve(safe(runId) + ".json");
  }

  private Path lockFile(String pipeline) {
    return root.resolve("locks").resolve(safe(pipeline) + ".json");
  }

  /** The last fencing token handed out for the pipeline (kept when the lock is released). */
  private Path fenceFile(String pipeline) {
    return root.resolve("locks").resolve(safe(pipeline) + ".fence");
  }

  private static String safe(String name) {
    if (name == null || !SAFE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a safe name for a state file: \"" + name + "\"");
    }
    return name;
  }

  private static Optional<String> readIfExists(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Writes {@code text} to a temporary file beside {@code file}, forces it to disk and renames it over {@code file}. */
  static void writeAtomically(Path file, String text) {
    try {
      AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + (NoSpace.causedBy(e) ? " (" + NoSpace.describe(file.toString()) + ")" : ""), e);
    }
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  /** Runs {@code action} holding an OS lock on {@code <file>.guard} (and a JVM-wide monitor). */
  private static <T> T guarded(Path file, IoAction<T> action) {
    synchronized (JVM_GUARD) {
      try {
        Files.createDirectories(file.getParent());
        Path guard = file.resolveSibling(file.getFileName() + ".guard");
        try (FileChannel ch = FileChannel.open(guard, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock ignored = ch.lock()) {
          return action.run();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("state store: " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
