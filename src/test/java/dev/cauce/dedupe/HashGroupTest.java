package dev.cauce.dedupe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertNotEquals;

import dev.cauce.TestSpecs;
import dev.cauce.coders.Coders;
import dev.cauce.coders.Schemas;
import dev.cauce.metrics.RunCounts;
import dev.cauce.model.CauceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/** Grouping by key hash: keys whose hashes collide share a group and are still deduplicated apart. */
public class HashGroupTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void theHashIsSpecifiedAndSpreadsSimilarKeys() {
    assertThat(Deduper.hashOf(""), equalTo(Deduper.hashOf("")));
    assertNotEquals(Deduper.hashOf("ORD-0000001"), Deduper.hashOf("ORD-0000002"));
    assertNotEquals(Deduper.hashOf("ab"), Deduper.hashOf("ba"));
    // fixed: every JVM and runner must agree on it
    assertThat(Deduper.hashOf("ORD-123456"), equalTo(Deduper.hashOf(new String("ORD-123456"))));
  }

  @Test
  public void collidingKeysInOneGroupAreKeptApart() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 3, "dropped"));
    var coder = Coders.cauceRecord(Schemas.typed(spec));
    // one group (as if "x" and "y" had the same hash): x three times, y twice, z once, interleaved
    List<CauceRecord> group = List.of(
        DeduperTest.rec(spec, "a.jsonl", 1, "x", 1000L),
        DeduperTest.rec(spec, "a.jsonl", 2, "y", 5000L),
        DeduperTest.rec(spec, "a.jsonl", 3, "x", 3000L),
        DeduperTest.rec(spec, "a.jsonl", 4, "z", 1000L),
        DeduperTest.rec(spec, "a.jsonl", 5, "y", 4000L),
        DeduperTest.rec(spec, "a.jsonl", 6, "x", 2000L));
    List<byte[]> encoded = group.stream().map(coder::toBytes).toList();
    PCollectionTuple out = p.apply(Create.of(KV.of(7L, (Iterable<byte[]>) encoded))
            .withCoder(KvCoder.of(BigEndianLongCoder.of(), IterableCoder.of(ByteArrayCoder.of()))))
        .apply(ParDo.of(new Deduplicate.KeepOneFn(spec, "r1", coder))
            .withOutputTags(Deduplicate.KEPT, TupleTagList.of(Deduplicate.DROPPED)));
    PAssert.that(out.get(Deduplicate.KEPT).setCoder(coder)
            .apply("kept", MapElements.into(TypeDescriptors.strings()).via(r -> r.row().getString("id") + ":" + r.origin().line())))
        .containsInAnyOrder("x:3", "y:2", "z:4");
    PAssert.that(out.get(Deduplicate.DROPPED)
            .apply("dropped", MapElements.into(TypeDescriptors.strings()).via(line -> line.replaceAll(".*\"key\":\"([^\"]*)\".*\"line\":(\\d+).*\"kept\".*", "$1 $2"))))
        .containsInAnyOrder("id=x 1", "id=x 6", "id=y 5");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(3L));
  }

  /** Batches per bucket fill and leave many times over; every key still meets all its versions. */
  @Test
  public void bucketBatchesSpanManyFlushes() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 1));
    var coder = Coders.cauceRecord(Schemas.typed(spec));
    List<CauceRecord> input = new java.util.ArrayList<>();
    List<String> expected = new java.util.ArrayList<>();
    for (int k = 0; k < 3000; k++) { // two versions each, far apart in the input: ~600 KB over 2 buckets of 32 KB batches
      input.add(DeduperTest.rec(spec, "a.jsonl", k + 1, "key-" + k, 2000L));
      expected.add("key-" + k + "@b.jsonl");
    }
    for (int k = 0; k < 3000; k++) {
      input.add(DeduperTest.rec(spec, "b.jsonl", k + 1, "key-" + k, 3000L));
    }
    var kept = p.apply(Create.of(input).withCoder(coder))
        .apply(ParDo.of(new Deduplicate.KeyFn(spec, coder))).setCoder(Deduplicate.KEYED_CODER)
        .apply(Deduplicate.keyed(spec, "r1", coder, 2)).kept()
        .apply(MapElements.into(TypeDescriptors.strings()).via(r -> r.row().getString("id") + "@" + r.origin().source()));
    PAssert.that(kept).containsInAnyOrder(expected);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(RunCounts.from(result.metrics()).duplicates(), equalTo(3000L));
  }

  @Test
  public void bucketsFollowTheInputsSize() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 16));
    Deduplicate.Grouping key = Deduplicate.Grouping.KEY;
    assertThat(Deduplicate.bucketsFor(spec, key, 0), equalTo(0)); // unknown size: one group per key
    assertThat(Deduplicate.bucketsFor(spec, key, 1), equalTo(16));
    assertThat(Deduplicate.bucketsFor(spec, key, 281_751_269L), equalTo(68)); // the bench's 1M orders
    assertThat(Deduplicate.bucketsFor(spec, key, 1L << 40), equalTo(4096));
    // the Direct runner: the spec's buckets, fewer for a small input
    Deduplicate.Grouping bucket = Deduplicate.Grouping.BUCKET;
    assertThat(Deduplicate.bucketsFor(spec, bucket, 0), equalTo(16));
    assertThat(Deduplicate.bucketsFor(spec, bucket, 30_000), equalTo(1));
    assertThat(Deduplicate.bucketsFor(spec, bucket, 9L << 20), equalTo(3));
    assertThat(Deduplicate.bucketsFor(spec, bucket, 281_751_269L), equalTo(16));
  }
}
