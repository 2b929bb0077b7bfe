package dev.cauce.write;

import dev.cauce.core.Coders;
import dev.cauce.core.Schemas;
import dev.cauce.monitor.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;

/**
 * Writes a pipeline's typed rows (schema {@link Schemas#typed}) to one sink's staging folder,
 * {@code <output>/_staging/<runId>/<sink>/}, as files {@code <runId>-SSSSS-of-NNNNN<ext>}; the
 * {@link Publisher} moves them to {@code <output>/<sink>/} once the run is accepted. Every row is
 * counted in {@code written.<sink>} ({@link CauceMetrics#written}).
 *
 * <p>Formats: {@code jsonl} ({@link RowJson}) and {@code csv} ({@link RowCsv}, with the header line
 * at the top of every file) through {@link org.apache.beam.sdk.io.TextIO#sink()}; {@code parquet}
 * through {@link ParquetIO#sink} with the Avro schema of {@link RowParquet} (decimals as strings).
 *
 * <p>Shards: {@code sink.shards()} files when it is above 0, else as many as the runner decides.
 * Files are written one per bundle ({@link BundleFiles}) and then named, or, for JSON Lines and CSV
 * with a fixed count, concatenated into that many files ({@link FinalizeParts}); Parquet files
 * cannot be concatenated, so Parquet with a fixed count uses Beam's FileIO with fixed sharding.
 * An empty input still yields valid files: with a fixed shard count, that many empty shards (for
 * CSV each holds just the header, for Parquet a valid file with no rows); with runner-decided
 * sharding, one empty file ({@code -00000-of-00001}): the write is unwindowed, and Beam's
 * unwindowed writes finalize every shard, even one that got no row. Beam's temporary
 * files go to {@code <output>/_staging/<runId>/_tmp/}, never next to published data.
 */
public final class WriteSink extends PTransform<PCollection<Row>, PDone> {
  private final PipelineSpec spec;
  private final SinkSpec sink;
  private final String runId;

  public WriteSink(PipelineSpec spec, SinkSpec sink, String runId) {
    super("Write " + sink.name());
    this.spec = spec;
    this.sink = sink;
    this.runId = Layout.checkRunId(runId);
  }

  @Override
  public PDone expand(PCollection<Row> rows) {
    Schema schema = Schemas.typed(spec);
    if (rows.hasSchema() && !rows.getSchema().assignableTo(schema)) {
      throw new IllegalArgumentException(
          "sink " + sink.name() + ": rows have schema " + rows.getSchema() + ", the spec's typed schema is " + schema);
    }
    PCollection<Row> counted =
        rows.apply("Count", ParDo.of(new CountEach<Row>(CauceMetrics.written(sink.name()))))
            .setCoder(Coders.typedRow(schema));
    String ext = sink.format().extension();
    if (sink.format() != SinkFormat.PARQUET) {
      String header = sink.format() == SinkFormat.CSV ? RowCsv.header(schema) : null;
      return StagedWrite.text(counted, header, lines(schema), spec.output(), runId, sink.name(), ext, sink.shards());
    }
    String pipeline = spec.name();
    if (sink.shards() == 0) {
      return StagedWrite.bundled(
          counted, () -> RowParquet.sink(schema, pipeline), MimeTypes.BINARY, spec.output(), runId, sink.name(), ext);
    }
    // a fixed number of Parquet files: Parquet files cannot be concatenated, Beam groups by shard
    FileIO.Write<Void, Row> write =
        FileIO.<Row>write()
            .via(
                Contextful.fn(RowParquet.toGenericRecord(schema, pipeline)),
                ParquetIO.sink(RowParquet.avroSchema(schema, pipeline)));
    counted.apply(
        "Files",
        StagedWrite.toStaging(write, Layout.staging(spec.output(), runId, sink.name()).toString(), spec.output(), runId, ext, sink.shards()));
    return PDone.in(rows.getPipeline());
  }

  private TextLineSink.LineFormat<Row> lines(Schema schema) {
    return sink.format() == SinkFormat.CSV ? () -> new RowCsv(schema)::format : () -> new RowJson(schema)::format;
  }
}
