package dev.cauce.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A {@link Participant} kept in a folder, one marker file per committed run (written to a temporary
 * name and renamed: the commit is atomic), that outlives a killed JVM. {@code failCommit} makes
 * {@link #commit} throw after (true) or instead of (false) committing; {@code reachable} false makes
 * {@link #committed} unable to tell.
 */
final class MarkerParticipant implements Participant {
  private final Path dir;
  private final Boolean failCommit;
  private final boolean reachable;

  MarkerParticipant(Path dir) {
    this(dir, null, true);
  }

  MarkerParticipant(Path dir, Boolean failCommit, boolean reachable) {
    this.dir = dir;
    this.failCommit = failCommit;
    this.reachable = reachable;
  }

  @Override
  public String name() {
    return "markers";
  }

  @Override
  public void commit(String runId) throws IOException {
    if (Boolean.FALSE.equals(failCommit)) {
      throw new IOException("markers: refused");
    }
    Path tmp = Files.writeString(dir.resolve(runId + ".tmp"), runId);
    Files.move(tmp, dir.resolve(runId), StandardCopyOption.ATOMIC_MOVE);
    if (Boolean.TRUE.equals(failCommit)) {
      throw new IOException("markers: the acknowledgement was lost");
    }
  }

  @Override
  public Optional<Boolean> committed(String runId) {
    return reachable ? Optional.of(Files.exists(dir.resolve(runId))) : Optional.empty();
  }
}
