package dev.cauce.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The bench's yardstick gives the job's outcome on the orders sample and writes every sink of the spec. */
public class BaselineTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void theOrdersSampleGivesTheOracleCountsAndEverySinkOfTheSpec() throws Exception {
    PipelineSpec spec = SpecLoader.load(Path.of("pipelines/orders.yaml"));
    Path out = tmp.getRoot().toPath().resolve("out");
    Baseline.Counts c = Baseline.run(spec, "b1", out, true);
    assertThat(c.read, equalTo(157L));
    assertThat(c.written, equalTo(116L));
    assertThat(c.duplicates, equalTo(8L));
    assertThat(c.rejected, equalTo(Map.of("ingest", 1L, "parse", 13L, "clean", 7L, "validate", 12L)));
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList(),
          contains("orders.jsonl", "orders_parquet.parquet", "rejected.jsonl"));
    }
    assertThat(Files.readAllLines(out.resolve("orders.jsonl")).size(), equalTo(116));
    assertThat(Files.readAllLines(out.resolve("rejected.jsonl")).size(), equalTo(33));
    byte[] parquet = Files.readAllBytes(out.resolve("orders_parquet.parquet"));
    assertThat(new String(parquet, 0, 4, java.nio.charset.StandardCharsets.US_ASCII), equalTo("PAR1"));
  }
}
