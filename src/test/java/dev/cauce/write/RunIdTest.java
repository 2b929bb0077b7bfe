package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

/** Any run id an orchestrator passes is named in files by a safe form; only empty and over-long ids are refused. */
public class RunIdTest {
  @Test
  public void airflowRunIdsGetASafeFormWithAHashOfTheGivenId() {
    assertThat(Layout.safeRunId("manual__2026-12-03T14:00:00+00:00"), equalTo("manual__2026-12-03T14_00_00_00_00-a9a6c9ae"));
    assertThat(Layout.safeRunId("scheduled__2026-12-04T00:00:00+00:00"), equalTo("scheduled__2026-12-04T00_00_00_00_00-84b28ccb"));
    assertThat(Layout.safeRunId("dataset_triggered__2026-12-03T14:00:00.123456+00:00"),
        equalTo("dataset_triggered__2026-12-03T14_00_00.123456_00_00-05d910c7"));
  }

  @Test
  public void safeIdsStayAsTheyAre() {
    assertThat(Layout.safeRunId("r1"), equalTo("r1"));
    assertThat(Layout.safeRunId("20261203T215754Z-0d63b4"), equalTo("20261203T215754Z-0d63b4"));
    assertThat(Layout.safeRunId("a_b"), equalTo("a_b"));
  }

  @Test
  public void idsThatWouldLookAlikeStayDifferent() {
    assertThat(Layout.safeRunId("a:b"), equalTo("a_b-6783a31e")); // not a_b, which is a run id of its own
    assertThat(Layout.safeRunId("_x"), equalTo("r_x-a01e47cb")); // a safe id starts with a letter or digit
    assertThat(Layout.safeRunId("é"), equalTo("r_-4a99557e"));
  }

  @Test
  public void aLongIdIsCutTo100CharactersWithItsHash() {
    String id = Layout.safeRunId("x".repeat(250));
    assertThat(id, equalTo("x".repeat(91) + "-086d4a1c"));
    assertThat(Layout.checkRunId(id).length(), equalTo(100));
  }

  @Test
  public void emptyBlankAndOverLongIdsAreRefusedSayingWhatToDo() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> Layout.safeRunId("")).getMessage(),
        equalTo("the run id is empty: give 1-250 characters, or leave --runId out for a new one"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> Layout.safeRunId("  ")).getMessage(),
        equalTo("the run id is empty: give 1-250 characters, or leave --runId out for a new one"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> Layout.safeRunId("x".repeat(251))).getMessage(),
        equalTo("the run id is 251 characters long; it may have at most 250"));
  }
}
