package dev.cauce.state;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One run as the state store keeps it: what it is, how far it got and how it ended.
 *
 * @param pipeline the spec's name
 * @param runId the run's id
 * @param status RUNNING until the run ends
 * @param stage where the run is: {@code starting}, a job stage ({@code ingest} … {@code write}, or
 *     {@code job} when the runner reports no counts while it runs), then {@code checking}, {@code
 *     publishing}, {@code done}
 * @param counts counters so far: {@code read}, {@code rejected.<stage>}, {@code duplicates}, {@code
 *     written.<sink>}, {@code dead_lettered} (see {@code CauceMetrics})
 * @param recordsPerSecond records read per second since the job started (0 when unknown)
 * @param startedAt when the run started
 * @param updatedAt the last update (a heartbeat while the run is alive)
 * @param endedAt when it ended, or null
 * @param error why it failed or was refused, or null (secrets masked)
 * @param runner the runner's name
 * @param output the output folder
 * @param report the run report's path, or null
 * @param detail a human note, e.g. how many inputs were skipped
 */
public record RunRecord(
    String pipeline,
    String runId,
    RunStatus status,
    String stage,
    Map<String, Long> counts,
    double recordsPerSecond,
    Instant startedAt,
    Instant updatedAt,
    Instant endedAt,
    String error,
    String runner,
    String output,
    String report,
    String detail) {

  public RunRecord {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    counts = counts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    updatedAt = updatedAt == null ? startedAt : updatedAt;
  }

  /** A new RUNNING run at stage {@code starting}. */
  public static RunRecord started(String pipeline, String runId, Instant at, String runner, String output) {
    return new RunRecord(pipeline, runId, RunStatus.RUNNING, "starting", Map.of(), 0, at, at, null, null, runner, output, null, null);
  }

  public RunRecord withProgress(String newStage, Map<String, Long> newCounts, double rate, Instant at) {
    return new RunRecord(pipeline, runId, status, newStage, newCounts == null ? counts : newCounts, rate, startedAt, at, endedAt,
        error, runner, output, report, detail);
  }

  public RunRecord withStage(String newStage, Instant at) {
    return withProgress(newStage, counts, recordsPerSecond, at);
  }

  public RunRecord withDetail(String newDetail) {
    return new RunRecord(pipeline, runId, status, stage, counts, recordsPerSecond, startedAt, updatedAt, endedAt, error, runner,
        output, report, newDetail);
  }

  public RunRecord withReport(String reportPath) {
    return new RunRecord(pipeline, runId, status, stage, counts, recordsPerSecond, startedAt, updatedAt, endedAt, error, runner,
        output, reportPath, detail);
  }

  public RunRecord ended(RunStatus finalStatus, String finalError, Instant at) {
    return new RunRecord(pipeline, runId, finalStatus, "done", counts, recordsPerSecond, startedAt, at, at, finalError, runner,
        output, report, detail);
  }
}
