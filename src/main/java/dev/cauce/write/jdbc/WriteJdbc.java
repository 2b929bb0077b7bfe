package dev.cauce.write.jdbc;

import dev.cauce.coders.Schemas;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.spec.PipelineSpec;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * The job's writes to PostgreSQL: a jdbc sink's records ({@link Sink}), or the rejections for
 * {@code dead_letter.table} ({@link DeadLetter}), into the run's staging tables through {@link
 * StageBatchFn}. Publishing into the target tables happens after the job, in the driver ({@link
 * JdbcPublisher}).
 */
public final class WriteJdbc {
  private WriteJdbc() {}

  /** A jdbc sink: counts {@code written.<sink>} like a file sink, once each batch has committed. */
  public static final class Sink extends PTransform<PCollection<CauceRecord>, PDone> {
    private final PipelineSpec spec;
    private final JdbcRun run;
    private final JdbcTarget target;

    public Sink(PipelineSpec spec, JdbcRun run, String sinkName) {
      super("Write " + sinkName);
      this.spec = spec;
      this.run = run;
      this.target = run.sink(sinkName);
    }

    @Override
    public PDone expand(PCollection<CauceRecord> records) {
      records
          .apply("Stage rows", ParDo.of(new StageBatchFn<>(run.settings(), run.runId(), target,
              new Binders.RecordBinder(Schemas.typed(spec)), CauceMetrics.written(target.name()))))
          .setCoder(VoidCoder.of());
      return PDone.in(records.getPipeline());
    }
  }

  /** The dead letter's table: counts {@code jdbc.<dead letter>.rows}. */
  public static final class DeadLetter extends PTransform<PCollection<Rejection>, PDone> {
    private final JdbcRun run;
    private final JdbcTarget target;

    public DeadLetter(JdbcRun run) {
      super("Dead letter table");
      this.run = run;
      this.target = run.deadLetter().orElseThrow(() -> new IllegalArgumentException("the spec has no dead_letter.table"));
    }

    @Override
    public PDone expand(PCollection<Rejection> rejections) {
      rejections
          .apply("Stage rejections", ParDo.of(new StageBatchFn<>(run.settings(), run.runId(), target,
              new Binders.RejectionBinder(), null)))
          .setCoder(VoidCoder.of());
      return PDone.in(rejections.getPipeline());
    }
  }
}
