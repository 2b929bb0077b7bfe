package dev.cauce.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * cauce's main in a JVM of its own (the test's class path), so a test can kill it for real
 * (SIGKILL) at a fault point ({@code CAUCE_PAUSE_AT}), resume it, or read its exit code.
 */
final class CauceProcess implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 240;

  private final Process process;
  private final LinkedBlockingQueue<String> errLines = new LinkedBlockingQueue<>();
  private final StringBuilder err = new StringBuilder();
  private final CompletableFuture<String> out;
  private final Thread errPump;

  private CauceProcess(Process process) {
    this.process = process;
    this.out = CompletableFuture.supplyAsync(() -> readAll(process));
    errPump = new Thread(this::pumpErr, "cauce-stderr");
    errPump.setDaemon(true);
    errPump.start();
  }

  /** Starts {@code dev.cauce.Cauce} with these arguments; {@code env} adds variables (e.g. CAUCE_PAUSE_AT). */
  static CauceProcess start(Path workDir, Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        // a short run: the C1 compiler only and the serial collector start it in about half the time
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
        "-cp", System.getProperty("java.class.path"), "dev.cauce.Cauce"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().put("NO_GCE_CHECK", "true");
    pb.environment().putAll(env);
    return new CauceProcess(pb.start());
  }

  private void pumpErr() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (err) {
          err.append(line).append('\n');
        }
        errLines.add(line);
      }
    } catch (IOException e) {
      errLines.add("<stderr closed: " + e + ">");
    }
    errLines.add("<eof>");
  }

  private static String readAll(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<stdout: " + e + ">";
    }
  }

  /** Waits (bounded) until stderr shows {@code cauce: paused at <step>}; fails if the process ends first. */
  void awaitPause(String step) throws InterruptedException {
    awaitLine("cauce: paused at " + step);
  }

  /** Waits (bounded) until stderr shows the line {@code want}; fails if the process ends first. */
  void awaitLine(String want) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      String line = errLines.poll(1, TimeUnit.SECONDS);
      if (line == null) {
        continue;
      }
      if (line.equals(want)) {
        return;
      }
      if (line.equals("<eof>")) {
        throw new AssertionError("cauce ended before printing \"" + want + "\":\n" + stderr());
      }
    }
    throw new AssertionError("cauce did not print \"" + want + "\" within " + TIMEOUT_SECONDS + " s:\n" + stderr());
  }

  /** Lets a paused process go on (a fault point waits for one line on stdin). */
  void resume() throws IOException {
    OutputStream in = process.getOutputStream();
    in.write('\n');
    in.flush();
  }

  /** SIGKILL: no shutdown hook, no finally block runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM: the JVM runs its shutdown hooks. Through the process handle: {@link Process#destroy}
   * sends the same signal but also closes the pipes, so the process's last lines would be lost.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** SIGINT, as Ctrl-C in a terminal sends it (Java has no API for it: the {@code kill} command). */
  void interrupt() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -INT " + process.pid() + " failed");
    }
  }

  /** The exit code, after waiting (bounded) for the process to end. */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("cauce did not end within " + TIMEOUT_SECONDS + " s:\n" + stderr());
    }
    return process.exitValue();
  }

  String stdout() {
    try {
      return out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "<stdout: " + e + ">";
    }
  }

  /** What the process printed on stderr so far; all of it once it has ended (its last lines included). */
  String stderr() {
    if (!process.isAlive()) {
      try {
        errPump.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (err) {
      return err.toString();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
