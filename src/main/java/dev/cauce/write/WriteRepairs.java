package dev.cauce.write;

import dev.cauce.spec.DependencySpec;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes a run's repaired cells (JSON lines, made by {@code dev.cauce.repair.RepairJson}) to {@code
 * <output>/_staging/<runId>/repairs/} as one {@code .jsonl} file (an empty one when nothing was
 * repaired), which the {@link Publisher} publishes with the sinks and the dead letter to {@code
 * <output>/repairs/}. Counted in {@value #COUNTER}.
 */
public final class WriteRepairs extends PTransform<PCollection<String>, PDone> {
  /** The counter of lines written (not a sink's {@code written.*}: the records' conservation does not include them). */
  public static final String COUNTER = "repairs_written";

  private final String output;
  private final String runId;

  public WriteRepairs(String output, String runId) {
    super("Write repairs");
    this.output = output;
    this.runId = Layout.checkRunId(runId);
  }

  @Override
  public PDone expand(PCollection<String> lines) {
    TextLineSink.LineFormat<String> format = Function::identity;
    return StagedWrite.write(lines, List.of(StagedWrite.textSink(DependencySpec.REPAIRS, null, format, COUNTER, output, runId,
        ".jsonl", 1)), output, runId);
  }
}
