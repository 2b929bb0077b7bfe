package dev.cauce;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.coders.Schemas;
import dev.cauce.metrics.Conservation;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.Rejection;
import dev.cauce.runner.RunnerProfile;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The job's own header check, for a file the plan did not refuse (the job matched it itself): a
 * refused header rejects every record of its file ({@code header_mismatch}, stage parse), whether
 * the file is read whole or in parts, and both accountings hold with exact figures.
 */
public class HeaderDriftJobTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final PipelineSpec SPEC = SpecLoader.parse("""
      name: fares
      source: {path: in/*.csv, format: csv}
      schema:
        - {name: vendor_id, type: string, required: true}
        - {name: fare, type: decimal, required: true}
        - {name: tip, type: decimal}
      """, "fares.yaml");

  private static String describe(Rejection r) {
    return r.stage() + ":" + Path.of(r.source()).getFileName() + ":" + r.line() + ":" + r.raw() + ":"
        + String.join(",", r.errors().stream().map(v -> v.reason() + " " + v.message()).toList());
  }

  @Test
  public void everyRecordOfARefusedFileIsRejectedAndEveryLineAccounted() throws Exception {
    Path in = tmp.newFolder("in").toPath();
    Files.writeString(in.resolve("a.csv"), "vendor_id,fare,tip\nV1,10.00,1.00\nV2,20.00,2.00\n\nV3,30.00,3.00\n");
    Files.writeString(in.resolve("b.csv"), "vendor_id,fare\nV4,40.00\nV5,50.00\n");
    PipelineSpec spec = SPEC.withOverrides(in + "/*.csv", tmp.getRoot() + "/out");

    CauceOptions options = p.getOptions().as(CauceOptions.class);
    // parts of 16 bytes: b.csv's second part carries the header the first part read
    CauceJob.Outputs out = CauceJob.build(p, spec, "r1", CauceJob.Input.of(options, RunnerProfile.of(options)).withSplitBytes(16));

    Schema3 s = new Schema3(spec);
    PAssert.that(out.records()).containsInAnyOrder(s.row("V1", "10.00", "1.00"), s.row("V2", "20.00", "2.00"), s.row("V3", "30.00", "3.00"));
    String why = "header_mismatch its CSV header does not fit the schema: lacks column `tip` (missing_columns: refuse);"
        + " fix the file's header, or change source.csv in the spec (missing_columns: fill)";
    PAssert.that(out.rejections().apply(MapElements.into(TypeDescriptors.strings()).via(HeaderDriftJobTest::describe)))
        .containsInAnyOrder("parse:b.csv:2:V4,40.00:" + why, "parse:b.csv:3:V5,50.00:" + why);
    PipelineResult result = p.run();
    result.waitUntilFinish();

    RunCounts c = RunCounts.from(result.metrics());
    assertThat(c.read(), equalTo(5L));
    assertThat(c.rejectedByStage(), equalTo(Map.of("parse", 2L)));
    assertThat(c.reasons(), equalTo(Map.of("parse", Map.of("header_mismatch", 2L))));
    assertThat(c.lines(), equalTo(new RunCounts.Lines(8, 5, Map.of("blank", 1L, "header", 2L))));
    assertThat(Conservation.linesHold(c.lines()), equalTo(true));
  }

  /** Typed rows of the spec. */
  private record Schema3(PipelineSpec spec) {
    Row row(String vendor, String fare, String tip) {
      return Row.withSchema(Schemas.typed(spec)).addValues(vendor, new BigDecimal(fare), new BigDecimal(tip)).build();
    }
  }
}
