package dev.cauce.orchestrate;

import dev.cauce.monitor.RunLogging;
import dev.cauce.write.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's logging ({@link RunLogging}: run id and pipeline on every line, {@code --logLevel}) and
 * its own file {@code <output>/_runs/<runId>/run.log}: written in place for a local output, else
 * to a temporary file copied there when the run ends; none when logback is not SLF4J's binding.
 */
public final class RunLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

  private final RunLogging logging;
  private final ResourceId runDir;
  private final PrintStream err;
  private Path localLog;

  private RunLog(RunLogging logging, ResourceId runDir, PrintStream err) {
    this.logging = logging;
    this.runDir = runDir;
    this.err = err;
  }

  /** Starts the run's logging; {@code level} is checked already (the plan). */
  public static RunLog start(String runId, String pipeline, String level, String output, PrintStream err) {
    RunLog log = new RunLog(new RunLogging(runId, pipeline, level), Layout.runDir(output, runId), err);
    log.startFile(runId);
    return log;
  }

  private void startFile(String runId) {
    try {
      if ("file".equals(runDir.getScheme())) {
        localLog = Path.of(runDir.resolve("run.log", StandardResolveOptions.RESOLVE_FILE).toString());
      } else {
        localLog = Files.createTempDirectory("cauce-" + runId).resolve("run.log");
      }
      Files.createDirectories(localLog.getParent());
      if (!logging.toFile(localLog)) {
        localLog = null; // not logback: the host's logging has the run's lines
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("no run log file: {}", e.toString());
      localLog = null;
    }
  }

  @Override
  public void close() {
    logging.close();
    if (localLog == null || "file".equals(runDir.getScheme()) || !Files.exists(localLog)) {
      return;
    }
    ResourceId target = runDir.resolve("run.log", StandardResolveOptions.RESOLVE_FILE);
    try (InputStream in = Files.newInputStream(localLog);
        OutputStream o = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
      in.transferTo(o);
      Files.deleteIfExists(localLog);
      Files.deleteIfExists(localLog.getParent());
    } catch (IOException | RuntimeException e) {
      err.println("cauce: the run log stays at " + localLog + ": could not copy it to " + target + ": " + e);
    }
  }
}
