package dev.cauce.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What the tests' private servers share: a free port, a bounded wait, a command that must succeed. */
final class LocalServers {
  private LocalServers() {}

  /** A port on 127.0.0.1 that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  /** Polls {@code ready} every 20 ms until it holds; fails naming {@code what} once {@code limit} has passed. */
  static void await(String what, Duration limit, BooleanSupplier ready) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + limit.toSeconds() + " s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Runs a command to its end (at most {@code limit}); fails with its output unless it exits 0. */
  static String run(List<String> command, Path dir, Duration limit) throws IOException {
    Path log = Files.createTempFile("cauce-cmd-", ".log");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean ended;
      try {
        ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted: " + command, e);
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      if (!ended) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": still running after " + limit.toSeconds() + " s\n" + out);
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + "\n" + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Deletes a folder and everything in it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
