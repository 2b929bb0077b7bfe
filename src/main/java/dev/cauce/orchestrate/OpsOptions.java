package dev.cauce.orchestrate;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Options for operating cauce: run state, incremental ingestion, progress, alerts and logging. */
public interface OpsOptions extends PipelineOptions {

  @Description(
      "Where run state and the run lock live: 'local' (files under .cauce/state/ of the spec's project, see"
          + " --baseDir, or $CAUCE_STATE_DIR), a folder, or redis://host:port/db (e.g."
          + " redis://127.0.0.1:6379/0; ?prefix=... changes the key prefix, default cauce:). Redis's password is read"
          + " from the environment variable CAUCE_REDIS_PASSWORD (one written in the URI, redis://:password@host,"
          + " works but the process list shows it).")
  @Default.String("local")
  String getStateStore();

  void setStateStore(String value);

  @Description("Ingest every input again, including files the ledger records as already ingested.")
  @Default.Boolean(false)
  boolean getReprocess();

  void setReprocess(boolean value);

  @Description("Seconds between progress lines, state store updates and lock heartbeats while the job runs (0.1 or more).")
  @Default.Double(5)
  double getProgressSeconds();

  void setProgressSeconds(double value);

  @Description(
      "Seconds a run's lock stays valid without a heartbeat; a lock older than this is taken over by the next run.")
  @Default.Integer(60)
  int getLockTtlSeconds();

  void setLockTtlSeconds(int value);

  @Description(
      "URL that alerts are POSTed to as JSON (Slack-compatible {\"text\": ...} plus pipeline, run_id, status,"
          + " counts, report): on a failed or refused run, an opened circuit breaker, or a rejected ratio above"
          + " --alertRejectedRatio. Retried with backoff; never fails the run.")
  String getAlertWebhook();

  void setAlertWebhook(String value);

  @Description("Warning threshold: alert when rejected / read exceeds this ratio (0..1), even if the quality gate passed.")
  Double getAlertRejectedRatio();

  void setAlertRejectedRatio(Double value);

  @Description(
      "Seconds a run stopped by SIGTERM or Ctrl-C waits for its job to cancel and its driver to end the run (a"
          + " commit under way ends first); then the shutdown hook ends the run itself and the JVM halts.")
  @Default.Integer(30)
  int getStopTimeoutSeconds();

  void setStopTimeoutSeconds(int value);

  @Description("cauce's log level for this run: ERROR, WARN, INFO (default) or DEBUG.")
  String getLogLevel();

  void setLogLevel(String value);
}
