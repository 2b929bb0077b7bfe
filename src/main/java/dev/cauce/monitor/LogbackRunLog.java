package dev.cauce.monitor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * What {@link RunLogging} does when logback is SLF4J's binding: the {@code --logLevel} of cauce's
 * loggers and the run's own log file. The only class that touches logback's API, loaded only when
 * logback is bound, so that cauce runs under any other binding (Flink's log4j2, say).
 */
final class LogbackRunLog {
  static final String CONTEXT_CLASS = "ch.qos.logback.classic.LoggerContext";

  private final Logger cauceLogger;
  private final Level previousLevel;
  private FileAppender<ILoggingEvent> file;

  /** Sets cauce's level for the run ({@code level} one of {@link RunLogging#LEVELS}, or null: as configured). */
  LogbackRunLog(String level) {
    this.cauceLogger = context().getLogger("dev.cauce");
    this.previousLevel = cauceLogger.getLevel();
    if (level != null && !level.isBlank()) {
      cauceLogger.setLevel(Level.toLevel(level.trim().toUpperCase(Locale.ROOT)));
    }
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  /** Also writes the lines of run {@code runId} to {@code logFile}. */
  void toFile(Path logFile, String runId) {
    LoggerContext ctx = context();
    PatternLayout layout = new PatternLayout();
    layout.setContext(ctx);
    layout.getInstanceConverterMap().put("cauceRun", RunLogConverter::new);
    layout.setPattern(RunLogging.PATTERN);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(ctx);
    appender.setName("run-" + runId);
    appender.setFile(logFile.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.addFilter(new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent e) {
        String eventRun = e.getMDCPropertyMap().get(RunLogging.RUN_ID);
        if (eventRun == null) {
          eventRun = RunLogging.current();
        }
        return runId.equals(eventRun) ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
    });
    appender.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    this.file = appender;
  }

  void close() {
    if (file != null) {
      context().getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(file);
      file.stop();
      file = null;
    }
    cauceLogger.setLevel(previousLevel);
  }
}
