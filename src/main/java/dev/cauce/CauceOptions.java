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

  @Description("Run id (letters, digits, '-', '_', '.'); default: UTC time plus a random suffix.")
  String getRunId();

  void setRunId(String value);

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
