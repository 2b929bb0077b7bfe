package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.cauce.coders.Coders;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WriteDeadLetterTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final List<Rejection> REJECTIONS =
      List.of(
          new Rejection("r1", "orders", "parse", "/in/a.jsonl", 3, "{\"id\": \"x\n", null,
              List.of(Violation.of("malformed_json", "unexpected end of input"))),
          new Rejection("r1", "orders", "validate", "/in/b.csv", 9, "A-9,\"ñ, 😀\",-5", "id,name,amount",
              List.of(
                  new Violation("amount_positive", "range", "amount", "amount -5 is below 0"),
                  new Violation("name_short", "length", "name", null))));

  private PipelineSpec spec(DeadLetterSpec dl) {
    return TestSpecs.spec(
        tmp.getRoot().toPath().resolve("out").toString(),
        List.of(TestSpecs.sink("orders", SinkFormat.JSONL, 1)),
        dl);
  }

  private PipelineResult run(WriteDeadLetter write, List<Rejection> rejections) {
    (rejections.isEmpty()
            ? p.apply(Create.empty(Coders.rejection()))
            : p.apply(Create.of(rejections).withCoder(Coders.rejection())))
        .apply(write);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  private Path staging(String name) {
    return tmp.getRoot().toPath().resolve("out/_staging/r1").resolve(name);
  }

  @Test
  public void jsonlByDefaultInOneFileThatReplays() throws Exception {
    PipelineResult result = run(new WriteDeadLetter(spec(null), "r1"), REJECTIONS);

    Path dir = staging("rejected");
    assertThat(WriteSinkTest.names(dir), contains("r1-00000-of-00001.jsonl"));
    List<Rejection> back =
        WriteSinkTest.lines(dir.resolve("r1-00000-of-00001.jsonl")).stream().map(RejectionJson::fromJson).toList();
    assertThat(back, containsInAnyOrder(REJECTIONS.toArray()));
    assertThat(WriteSinkTest.counter(result, CauceMetrics.DEAD_LETTERED), is(2L));
  }

  @Test
  public void csvWithHeader() throws Exception {
    run(new WriteDeadLetter(spec(new DeadLetterSpec("bad", SinkFormat.CSV, WriteMode.APPEND)), "r1"), REJECTIONS);

    Path dir = staging("bad");
    assertThat(WriteSinkTest.names(dir), contains("r1-00000-of-00001.csv"));
    String text = Files.readString(dir.resolve("r1-00000-of-00001.csv"));
    RejectionCsv csv = new RejectionCsv();
    assertThat(text.startsWith(RejectionCsv.header() + "\n"), is(true));
    assertThat(text, containsString(csv.format(REJECTIONS.get(0)) + "\n"));
    assertThat(text, containsString(csv.format(REJECTIONS.get(1)) + "\n"));
    assertThat(
        text.length(),
        is(RejectionCsv.header().length() + csv.format(REJECTIONS.get(0)).length() + csv.format(REJECTIONS.get(1)).length() + 3));
  }

  @Test
  public void noRejectionsIsOneEmptyFile() throws Exception {
    PipelineResult result = run(new WriteDeadLetter(spec(DeadLetterSpec.DEFAULT), "r1"), List.of());

    Path dir = staging("rejected");
    assertThat(WriteSinkTest.names(dir), contains("r1-00000-of-00001.jsonl"));
    assertThat(Files.size(dir.resolve("r1-00000-of-00001.jsonl")), is(0L));
    assertThat(WriteSinkTest.counter(result, CauceMetrics.DEAD_LETTERED), is(0L));
  }

  @Test
  public void parquetIsRefused() {
    p.enableAbandonedNodeEnforcement(false);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WriteDeadLetter(spec(new DeadLetterSpec("bad", SinkFormat.PARQUET, WriteMode.APPEND)), "r1"));
    assertThat(e.getMessage(), containsString("jsonl or csv"));
  }
}
