package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.cauce.reference.ReferenceLoader;
import dev.cauce.reference.ReferenceLoader.ReferenceException;
import dev.cauce.reference.ReferenceTable;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * A reference table read from {@code gs://} through Beam's GCS file system, against a {@link
 * FakeGcsServer} (what Beam's GCS stack does with the JSON API; nothing about auth or real GCS errors).
 */
public class GcsReferenceTest {
  private FakeGcsServer gcs;

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket("bucket");
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.fromArgs(gcs.beamArgs().toArray(String[]::new)).create());
    gcs.putObject("bucket", "ref/zips.csv", "zip,city\n02134,Allston\n10001,New York\n");
  }

  @After
  public void stop() {
    gcs.close();
  }

  private static PipelineSpec spec(String path) {
    return SpecLoader.parse("""
        name: m
        source: {path: in/*.csv, format: csv}
        references: [{name: zips, path: PATH, key: [zip]}]
        schema:
          - {name: zip, type: string}
          - {name: city, type: string, lookup: {reference: zips, on: [zip]}}
        """.replace("PATH", path), "m.yaml");
  }

  @Test
  public void aReferenceIsReadFromGcs() {
    Map<String, ReferenceTable> tables = ReferenceLoader.loadAll(spec("gs://bucket/ref/zips.csv"), null);
    ReferenceTable zips = tables.get("zips");
    assertThat(zips.describe(), equalTo("zips: 2 rows, 2 keys, 0 duplicate key(s) dropped (gs://bucket/ref/zips.csv, 38 bytes)"));
    assertThat(List.copyOf(zips.rows().values()), equalTo(List.of(List.of("02134", "Allston"), List.of("10001", "New York"))));
    assertThat(gcs.log(), gcs.unimplementedCalls(), empty());
  }

  @Test
  public void aMissingObjectIsAClearError() {
    ReferenceException e = assertThrows(ReferenceException.class, () -> ReferenceLoader.loadAll(spec("gs://bucket/ref/nope.csv"), null));
    assertThat(e.getMessage(), equalTo("cauce: reference zips (gs://bucket/ref/nope.csv): file not found"));
  }
}
