package dev.cauce.monitor;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A run's logging: puts its run id and pipeline in the MDC (keys {@value #RUN_ID} and {@value
 * #PIPELINE}), so every log line carries them (the {@code %cauceRun} pattern word, see {@link
 * RunLogConverter}); applies {@code --logLevel} to cauce's loggers for the run; and writes the
 * run's lines to its own file ({@code <output>/_runs/<runId>/run.log}). The level and the file need
 * logback as SLF4J's binding ({@link LogbackRunLog}); under another binding (a Flink cluster's
 * log4j2) the run logs through it, with the MDC, and has no file of its own.
 *
 * <p>MDC values live on the thread that set them. Runner threads (the Direct runner's workers,
 * embedded Flink's tasks) have none; their lines are attributed to the run this JVM is running
 * ({@link #current()}), which is exact for one run per JVM and for runs one after another.
 */
public final class RunLogging implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLogging.class);
  public static final String RUN_ID = "run_id";
  public static final String PIPELINE = "pipeline";
  public static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG");
  public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%cauceRun] %logger{20} - %msg%n";

  /** The run this JVM is running: {runId, pipeline}, or null. */
  private static volatile String[] current;

  private final String runId;
  private final String pipeline;
  /** Null when SLF4J's binding is not logback. */
  private final LogbackRunLog logback;

  /** "run=… pipeline=…" for the calling thread: its MDC, else the JVM's current run, else "". */
  public static String label() {
    String id = MDC.get(RUN_ID);
    String p = MDC.get(PIPELINE);
    if (id == null) {
      String[] c = current;
      if (c == null) {
        return "-";
      }
      id = c[0];
      p = c[1];
    }
    return "run=" + id + " pipeline=" + p;
  }

  /** The current run's id, or null. */
  public static String current() {
    String[] c = current;
    return c == null ? null : c[0];
  }

  /**
   * Starts the run's logging.
   *
   * @param level one of {@link #LEVELS} (any case), or null to leave the level as configured
   * @throws IllegalArgumentException for an unknown level
   */
  public RunLogging(String runId, String pipeline, String level) {
    levelProblem(level).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    this.runId = runId;
    this.pipeline = pipeline;
    this.logback = logbackBound() ? new LogbackRunLog(level) : null;
    if (logback == null && level != null && !level.isBlank()) {
      LOG.warn("--logLevel={} not applied: SLF4J's binding here is {}, not logback; its own configuration sets the levels",
          level, binding());
    }
    MDC.put(RUN_ID, runId);
    MDC.put(PIPELINE, pipeline);
    current = new String[] {runId, pipeline};
  }

  /** Whether logback is SLF4J's binding in this JVM (checked by name: logback may be absent). */
  static boolean logbackBound() {
    return binding().equals(LogbackRunLog.CONTEXT_CLASS);
  }

  private static String binding() {
    return LoggerFactory.getILoggerFactory().getClass().getName();
  }

  /** What is wrong with a {@code --logLevel} value; empty for one of {@link #LEVELS} (any case) or none. */
  public static Optional<String> levelProblem(String level) {
    if (level == null || level.isBlank() || LEVELS.contains(level.trim().toUpperCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return Optional.of("--logLevel: unknown level \"" + level + "\"; allowed: " + String.join(", ", LEVELS));
  }

  /**
   * Also writes this run's log lines to {@code logFile} (created with its folders); false, and
   * nothing written, when logback is not SLF4J's binding (the lines go to the host's log).
   */
  public boolean toFile(Path logFile) {
    if (logback == null) {
      LOG.info("no run.log for run {}: SLF4J's binding here is {}, not logback; the run's lines go to that binding's log (a Flink JobManager's, say)", runId, binding());
      return false;
    }
    logback.toFile(logFile, runId);
    return true;
  }

  @Override
  public void close() {
    if (logback != null) {
      logback.close();
    }
    if (runId.equals(MDC.get(RUN_ID))) {
      MDC.remove(RUN_ID);
      MDC.remove(PIPELINE);
    }
    String[] c = current;
    if (c != null && c[0].equals(runId)) {
      current = null;
    }
  }

  public String pipeline() {
    return pipeline;
  }
}
