package dev.cauce.write;

import dev.cauce.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The commit record through Beam's {@link FileSystems}, for readers and for object stores cauce has
 * no precondition for (Beam's {@code FileSystems.create} cannot say "only if the object is still
 * generation G"). A replace re-reads the live record and compares its sequence, writes the new
 * record whole ({@link AtomicFiles}: one object write on an object store), and reads it back: a writer that lost a
 * race between its compare and its write is detected afterwards, not prevented. The run lock is
 * what keeps two publishes of one pipeline apart.
 */
final class FileSystemsCommitStore implements CommitStore {
  private final ResourceId file;

  FileSystemsCommitStore(ResourceId file) {
    this.file = file;
  }

  @Override
  public Snapshot read() throws IOException {
    if (!Manifest.exists(file)) {
      return Snapshot.NONE;
    }
    Commit c = CommitStore.parse(file, Manifest.readString(file));
    return new Snapshot(Optional.of(c), c.sequence());
  }

  @Override
  public void replace(Snapshot expected, Commit next) throws IOException {
    Snapshot now = read();
    if (now.version() != expected.version()) {
      throw CommitStore.concurrent(file, expected, now);
    }
    AtomicFiles.write(file, next.toJson().getBytes(StandardCharsets.UTF_8));
    Snapshot written = read();
    if (!written.commit().equals(Optional.of(next))) {
      throw CommitStore.concurrent(file, expected, written);
    }
  }
}
