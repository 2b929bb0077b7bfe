package dev.cauce;

import dev.cauce.expect.ResultList;
import dev.cauce.fault.FaultPoints;
import dev.cauce.files.NoSpace;
import dev.cauce.metrics.Conservation;
import dev.cauce.metrics.RunCounts;
import dev.cauce.monitor.Alerts;
import dev.cauce.monitor.HtmlReport;
import dev.cauce.monitor.RunOutcome;
import dev.cauce.monitor.RunReport;
import dev.cauce.monitor.Summary;
import dev.cauce.quality.QualityGate;
import dev.cauce.ingest.InputFiles;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.state.LockCheck;
import dev.cauce.write.Layout;
import dev.cauce.write.Publisher;
import dev.cauce.write.jdbc.JdbcRun;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run whose job ran: the conservation check, the quality gate and the commit decide
 * its {@link RunOutcome}; then the run report (JSON, HTML), the console summary, the ledger, the
 * alerts and the final run record are all made from that outcome.
 */
final class RunFinish {
  private static final Logger LOG = LoggerFactory.getLogger(RunFinish.class);

  private final RunPlan plan;
  private final RunStart start;
  private final RunStop stop;
  private final PrintStream out;
  private final PrintStream err;
  private Commit.Result commit; // null until publishing was tried
  private Long publishMillis;

  RunFinish(RunPlan plan, RunStart start, RunStop stop, PrintStream out, PrintStream err) {
    this.plan = plan;
    this.start = start;
    this.stop = stop;
    this.out = out;
    this.err = err;
  }

  RunOutcome finish(RunJob.Result job) {
    if (!stop.claimFinish()) {
      return stop.cancelled(null); // the stop hook ended the run already
    }
    RunOutcome outcome = stop.requested() ? stop.cancelled(null)
        : job.noSpace() ? noSpace(job.error()) : job.counts() == null ? failed(job.error(), null) : checkAndCommit(job.counts());
    RunReport report = report(job, outcome);
    outcome = outcome.reported(write(report));
    tell(outcome, report);
    start.stopProgress();
    String html = html(report);
    Alerts.Decision alerts = Alerts.decide(outcome, job.breakers(), plan.options().getAlertRejectedRatio());
    if (!alerts.reasons().isEmpty()) {
      Alerts.raise(alerts, report, plan.reportPath(), html, plan.options().getAlertWebhook());
    }
    start.end(outcome);
    return outcome;
  }

  /** Every record (and, read from files, every line) accounted for, then the quality gate, then the commit. */
  private RunOutcome checkAndCommit(RunCounts counts) {
    boolean readFiles = plan.options().getReplay() == null && !plan.spec().source().isHttp();
    Conservation.Check check =
        Conservation.check(counts, plan.spec().sinks().stream().map(PipelineSpec.SinkSpec::name).toList(), readFiles);
    if (!check.holds()) {
      return failed("records unaccounted for: " + String.join("; ", check.problems()), new RunOutcome.Counted(counts, check, null));
    }
    ResultList expectations;
    try {
      expectations = Expectations.read(plan);
    } catch (IOException | RuntimeException e) {
      return failed("the job's expectation results cannot be read: " + e.getMessage(), new RunOutcome.Counted(counts, check, null));
    }
    QualityGate.Verdict verdict = QualityGate.evaluate(quality(), counts, liveHasRecords());
    RunOutcome.Counted counted =
        new RunOutcome.Counted(counts, check, QualityGate.withExpectations(verdict, expectations), expectations);
    if (!counted.verdict().passed()) {
      return new RunOutcome.Refused(plan.runId(), counted, plan.stagingKept(), null);
    }
    List<String> changed = InputFiles.changes(start.inputs());
    if (!changed.isEmpty()) {
      return failed(String.join("; ", changed), counted);
    }
    LockCheck lock = start.lock().prove();
    if (!lock.held()) {
      return failed("cannot prove this run still holds the lock of pipeline " + plan.spec().name() + ": " + lock.reason(), counted);
    }
    FaultPoints.reached("finish:lock-proved");
    if (!stop.beginCommit()) {
      return stop.cancelled(counted);
    }
    long started = System.currentTimeMillis();
    try {
      commit = Commit.publish(plan, counts, start.inputs(), start.lock().token());
    } finally {
      stop.committed();
    }
    publishMillis = System.currentTimeMillis() - started;
    return commit.error() == null ? new RunOutcome.Succeeded(plan.runId(), counted, commit.published(), null)
        : failed(commit.error(), counted);
  }

  private PipelineSpec.QualitySpec quality() {
    return plan.options().getReplay() == null ? plan.spec().quality() : plan.spec().quality().forReplay();
  }

  /** Whether an overwrite sink serves records now (the default quality guard protects them). */
  private boolean liveHasRecords() {
    return start.live().sinks().stream().anyMatch(s -> !s.deadLetter() && s.mode() == PipelineSpec.WriteMode.OVERWRITE
        && (s.records() == null ? !s.files().isEmpty() : s.records() > 0));
  }

  private RunOutcome failed(String error, RunOutcome.Counted counted) {
    return new RunOutcome.Failed(plan.runId(), error, counted, plan.stagingKept(), null);
  }

  /**
   * The job ran out of disk space: the error says where and how much is free, and the run's partial
   * staging is removed (it would keep the disk full) unless {@code --keepFailedStaging}.
   */
  private RunOutcome noSpace(String error) {
    String staging = Layout.stagingRoot(plan.spec().output(), plan.runId()).toString();
    String full = NoSpace.describe(staging) + "; " + error;
    if (plan.options().getKeepFailedStaging()) {
      return failed(full, null);
    }
    try {
      Publisher.deleteStaging(plan.spec().output(), plan.runId());
      return new RunOutcome.Failed(plan.runId(), full + "; its partial staging " + staging
          + " was removed (--keepFailedStaging keeps it)", null, plan.stagingTables(), null);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the staging of run {}: {}", plan.runId(), e.toString());
      return failed(full + "; its partial staging could not be removed: " + e.getMessage(), null);
    }
  }

  private RunReport report(RunJob.Result job, RunOutcome outcome) {
    Instant now = Instant.now();
    Long total = outcome instanceof RunOutcome.Succeeded ? now.toEpochMilli() - plan.startedAt().toEpochMilli() : null;
    RunReport.Jdbc jdbc = job.jdbc();
    if (jdbc != null && commit != null && commit.tables() != null) {
      jdbc = JdbcRun.withPublish(jdbc, commit.tables());
    }
    return RunReport.of(start.reportRun(), start.ingestion(), jdbc, outcome,
        new RunReport.Timings(plan.checkMillis(), job.runMillis(), publishMillis, total), now);
  }

  /** Writes run-report.json; its path, or null when it could not be written (said on stderr). */
  private String write(RunReport report) {
    try {
      report.writeTo(plan.reportPath());
      return plan.reportPath();
    } catch (IOException | RuntimeException e) {
      err.println("cauce: could not write the run report to " + plan.runDir() + ": "
          + (NoSpace.causedBy(e) ? NoSpace.describe(plan.runDir()) + " (" + e.getMessage() + ")" : e.getMessage()));
      return null;
    }
  }

  /** The console: why a run failed (stderr), and the summary of a run that counted its records. */
  private void tell(RunOutcome outcome, RunReport report) {
    if (outcome instanceof RunOutcome.Failed f) {
      err.println("cauce: run " + plan.runId() + " FAILED: " + f.error());
      String kept = f.stagingKept() == null ? "" : " Staging output (if any) is kept at " + f.stagingKept();
      err.println(f.error().endsWith(Publisher.PENDING) ? "Its publish is pending (see above)." + kept : "Nothing was published." + kept);
      if (f.counted() == null && f.report() != null) {
        err.println("Report: " + f.report());
      }
    }
    if (outcome instanceof RunOutcome.Cancelled c) {
      err.println(c.line());
    }
    if (outcome.counted() != null) {
      Summary.print(out, report, outcome);
    }
  }

  /** Writes run-report.html beside the JSON; its path, or null. */
  private String html(RunReport report) {
    try {
      String html = HtmlReport.writeBeside(report, plan.spec(), plan.runId(), plan.reportPath());
      out.println("  html report: " + html);
      return html;
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the HTML report: {}", e.toString());
      return null;
    }
  }
}
