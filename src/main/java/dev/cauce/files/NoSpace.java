package dev.cauce.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A full disk, told apart from other I/O failures: the operating system's "No space left on
 * device" (ENOSPC) anywhere in an exception's causes, and how much room is left where it happened.
 */
public final class NoSpace {
  /** The text of ENOSPC in the JDK's exceptions (Linux and macOS). */
  public static final String ENOSPC = "No space left on device";

  private NoSpace() {}

  /** Whether {@code t} or any of its causes or suppressed exceptions is a full disk. */
  public static boolean causedBy(Throwable t) {
    return causedBy(t, new IdentityHashMap<>());
  }

  private static boolean causedBy(Throwable t, Map<Throwable, Boolean> seen) {
    if (t == null || seen.put(t, true) != null) {
      return false;
    }
    String m = t instanceof FileSystemException f ? f.getReason() + " " + f.getMessage() : t.getMessage();
    if (m != null && m.contains(ENOSPC)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (causedBy(s, seen)) {
        return true;
      }
    }
    return causedBy(t.getCause(), seen);
  }

  /**
   * {@code no space left on <where>: 12 KB free}: the usable bytes of the file system holding the
   * local path {@code where} (its nearest existing folder); a URI (gs://) or an unreadable file
   * system gives no figure.
   */
  public static String describe(String where) {
    Long free = usableBytes(where);
    return "no space left on " + where + (free == null ? "" : ": " + bytes(free) + " free");
  }

  static Long usableBytes(String where) {
    if (where == null || where.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*") && !where.startsWith("file://")) {
      return null;
    }
    try {
      Path p = where.startsWith("file://") ? Paths.get(java.net.URI.create(where)) : Paths.get(where);
      for (p = p.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
        // the nearest folder that exists
      }
      return p == null ? null : Files.getFileStore(p).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Bytes for a person: 512 bytes, 12 KB, 3.4 MB, 1.2 GB (1 KB = 1024 bytes). */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " bytes";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%d", Math.round(v))) + " " + units[u];
  }
}
