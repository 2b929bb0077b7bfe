package dev.cauce.write;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The commit record through Beam's {@link FileSystems}, for readers and for object stores cauce has
 * no precondition for (Beam's {@code FileSystems.create} cannot say "only if the object is still
 * generation G"). A replace re-reads the live record and compares its sequence, writes the new
 * record in one object write (atomic on an object store), and reads it back: a writer that lost a
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
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT))) {
      out.write(next.toJson().getBytes(StandardCharsets.UTF_8));
    }
    Snapshot written = read();
    if (!written.commit().equals(Optional.of(next))) {
      throw CommitStore.concurrent(file, expected, written);
    }
  }
}
