package dev.cauce;

import dev.cauce.write.jdbc.JdbcOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * cauce's options. Beam's own options (runner, parallelism, filesystem settings) are accepted too;
 * {@code --help} lists them all.
 */
public interface CauceOptions extends PipelineOptions, JdbcOptions, dev.cauce.orchestrate.OpsOptions {

  @Description("Path of the pipeline spec (YAML), e.g. pipelines/orders.yaml. Required.")
  @Validation.Required
  String getSpec();

  void setSpec(String value);

  @Description(
      "Input file, glob or gs:// path to read instead of the spec's source.path, e.g. 'data/2024-*.jsonl.gz'.")
  String getInput();

  void setInput(String value);

  @Description("Output folder instead of the spec's output (default out/<pipeline>); local or gs://.")
  String getOutput();

  void setOutput(String value);

  @Description(
      "Dead-letter files (JSONL, glob) to re-ingest instead of the source: each rejection's raw text is"
          + " parsed again with the spec, so fixed records can be fed back in.")
  String getReplay();

  void setReplay(String value);

  @Description(
      "Run id, any text of 1-250 characters (an orchestrator's, e.g. Airflow's manual__2026-12-03T14:00:00+00:00);"
          + " one that is not letters, digits, '-', '_' and '.' is named in files by a safe form plus a hash"
          + " (the run report keeps the one given). Default: UTC time plus a random suffix.")
  String getRunId();

  void setRunId(String value);

  @Description(
      "The folder a spec's relative paths (source.path, output) and the default local state store are resolved"
          + " against. Default: the parent of the spec's folder when that is named pipelines (the repository for"
          + " pipelines/orders.yaml), else the spec's folder; so a run means the same files from any directory.")
  String getBaseDir();

  void setBaseDir(String value);

  @Description(
      "Exit code of a run that finds nothing new to ingest (or a replay already done): 0 (the default) or 4-125,"
          + " e.g. 99, which Airflow's BashOperator takes as skipped.")
  @Default.Integer(0)
  int getNothingNewExitCode();

  void setNothingNewExitCode(int value);

  @Description(
      "Largest record accepted, in bytes (default 1 MiB). Longer records are rejected with reason"
          + " record_too_long and never held in memory whole.")
  @Default.Integer(1 << 20)
  int getMaxRecordBytes();

  void setMaxRecordBytes(int value);

  @Description(
      "Uncompressed input files larger than this many bytes are read in parallel, in parts of about"
          + " this size: each part starts at a record boundary found by one quick scan of the file,"
          + " and records keep their line numbers. Compressed files are read whole. 0 (the default)"
          + " picks by runner: 1 MiB on Flink, 16 MiB on the Direct runner.")
  @Default.Long(0)
  long getSplitBytes();

  void setSplitBytes(long value);

  @Description(
      "Keep the staging folder of a run that failed for lack of disk space (by default it is removed, so that"
          + " it does not keep the disk full); staging of runs that failed otherwise is always kept.")
  @Default.Boolean(false)
  boolean getKeepFailedStaging();

  void setKeepFailedStaging(boolean value);

  @Description(
      "Check the spec and the input (every CSV file's header too), print what would run, and exit without running"
          + " (exit code 0 or 2).")
  @Default.Boolean(false)
  boolean getDryRun();

  void setDryRun(boolean value);
}
