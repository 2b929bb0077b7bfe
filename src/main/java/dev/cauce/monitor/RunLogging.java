package dev.cauce.monitor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A run's logging: puts its run id and pipeline in the MDC (keys {@value #RUN_ID} and {@value
 * #PIPELINE}), so every log line carries them (the {@code %cauceRun} pattern word, see {@link
 * RunLogConverter}); applies {@code --logLevel} to cauce's loggers for the run; and writes the
 * run's lines to its own file ({@code <output>/_runs/<runId>/run.log}).
 *
 * <p>MDC values live on the thread that set them. Runner threads (the Direct runner's workers,
 * embedded Flink's tasks) have none; their lines are attributed to the run this JVM is running
 * ({@link #current()}), which is exact for one run per JVM and for runs one after another.
 */
public final class RunLogging implements AutoCloseable {
  public static final String RUN_ID = "run_id";
  public static final String PIPELINE = "pipeline";
  public static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG");
  public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%cauceRun] %logger{20} - %msg%n";

  /** The run this JVM is running: {runId, pipeline}, or null. */
  private static volatile String[] current;

  private final String runId;
  private final String pipeline;
  private final Level previousLevel;
  private final Logger cauceLogger;
  private FileAppender<ILoggingEvent> file;

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
    Level parsed = level == null || level.isBlank() ? null : Level.toLevel(level.trim().toUpperCase(Locale.ROOT));
    this.runId = runId;
    this.pipeline = pipeline;
    this.cauceLogger = context().getLogger("dev.cauce");
    this.previousLevel = cauceLogger.getLevel();
    if (parsed != null) {
      cauceLogger.setLevel(parsed);
    }
    MDC.put(RUN_ID, runId);
    MDC.put(PIPELINE, pipeline);
    current = new String[] {runId, pipeline};
  }

  /** What is wrong with a {@code --logLevel} value; empty for one of {@link #LEVELS} (any case) or none. */
  public static Optional<String> levelProblem(String level) {
    if (level == null || level.isBlank() || LEVELS.contains(level.trim().toUpperCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return Optional.of("--logLevel: unknown level \"" + level + "\"; allowed: " + String.join(", ", LEVELS));
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  /** Also writes this run's log lines to {@code logFile} (created with its folders). */
  public void toFile(Path logFile) {
    LoggerContext ctx = context();
    PatternLayout layout = new PatternLayout();
    layout.setContext(ctx);
    layout.getInstanceConverterMap().put("cauceRun", RunLogConverter::new);
    layout.setPattern(PATTERN);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(ctx);
    appender.setName("run-" + runId);
    appender.setFile(logFile.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    String id = runId;
    appender.addFilter(new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent e) {
        String eventRun = e.getMDCPropertyMap().get(RUN_ID);
        if (eventRun == null) {
          eventRun = current();
        }
        return id.equals(eventRun) ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
    });
    appender.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    this.file = appender;
  }

  @Override
  public void close() {
    if (file != null) {
      context().getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(file);
      file.stop();
      file = null;
    }
    cauceLogger.setLevel(previousLevel);
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
