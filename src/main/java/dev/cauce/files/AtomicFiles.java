package dev.cauce.files;

import dev.cauce.fault.FaultPoints;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Whole-file writes that never leave a partial or empty file in place of a good one (a full disk, a
 * crash). A local file is written to {@code .<name>.tmp-<random>} beside it, forced to disk, renamed
 * over it and its folder forced; a failed write deletes the temporary file and leaves the old one.
 * On an object store (gs://) one object write is atomic already: the object appears when it is
 * closed, whole. {@value FaultPoints#NO_SPACE_ENV}{@code =atomic:<file name>} makes a local write
 * fail half way as a full disk does.
 */
public final class AtomicFiles {
  private static final String LOCAL = "file";

  private AtomicFiles() {}

  /** Whether {@code name} is a temporary file a write of the file named {@code of} left (a crash while writing it). */
  public static boolean isTemporary(String name, String of) {
    return name.startsWith("." + of + ".tmp-");
  }

  /** Replaces the file at {@code path} (local or a Beam file system URI) with {@code bytes}. */
  public static void write(String path, byte[] bytes) throws IOException {
    write(FileSystems.matchNewResource(path, false), bytes);
  }

  /** Replaces {@code file} with {@code bytes}. */
  public static void write(ResourceId file, byte[] bytes) throws IOException {
    if (LOCAL.equals(file.getScheme())) {
      write(Paths.get(file.toString()), bytes);
      return;
    }
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT))) {
      out.write(bytes);
    }
  }

  /** Replaces the local {@code file} with {@code bytes}: temporary file, fsync, rename, fsync of the folder. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> {
      out.write(bytes, 0, bytes.length / 2);
      FaultPoints.noSpace("atomic:" + file.getFileName());
      out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
    });
  }

  /** What goes into a file, written to a stream. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces the local {@code file} with what {@code content} writes; when it fails, the old file stays as it was. */
  public static void write(Path file, Content content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        content.writeTo(out);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceFolder(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forces a folder's entries (a rename in it) to disk; a file system that cannot open folders is left as it is. */
  private static void forceFolder(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not every file system lets a folder be opened; the rename happened
    }
  }
}
