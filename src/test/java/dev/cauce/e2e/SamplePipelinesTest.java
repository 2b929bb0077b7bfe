package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Rule;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Both sample pipelines, end to end, against a hand-checked oracle: {@code
 * src/test/resources/expected/<pipeline>.tsv} says what must happen to every record read (written,
 * rejected at which stage for which reasons, or dropped as a duplicate) and which warnings fire.
 * The run's counts, its dead letter and its published keys (in every sink: JSONL, CSV, Parquet)
 * must match it exactly, and the published records must equal the reviewed golden files {@code
 * expected/<pipeline>.written.jsonl}.
 */
@RunWith(Parameterized.class)
public class SamplePipelinesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Runner parity: every runner must give exactly the oracle's outcome and the golden records. */
  @Parameters(name = "{0}")
  public static List<Object[]> runners() {
    return List.of(
        // direct and flink p2 read the sample files in parts of ~2 KB (--splitBytes): the same
        // outcome as reading them whole (flink p1, and every other test) proves the split reads
        new Object[] {"direct-split", new String[] {"--runner=DirectRunner", "--splitBytes=2000"}},
        new Object[] {"flink-local-p1", new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"}},
        new Object[] {"flink-local-p2-split", new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--splitBytes=1500"}});
  }

  @Parameter(0)
  public String runnerName;

  @Parameter(1)
  public String[] runnerArgs;

  record Expected(String file, long line, String outcome, String stage, List<String> reasons, List<String> warnings, String key) {}

  static List<Expected> oracle(String pipeline) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("src/test/resources/expected/" + pipeline + ".tsv"), StandardCharsets.UTF_8);
    List<Expected> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      if (l.isBlank()) {
        continue;
      }
      String[] c = l.split("\t", -1);
      out.add(new Expected(c[0], Long.parseLong(c[1]), c[2], c[3], split(c[4]), split(c[5]), c.length > 6 ? c[6] : ""));
    }
    return out;
  }

  static List<String> split(String s) {
    return s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  @Test
  public void ordersMatchesTheOracle() throws IOException {
    CauceRun run = check("orders", "order_id");
    assertThat(sorted(CauceRun.published(run.output.resolve("orders"))), equalTo(golden("orders")));
    List<String> parquetKeys = new ArrayList<>();
    // runner-decided sharding, sized by the data: the 116 rows in one file on every runner (the
    // Direct runner made a part per dedupe bucket, 16 files, before small outputs' parts were joined)
    assertThat(dataFiles(run.output.resolve("orders_parquet")).size(), equalTo(1));
    for (Path f : dataFiles(run.output.resolve("orders_parquet"))) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), new Configuration())).build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          parquetKeys.add(r.get("order_id").toString());
        }
      }
    }
    assertThat(sorted(parquetKeys), equalTo(expectedKeys("orders")));
  }

  @Test
  public void tripsMatchesTheOracle() throws IOException {
    CauceRun run = check("trips", "trip_id");
    assertThat(sorted(CauceRun.published(run.output.resolve("trips_archive"))), equalTo(golden("trips")));
    List<String> csvKeys = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(dataFiles(run.output.resolve("trips")).get(0).toFile())) {
      it.forEachRemaining(row -> csvKeys.add(row.get("trip_id")));
    }
    assertThat(sorted(csvKeys), equalTo(expectedKeys("trips")));
  }

  /** The published records, sorted, must equal the reviewed golden file byte for byte. */
  private static List<String> golden(String pipeline) throws IOException {
    return Files.readAllLines(Path.of("src/test/resources/expected/" + pipeline + ".written.jsonl"), StandardCharsets.UTF_8);
  }

  private static List<String> expectedKeys(String pipeline) throws IOException {
    return sorted(oracle(pipeline).stream().filter(e -> e.outcome().equals("written")).map(Expected::key).toList());
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  private static List<Path> dataFiles(Path dir) throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("_MANIFEST.json").toFile());
    List<Path> files = new ArrayList<>();
    manifest.get("files").forEach(f -> files.add(dir.resolve(f.asText())));
    return files;
  }

  private CauceRun check(String pipeline, String keyField) throws IOException {
    List<Expected> expected = oracle(pipeline);
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.add("--spec=pipelines/" + pipeline + ".yaml");
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), pipeline + "-" + runnerName, args.toArray(String[]::new));
    assertThat(run.report().get("runner").asText(), equalTo(runnerArgs[0].substring("--runner=".length())));
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));

    long read = expected.size();
    long written = expected.stream().filter(e -> e.outcome().equals("written")).count();
    long duplicates = expected.stream().filter(e -> e.outcome().equals("duplicate")).count();
    Map<String, Long> rejectedByStage = new TreeMap<>();
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, Long> warnings = new TreeMap<>();
    for (Expected e : expected) {
      if (e.outcome().equals("rejected")) {
        rejectedByStage.merge(e.stage(), 1L, Long::sum);
        e.reasons().forEach(r -> reasons.merge(e.stage() + "/" + r, 1L, Long::sum));
      }
      e.warnings().forEach(w -> warnings.merge(w, 1L, Long::sum));
    }
    JsonNode counts = run.report().get("counts");
    assertThat(counts.get("read").asLong(), equalTo(read));
    assertThat(counts.get("duplicates").asLong(), equalTo(duplicates));
    assertThat(toMap(counts.get("rejected_by_stage")), equalTo(rejectedByStage));
    assertThat(BadInputCorpusTest.reasons(run.report()), equalTo(reasons));
    assertThat(toMap(counts.get("warnings_by_rule")), equalTo(warnings));
    counts.get("written").fields().forEachRemaining(s -> assertThat(s.getKey(), s.getValue().asLong(), equalTo(written)));
    assertThat(run.report().get("conservation").get("holds").asBoolean(), equalTo(true));

    // the dead letter: exactly the rejected records, each with its stage and all its reasons
    List<String> deadActual = new ArrayList<>();
    for (Map<String, String> n : CauceRun.deadLetter(run.output.resolve("rejected"))) {
      deadActual.add(Path.of(n.get("source")).getFileName() + ":" + n.get("line") + " " + n.get("stage") + " " + n.get("reasons"));
    }
    List<String> deadExpected = expected.stream().filter(e -> e.outcome().equals("rejected"))
        .map(e -> e.file() + ":" + e.line() + " " + e.stage() + " " + String.join(",", e.reasons())).toList();
    assertThat(deadActual.stream().sorted().toList(), equalTo(deadExpected.stream().sorted().toList()));

    // the published keys: exactly the oracle's written records
    List<String> keys = new ArrayList<>();
    for (String l : CauceRun.published(run.output.resolve(pipeline.equals("trips") ? "trips_archive" : pipeline))) {
      keys.add(BadInputCorpusTest.json(l).get(keyField).asText());
    }
    assertThat(sorted(keys), equalTo(expectedKeys(pipeline)));
    return run;
  }

  private static Map<String, Long> toMap(JsonNode node) {
    Map<String, Long> m = new TreeMap<>();
    node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }
}
