package dev.cauce.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ConservationTest {
  @Test
  public void holdsWhenEverySinkAddsUp() {
    RunCounts c = RunCounts.fromCounters(Map.of("read", 10L, "rejected.clean", 2L, "reason.clean.invalid_date", 3L,
        "duplicates", 1L, "written.a", 7L, "written.b", 7L, "dead_lettered", 2L));
    assertThat(Conservation.problems(c, List.of("a", "b")), empty());
    assertThat(c.rejected(), equalTo(2L));
    assertThat(c.violations("invalid_date"), equalTo(3L));
  }

  @Test
  public void namesTheSinkThatLostRecordsAndADeadLetterThatDoesNotMatch() {
    RunCounts c = RunCounts.fromCounters(Map.of("read", 10L, "rejected.parse", 2L, "written.a", 8L, "written.b", 7L, "dead_lettered", 1L));
    List<String> problems = Conservation.problems(c, List.of("a", "b"));
    assertThat(problems, hasSize(2));
    assertThat(problems.get(0), containsString("sink b: read 10 != written 7 + rejected 2 + duplicates 0 (difference 1)"));
    assertThat(problems.get(1), containsString("dead letter: 1 rejections written, but 2 records rejected"));
  }

  @Test
  public void countsAreOrderedByStage() {
    RunCounts c = RunCounts.fromCounters(Map.of("rejected.validate", 1L, "rejected.ingest", 1L, "rejected.parse", 1L));
    assertThat(List.copyOf(c.rejectedByStage().keySet()), contains("ingest", "parse", "validate"));
  }

  @Test
  public void linesAreCheckedForFileSourcesOnly() {
    Map<String, Long> counters = new java.util.HashMap<>(Map.of("read", 2L, "written.a", 2L, "lines.consumed", 310L,
        "lines.in_records", 300L, "lines.skipped.blank", 9L, "lines.skipped.header", 1L));
    Conservation.Check ok = Conservation.check(RunCounts.fromCounters(counters), List.of("a"), true);
    assertThat(ok.holds(), equalTo(true));
    assertThat(ok.lines(), equalTo("consumed 310 = in records 300 + skipped 10 (blank 9, header 1)"));

    counters.put("lines.skipped.blank", 8L); // a line vanished
    Conservation.Check broken = Conservation.check(RunCounts.fromCounters(counters), List.of("a"), true);
    assertThat(broken.holds(), equalTo(false));
    assertThat(broken.problems(), contains("lines: consumed 310 != in records 300 + skipped 9 (blank 8, header 1) (difference 1)"));
    Conservation.Check http = Conservation.check(RunCounts.fromCounters(counters), List.of("a"), false);
    assertThat(http.holds(), equalTo(true));
    assertThat(http.lines(), equalTo(null));
  }
}
