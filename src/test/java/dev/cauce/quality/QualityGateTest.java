package dev.cauce.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.cauce.metrics.RunCounts;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleLimit;
import java.util.Map;
import org.junit.Test;

public class QualityGateTest {
  /** 100 read: 20 rejected (10 at parse: malformed_json 10; 10 at validate: amount_positive 10), 5 warned. */
  private static final RunCounts COUNTS =
      RunCounts.fromCounters(Map.of(
          "read", 100L,
          "rejected.parse", 10L,
          "reason.parse.malformed_json", 10L,
          "rejected.validate", 10L,
          "reason.validate.amount_positive", 10L,
          "warned.country_code", 5L,
          "duplicates", 3L,
          "written.orders", 77L));

  @Test
  public void passesWithinEveryLimit() {
    QualityGate.Verdict v = QualityGate.evaluate(
        new QualitySpec(0.2, 100L, Map.of("amount_positive", new RuleLimit(0.1, 10L))), COUNTS);
    assertThat(v.passed(), equalTo(true));
    assertThat(v.breaches(), empty());
    assertThat(v.checked(), hasSize(4));
  }

  @Test
  public void refusesOverTheRejectedRatioAndSaysByHowMuch() {
    QualityGate.Verdict v = QualityGate.evaluate(new QualitySpec(0.15, null, Map.of()), COUNTS);
    assertThat(v.passed(), equalTo(false));
    assertThat(v.breaches(), hasSize(1));
    assertThat(v.breaches().get(0).limit(), equalTo("max_rejected_ratio"));
    assertThat(v.breaches().get(0).message(), containsString("rejected 20 of 100 records (20.00%), over max_rejected_ratio 15.00% by 5.00%"));
  }

  @Test
  public void limitsApplyToReasonCodesAndWarnRules() {
    QualityGate.Verdict v = QualityGate.evaluate(new QualitySpec(null, null, Map.of(
        "malformed_json", new RuleLimit(null, 9L),
        "country_code", new RuleLimit(0.04, null))), COUNTS);
    assertThat(v.passed(), equalTo(false));
    assertThat(v.breaches().stream().map(QualityGate.Breach::limit).sorted().toList(),
        contains("limits.country_code.max_ratio", "limits.malformed_json.max_count"));
  }

  @Test
  public void minRecordsRefusesATooSmallRun() {
    QualityGate.Verdict v = QualityGate.evaluate(new QualitySpec(null, 101L, Map.of()), COUNTS);
    assertThat(v.breaches().get(0).message(), containsString("fewer than min_records 101 by 1"));
  }

  @Test
  public void anEmptyRunHasZeroRatios() {
    RunCounts none = RunCounts.fromCounters(Map.of());
    assertThat(QualityGate.evaluate(new QualitySpec(0.0, null, Map.of("x", new RuleLimit(0.0, 0L))), none).passed(), equalTo(true));
  }

  @Test
  public void withNoLimitsARunThatRejectsEveryRecordIsRefused() {
    RunCounts all = RunCounts.fromCounters(Map.of("read", 7L, "rejected.validate", 7L, "reason.validate.x", 7L, "written.orders", 0L));
    QualityGate.Verdict v = QualityGate.evaluate(QualitySpec.NONE, all, false);
    assertThat(v.passed(), equalTo(false));
    assertThat(v.breaches().get(0).limit(), equalTo("allow_empty"));
    assertThat(v.breaches().get(0).message(), containsString("every record read was rejected (7 of 7)"));
    assertThat(QualityGate.evaluate(new QualitySpec(null, null, Map.of(), true), all, true).passed(), equalTo(true));
    // a limit of the spec's own replaces the default guard
    assertThat(QualityGate.evaluate(new QualitySpec(1.0, null, Map.of()), all, true).passed(), equalTo(true));
  }

  @Test
  public void withNoLimitsWritingNothingOverALiveDatasetIsRefused() {
    RunCounts none = RunCounts.fromCounters(Map.of("read", 0L, "written.orders", 0L));
    assertThat(QualityGate.evaluate(QualitySpec.NONE, none, false).passed(), equalTo(true));
    QualityGate.Verdict v = QualityGate.evaluate(QualitySpec.NONE, none, true);
    assertThat(v.passed(), equalTo(false));
    assertThat(v.breaches().get(0).message(), containsString("the run wrote no record (read 0) while the live dataset holds records"));
    assertThat(QualityGate.evaluate(QualitySpec.NONE, COUNTS, true).passed(), equalTo(true));
  }
}
