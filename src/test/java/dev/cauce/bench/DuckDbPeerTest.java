package dev.cauce.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The bench's DuckDB peer does cauce's job: on 2,000 generated records its counts and its rejections
 * by reason equal cauce's own logic (the {@link Baseline}, which the bench checks against every
 * runner), on the bench's copy of the orders spec, so the peer's SQL cannot drift from the spec.
 */
public class DuckDbPeerTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void thePeerCountsAndRejectsAsCauceOnGeneratedOrders() throws Exception {
    Path root = tmp.getRoot().toPath();
    Path data = root.resolve("orders.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
      Generate.write(w, 2_000, 0.05, 0.05, 42);
    }
    // the bench's copy of the spec (runners/bench/bench.sh): order ids of 6-9 digits, no absolute limits
    String yaml = Files.readString(Path.of("pipelines/orders.yaml"));
    yaml = yaml.replace("pattern: \"^ORD-[0-9]{6}$\"", "pattern: \"^ORD-[0-9]{6,9}$\"");
    yaml = yaml.substring(0, yaml.indexOf("\n  limits:") + 1);
    Path specFile = root.resolve("orders-bench.yaml");
    Files.writeString(specFile, yaml);
    PipelineSpec spec = SpecLoader.load(specFile).withOverrides(data.toString(), root.resolve("cauce").toString());

    Baseline.Counts cauce = Baseline.run(spec, "t", root.resolve("cauce"), true);
    Map<String, Long> cauceReasons = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(root.resolve("cauce/rejected.jsonl"))) {
      cauceReasons.merge(json.readTree(line).get("reason").asText(), 1L, Long::sum);
    }
    DuckDbPeer.Counts duck = DuckDbPeer.run(data.toString(), root.resolve("duck"), 2);

    assertThat(cauce.read, equalTo(2_000L));
    assertThat(cauce.written, equalTo(1_801L));
    assertThat(cauce.duplicates, equalTo(100L));
    assertThat(duck.read(), equalTo(cauce.read));
    assertThat(duck.written(), equalTo(cauce.written));
    assertThat(duck.duplicates(), equalTo(cauce.duplicates));
    // every stage rejects some: the generator's seven kinds of dirt, 99 records
    assertThat(duck.reasons(), equalTo(cauceReasons));
    assertThat(duck.reasons(), equalTo(Map.of("amount_in_range", 11L, "currency_known", 13L, "email_format", 14L,
        "invalid_number", 14L, "invalid_timestamp", 21L, "malformed_json", 14L, "order_id_required", 12L)));
    assertThat(Files.readAllLines(root.resolve("duck/orders.jsonl")).size(), equalTo(1_801));
    assertThat(Files.readAllLines(root.resolve("duck/rejected.jsonl")).size(), equalTo(99));
    byte[] parquet = Files.readAllBytes(root.resolve("duck/orders_parquet.parquet"));
    assertThat(new String(parquet, 0, 4, StandardCharsets.US_ASCII), equalTo("PAR1"));
    // the same kept orders, the same latest versions
    assertThat(ids(root.resolve("duck/orders.jsonl"), json), equalTo(ids(root.resolve("cauce/orders.jsonl"), json)));
  }

  /** order_id to updated_at's epoch second, as both write it in their own timestamp text. */
  private static Map<String, Long> ids(Path jsonl, ObjectMapper json) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    List<String> lines = Files.readAllLines(jsonl);
    for (String line : lines) {
      var n = json.readTree(line);
      String t = n.get("updated_at").asText().replace(' ', 'T').replace("+00", "Z").replace("ZZ", "Z");
      m.put(n.get("order_id").asText(), java.time.OffsetDateTime.parse(t.endsWith("Z") ? t : t + "Z").toEpochSecond());
    }
    return m;
  }

  @Test(expected = IllegalArgumentException.class)
  public void aPathWithAQuoteIsRefused() {
    DuckDbPeer.literal("/tmp/o'brien.jsonl");
  }
}
