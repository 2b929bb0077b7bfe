package dev.cauce.write;

import java.util.List;
import java.util.ArrayList;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;

/**
 * Writes a pipeline's typed rows (schema {@link Schemas#typed}) to its file sinks' staging folders,
 * {@code <output>/_staging/<runId>/<sink>/}, as files {@code <runId>-SSSSS-of-NNNNN<ext>}; the
 * {@link Publisher} moves them to {@code <output>/<sink>/} once the run is accepted. Every row is
 * counted in {@code written.<sink>} ({@link CauceMetrics#written}) for each sink.
 *
 * <p>Formats: {@code jsonl} ({@link RowJson}) and {@code csv} ({@link RowCsv}, with the header line
 * at the top of every file) through {@link org.apache.beam.sdk.io.TextIO#sink()}; {@code parquet}
 * through {@link RowParquet#sink} (the files Beam's ParquetIO sink writes with the Avro schema of
 * {@link RowParquet}, decimals as strings).
 *
 * <p>One step writes every sink ({@link BundleFiles}): each bundle's rows into one part per sink,
 * so a row is handed to the writers once, however many sinks there are. The parts then become the
 * sink's files ({@link FinalizeParts}): {@code shards: 0}, one file per part, as many as the runner
 * made; {@code shards: N} for JSON Lines and CSV, the parts concatenated into exactly N files.
 * Parquet files cannot be concatenated, so Parquet with a fixed count goes through Beam's FileIO
 * with fixed sharding (its temporary files in {@code <output>/_staging/<runId>/_tmp/}). An empty
 * input still yields valid files: with a fixed count, that many (a CSV file holds just the header,
 * a Parquet file no rows); with {@code shards: 0}, one empty file ({@code -00000-of-00001}).
 */
public final class WriteSink extends PTransform<PCollection<Row>, PDone> {
  private final PipelineSpec spec;
  private final List<SinkSpec> sinks;
  private final String runId;

  /** One file sink. */
  public WriteSink(PipelineSpec spec, SinkSpec sink, String runId) {
    this("Write " + sink.name(), spec, List.of(sink), runId);
  }

  /** Several file sinks of one pipeline, written by one step (each row handed over once). */
  public WriteSink(String name, PipelineSpec spec, List<SinkSpec> sinks, String runId) {
    super(name);
    this.spec = spec;
    this.sinks = List.copyOf(sinks);
    this.runId = Layout.checkRunId(runId);
    for (SinkSpec s : sinks) {
      if (s.isJdbc()) {
        throw new IllegalArgumentException("sink " + s.name() + " is a jdbc sink, not files");
      }
    }
  }

  @Override
  public PDone expand(PCollection<Row> rows) {
    Schema schema = Schemas.typed(spec);
    if (rows.hasSchema() && !rows.getSchema().assignableTo(schema)) {
      throw new IllegalArgumentException(
          (sinks.size() == 1 ? "sink " + sinks.get(0).name() : "sinks " + sinks.stream().map(SinkSpec::name).toList())
              + ": rows have schema " + rows.getSchema()
              + ", the spec's typed schema is " + schema);
    }
    String output = spec.output();
    String pipeline = spec.name();
    List<StagedWrite.FileSink<Row>> bundled = new ArrayList<>();
    for (SinkSpec sink : sinks) {
      String ext = sink.format().extension();
      String counter = CauceMetrics.written(sink.name());
      switch (sink.format()) {
        case JSONL -> bundled.add(StagedWrite.textSink(
            sink.name(), null, () -> new RowJson(schema)::format, counter, output, runId, ext, sink.shards()));
        case CSV -> bundled.add(StagedWrite.textSink(
            sink.name(), RowCsv.header(schema), () -> new RowCsv(schema)::format, counter, output, runId, ext, sink.shards()));
        case PARQUET -> {
          if (sink.shards() == 0) {
            bundled.add(StagedWrite.binarySink(
                sink.name(), () -> RowParquet.sink(schema, pipeline), counter, output, runId, ext, ParquetParts::merge));
            continue;
          }
          // a fixed number of Parquet files: Parquet files cannot be concatenated, Beam groups by shard
          FileIO.Write<Void, Row> write =
              FileIO.<Row>write().via(RowParquet.sink(schema, pipeline));
          rows.apply("Count " + sink.name(), ParDo.of(new CountEach<Row>(counter)))
              .setCoder(Coders.typedRow(schema))
              .apply("Files of " + sink.name(),
                  StagedWrite.toStaging(write, Layout.staging(output, runId, sink.name()).toString(), output, runId, ext, sink.shards()));
        }
      }
    }
    return bundled.isEmpty() ? PDone.in(rows.getPipeline()) : StagedWrite.write(rows, bundled, output, runId);
  }
}
