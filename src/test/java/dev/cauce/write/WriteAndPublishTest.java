package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.cauce.coders.Coders;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The whole write stage: a job stages every sink and the dead letter, then the run is published. */
public class WriteAndPublishTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void stagedByTheJobThenPublished() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    PipelineSpec spec =
        TestSpecs.spec(
            out.toString(),
            List.of(
                new SinkSpec("orders", SinkFormat.JSONL, 2, WriteMode.OVERWRITE),
                new SinkSpec("flat", SinkFormat.CSV, 1, WriteMode.APPEND),
                new SinkSpec("cols", SinkFormat.PARQUET, 1, WriteMode.OVERWRITE)),
            DeadLetterSpec.DEFAULT);
    List<Row> rows = List.of(TestSpecs.full(), TestSpecs.nulls());
    Rejection rejection =
        new Rejection("run-7", "orders", "clean", "/in/a.jsonl", 4, "{\"qty\":\"x\"}", null,
            List.of(new Violation("invalid_number", "int", "qty", "not a number: x")));

    PCollection<Row> typed = p.apply("Rows", Create.of(rows).withRowSchema(TestSpecs.schema()));
    for (SinkSpec sink : spec.sinks()) {
      typed.apply(new WriteSink(spec, sink, "run-7"));
    }
    p.apply("Rejections", Create.of(rejection).withCoder(Coders.rejection())).apply(new WriteDeadLetter(spec, "run-7"));
    p.run().waitUntilFinish();

    new Publisher().publish(spec, "run-7");

    RowJson json = new RowJson(TestSpecs.schema());
    RowCsv csv = new RowCsv(TestSpecs.schema());
    assertThat(
        Publisher.readPublishedLines(out.resolve("orders").toString()),
        containsInAnyOrder(json.format(rows.get(0)), json.format(rows.get(1))));
    assertThat(Publisher.publishedFiles(out.resolve("orders").toString()), hasSize(2));
    List<String> flat = Publisher.readPublishedLines(out.resolve("flat").toString());
    assertThat(flat.get(0), is(csv.header()));
    assertThat(flat.subList(1, flat.size()), containsInAnyOrder(csv.format(rows.get(0)), csv.format(rows.get(1))));
    List<String> cols = Publisher.publishedFiles(out.resolve("cols").toString());
    assertThat(cols, contains(out.resolve("cols/run-7-00000-of-00001.parquet").toString()));
    assertThat(WriteSinkTest.readParquet(Path.of(cols.get(0))), hasSize(2));
    assertThat(
        Publisher.readPublishedLines(out.resolve("rejected").toString()).stream().map(RejectionJson::fromJson).toList(),
        contains(rejection));

    assertThat(Files.exists(out.resolve("_staging/run-7")), is(false));
    try (Stream<Path> s = Files.list(out)) {
      assertThat(
          s.map(f -> f.getFileName().toString()).sorted().toList(),
          contains("_COMMIT.json", "_COMMIT.lock", "_staging", "cols", "flat", "orders", "rejected"));
    }
  }
}
