package dev.cauce.dedupe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.TestSpecs;
import dev.cauce.coders.Schemas;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;

public class DroppedLinesTest {
  private static final PipelineSpec LATEST =
      TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.LATEST, "updated_at", 16, "dropped"));

  @Test
  public void aLineNamesTheKeyTheDroppedRecordAndTheRecordKept() {
    DroppedLines lines = Deduplicate.droppedLines(LATEST, new Deduper(LATEST.dedupe(), Schemas.typed(LATEST)), "r1");
    String line = lines.line(DeduperTest.rec(LATEST, "a.jsonl", 1, "k", 1000L), DeduperTest.rec(LATEST, "b.jsonl", 7, "k", 3000L));
    assertThat(line, equalTo("{\"run_id\":\"r1\",\"pipeline\":\"" + LATEST.name() + "\",\"key\":\"id=k\",\"source\":\"a.jsonl\",\"line\":1,"
        + "\"order_by\":\"1970-01-01T00:00:01.000Z\",\"kept\":{\"source\":\"b.jsonl\",\"line\":7,\"order_by\":\"1970-01-01T00:00:03.000Z\"},"
        + "\"record\":{\"id\":\"k\",\"name\":\"n\",\"amount\":1.50,\"updated_at\":\"1970-01-01T00:00:01.000Z\"}}"));
  }

  @Test
  public void aReplayedRecordLostToTheLiveOneNamesItByItsOrderValueAndANullOrderIsNull() {
    DroppedLines lines = Deduplicate.droppedLines(LATEST, new Deduper(LATEST.dedupe(), Schemas.typed(LATEST)), "r2");
    Row live = Row.withSchema(Schemas.typed(LATEST)).addValues("k", null, null, new Instant(5000L)).build();
    String line = lines.lineAgainstLive(DeduperTest.rec(LATEST, "fix.jsonl", 3, "k", null), live);
    assertThat(line, equalTo("{\"run_id\":\"r2\",\"pipeline\":\"" + LATEST.name() + "\",\"key\":\"id=k\",\"source\":\"fix.jsonl\",\"line\":3,"
        + "\"order_by\":null,\"kept\":{\"live\":true,\"order_by\":\"1970-01-01T00:00:05.000Z\"},"
        + "\"record\":{\"id\":\"k\",\"name\":\"n\",\"amount\":1.50,\"updated_at\":null}}"));
  }

  @Test
  public void withKeepFirstALineHasNoOrderValues() {
    PipelineSpec first = TestSpecs.simple(new DedupeSpec(List.of("id", "name"), DedupeSpec.Keep.FIRST, null, 16, "dropped"));
    DroppedLines lines = Deduplicate.droppedLines(first, new Deduper(first.dedupe(), Schemas.typed(first)), "r1");
    String line = lines.line(DeduperTest.rec(first, "b.jsonl", 9, "k", null), DeduperTest.rec(first, "a.jsonl", 4, "k", null));
    assertThat(line, equalTo("{\"run_id\":\"r1\",\"pipeline\":\"" + first.name() + "\",\"key\":\"id=k, name=n\",\"source\":\"b.jsonl\","
        + "\"line\":9,\"kept\":{\"source\":\"a.jsonl\",\"line\":4},"
        + "\"record\":{\"id\":\"k\",\"name\":\"n\",\"amount\":1.50,\"updated_at\":null}}"));
  }

  @Test
  public void withoutDroppedInTheSpecThereAreNoLines() {
    PipelineSpec spec = TestSpecs.simple(new DedupeSpec(List.of("id"), DedupeSpec.Keep.FIRST, null, 16));
    assertThat(Deduplicate.droppedLines(spec, new Deduper(spec.dedupe(), Schemas.typed(spec)), "r1") == null, equalTo(true));
  }
}
