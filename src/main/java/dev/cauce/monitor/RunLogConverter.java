package dev.cauce.monitor;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The {@code %cauceRun} logback pattern word: {@code run=<id> pipeline=<name>} from the event's MDC,
 * or from the run this JVM is running when the logging thread has no MDC (a runner's worker), or
 * {@code -} outside a run.
 */
public final class RunLogConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String id = event.getMDCPropertyMap().get(RunLogging.RUN_ID);
    if (id != null) {
      return "run=" + id + " pipeline=" + event.getMDCPropertyMap().get(RunLogging.PIPELINE);
    }
    return RunLogging.label();
  }
}
