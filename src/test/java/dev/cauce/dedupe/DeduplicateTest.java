package dev.cauce.dedupe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.TestSpecs;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.CauceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Every grouping keeps the same records: by key, by hash bucket (the Direct runner), and for records
 * the stage step hands on keyed by hash (Flink): one group per hash, or batches per hash bucket.
 */
@RunWith(Parameterized.class)
public class DeduplicateTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Parameters(name = "{0}")
  public static List<Object[]> groupings() {
    return List.of(new Object[] {"KEY"}, new Object[] {"BUCKET"}, new Object[] {"KEYED"}, new Object[] {"KEYED_BATCHED"});
  }

  @Parameter(0)
  public String grouping;

  private Deduped dedupe(PCollection<CauceRecord> in, PipelineSpec spec, String runId) {
    Coders.CauceRecordCoder coder = (Coders.CauceRecordCoder) in.getCoder();
    return switch (grouping) {
      case "KEYED", "KEYED_BATCHED" -> in.apply(ParDo.of(new Deduplicate.KeyFn(spec, coder))).setCoder(Deduplicate.KEYED_CODER)
          .apply(Deduplicate.keyed(spec, runId, coder, grouping.equals("KEYED") ? 0 : 3));
      default -> in.apply(new Deduplicate(spec, Deduplicate.Grouping.valueOf(grouping), runId));
    };
  }

  @Test
  public void keepsLatestPerKeyAndCountsDuplicates() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 3));
    // 50 keys, each seen 3 times; the winner is the one with the greatest updated_at (line 2)
    List<CauceRecord> input = threeVersions(spec, 50);

    PCollection<String> kept =
        p.apply(Create.of(input).withCoder(Coders.cauceRecord(Schemas.typed(spec))))
            .apply("Dedupe", new org.apache.beam.sdk.transforms.PTransform<PCollection<CauceRecord>, PCollection<CauceRecord>>() {
              @Override
              public PCollection<CauceRecord> expand(PCollection<CauceRecord> in) {
                return dedupe(in, spec, "run").kept();
              }
            })
            .apply(MapElements.into(TypeDescriptors.strings()).via(r -> r.row().getString("id") + "@" + r.origin().line()));

    List<String> expected = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      expected.add("k" + k + "@" + (k * 10 + 2));
    }
    expected.add("single@1");
    PAssert.that(kept).containsInAnyOrder(expected);

    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(100L));
  }

  @Test
  public void listsEachDroppedRecordWithTheRecordKeptAsManyAsDuplicates() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 3, "dropped"));
    // 20 keys, each seen 3 times: line k*10+2 (3000) wins over k*10+1 (1000) and b.jsonl k*10+3 (2000)
    List<CauceRecord> input = threeVersions(spec, 20);

    Deduped out = dedupe(p.apply(Create.of(input).withCoder(Coders.cauceRecord(Schemas.typed(spec)))), spec, "r1");
    PCollection<String> dropped = out.dropped().apply(MapElements.into(TypeDescriptors.strings()).via(line -> {
      try {
        var d = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        return d.get("key").asText() + " " + d.get("source").asText() + ":" + d.get("line").asInt()
            + " lost to " + d.get("kept").get("source").asText() + ":" + d.get("kept").get("line").asInt();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }));
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      expected.add("id=k" + k + " a.jsonl:" + (k * 10 + 1) + " lost to a.jsonl:" + (k * 10 + 2));
      expected.add("id=k" + k + " b.jsonl:" + (k * 10 + 3) + " lost to a.jsonl:" + (k * 10 + 2));
    }
    PAssert.that(dropped).containsInAnyOrder(expected);

    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat("one line per duplicate", RunCounts.from(result.metrics()).duplicates(), equalTo((long) expected.size()));
  }

  /** {@code keys} keys k0.. seen 3 times (a.jsonl k*10+1 at 1000, a.jsonl k*10+2 at 3000, b.jsonl k*10+3 at 2000), and one single. */
  private static List<CauceRecord> threeVersions(PipelineSpec spec, int keys) {
    List<CauceRecord> input = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      input.add(DeduperTest.rec(spec, "a.jsonl", k * 10 + 1, "k" + k, 1000L));
      input.add(DeduperTest.rec(spec, "a.jsonl", k * 10 + 2, "k" + k, 3000L));
      input.add(DeduperTest.rec(spec, "b.jsonl", k * 10 + 3, "k" + k, 2000L));
    }
    input.add(DeduperTest.rec(spec, "c.jsonl", 1, "single", null));
    return input;
  }
}
