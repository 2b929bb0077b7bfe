package dev.cauce.dedupe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;

import dev.cauce.TestSpecs;
import dev.cauce.coders.Schemas;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import java.math.BigDecimal;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;

public class DeduperTest {
  private static final PipelineSpec FIRST = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.FIRST, null, 16));
  private static final PipelineSpec LATEST =
      TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 16));

  static CauceRecord rec(PipelineSpec spec, String file, long line, String id, Long updatedMillis) {
    Row row = Row.withSchema(Schemas.typed(spec))
        .addValues(id, "n", new BigDecimal("1.50"), updatedMillis == null ? null : new Instant(updatedMillis))
        .build();
    return new CauceRecord(SourceRecord.of(file, line, "{}"), row);
  }

  @Test
  public void firstKeepsEarliestInSourceOrderWhateverTheArgumentOrder() {
    Deduper d = new Deduper(FIRST.dedupe(), Schemas.typed(FIRST));
    CauceRecord a = rec(FIRST, "a.jsonl", 9, "k", null);
    CauceRecord b = rec(FIRST, "b.jsonl", 1, "k", null);
    CauceRecord a2 = rec(FIRST, "a.jsonl", 10, "k", null);
    assertThat(d.keep(a, b), sameInstance(a));
    assertThat(d.keep(b, a), sameInstance(a));
    assertThat(d.keep(a2, a), sameInstance(a));
  }

  @Test
  public void latestKeepsGreatestOrderByAndBreaksTiesByLaterSourcePosition() {
    Deduper d = new Deduper(LATEST.dedupe(), Schemas.typed(LATEST));
    CauceRecord old = rec(LATEST, "a.jsonl", 1, "k", 1000L);
    CauceRecord newer = rec(LATEST, "a.jsonl", 2, "k", 2000L);
    CauceRecord tieLater = rec(LATEST, "b.jsonl", 1, "k", 2000L);
    CauceRecord noTime = rec(LATEST, "z.jsonl", 99, "k", null);
    assertThat(d.keep(old, newer), sameInstance(newer));
    assertThat(d.keep(newer, old), sameInstance(newer));
    assertThat(d.keep(newer, tieLater), sameInstance(tieLater));
    assertThat(d.keep(tieLater, newer), sameInstance(tieLater));
    assertThat(d.keep(noTime, old), sameInstance(old));
  }

  @Test
  public void keysSeparateFieldsAndMarkNulls() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id", "name"), DedupeSpec.Keep.FIRST, null, 16));
    Deduper d = new Deduper(spec.dedupe(), Schemas.typed(spec));
    Row ab = Row.withSchema(Schemas.typed(spec)).addValues("a", "b", null, null).build();
    Row abNull = Row.withSchema(Schemas.typed(spec)).addValues("ab", null, null, null).build();
    assertThat(d.keyOf(ab), not(equalTo(d.keyOf(abNull))));
    assertThat(d.bucketOf(d.keyOf(ab)), equalTo(Math.floorMod(d.keyOf(ab).hashCode(), 16)));
  }

  @Test
  public void decimalKeysIgnoreTrailingZeros() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("amount"), DedupeSpec.Keep.FIRST, null, 16));
    Deduper d = new Deduper(spec.dedupe(), Schemas.typed(spec));
    Row x = Row.withSchema(Schemas.typed(spec)).addValues("a", null, new BigDecimal("1.50"), null).build();
    Row y = Row.withSchema(Schemas.typed(spec)).addValues("b", null, new BigDecimal("1.5"), null).build();
    assertThat(d.keyOf(x), equalTo(d.keyOf(y)));
  }

  @Test
  public void aReplayedRecordReplacesALiveOneOnlyWithLatestAndALaterOrderValue() {
    Deduper first = new Deduper(FIRST.dedupe(), Schemas.typed(FIRST));
    Deduper latest = new Deduper(LATEST.dedupe(), Schemas.typed(LATEST));
    Row live = rec(LATEST, "a.jsonl", 1, "k", 2000L).row();
    assertThat(first.replacesLive(live, rec(FIRST, "a.jsonl", 1, "k", 9000L).row()), equalTo(false));
    assertThat(latest.replacesLive(live, rec(LATEST, "a.jsonl", 1, "k", 2001L).row()), equalTo(true));
    assertThat("a tie keeps the live record", latest.replacesLive(live, rec(LATEST, "z.jsonl", 9, "k", 2000L).row()), equalTo(false));
    assertThat(latest.replacesLive(live, rec(LATEST, "a.jsonl", 1, "k", null).row()), equalTo(false));
    assertThat(latest.replacesLive(rec(LATEST, "a.jsonl", 1, "k", null).row(), live), equalTo(true));
    assertThat(latest.latestLive(live, rec(LATEST, "a.jsonl", 1, "k", 1000L).row()), sameInstance(live));
    assertThat(latest.describeKey(live), equalTo("id=k"));
    assertThat(latest.decidingFields(), equalTo(new int[] {0, 3}));
    assertThat(first.decidingFields(), equalTo(new int[] {0}));
  }
}
