package dev.cauce.write;

import dev.cauce.fault.FaultPoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The commit record in a local folder. A replace holds an exclusive lock on {@code _COMMIT.lock}
 * (other processes, and other threads of this one, wait), re-reads the live record and compares its
 * sequence, writes {@code _COMMIT.json.tmp-<runId>}, forces it to disk, renames it over {@code
 * _COMMIT.json} (atomic on POSIX) and forces the folder, so a reader or a crash sees the old record
 * or the new one, never a mix.
 */
final class LocalCommitStore implements CommitStore {
  static final String LOCK = "_COMMIT.lock";
  private static final Object IN_PROCESS = new Object(); // a FileLock excludes other processes only

  private final ResourceId resource;
  private final Path file;

  LocalCommitStore(ResourceId resource) {
    this.resource = resource;
    this.file = Paths.get(resource.toString());
  }

  @Override
  public Snapshot read() throws IOException {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Snapshot.NONE;
    }
    Commit c = CommitStore.parse(resource, json);
    return new Snapshot(Optional.of(c), c.sequence());
  }

  @Override
  public void replace(Snapshot expected, Commit next) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    synchronized (IN_PROCESS) {
      try (FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = lock.lock()) {
        Snapshot now = read();
        if (now.version() != expected.version()) {
          throw CommitStore.concurrent(resource, expected, now);
        }
        Path tmp = dir.resolve(Layout.COMMIT + ".tmp-" + next.runId());
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
          ByteBuffer bytes = ByteBuffer.wrap(next.toJson().getBytes(StandardCharsets.UTF_8));
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          out.force(true);
        }
        FaultPoints.reached("publish:commit-temp");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          d.force(true); // the rename itself reaches the disk
        }
      }
    }
  }
}
