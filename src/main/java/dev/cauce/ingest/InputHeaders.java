package dev.cauce.ingest;

import dev.cauce.parse.HeaderCheck;
import dev.cauce.parse.RecordParser;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The header of every input file, read before the job (through Beam's {@link FileSystems}, so
 * local and {@code gs://} files alike, decompressed by extension as the job reads them) and checked
 * against the schema with {@link HeaderCheck}, exactly as the parser checks the records' header.
 */
public final class InputHeaders {
  private InputHeaders() {}

  /** Files whose headers are read at once (each is one open and one small read; on gs:// a request). */
  private static final int PARALLEL_READS = 8;

  /** One file whose header differs from the schema (refused, or read with what the policy says). */
  public record Finding(String path, HeaderCheck.Result check) {}

  /** Whether the spec's source has headers to check: CSV files with {@code header: true}. */
  public static boolean apply(PipelineSpec spec) {
    SourceSpec source = spec.source();
    return !source.isHttp() && source.format() == SourceSpec.Format.CSV && (source.csv() == null || source.csv().header());
  }

  /**
   * The files among {@code files} whose header is not clean, in the order given. A header that
   * cannot be read or used (a read error, too long, malformed) is reported, not refused: the job
   * rejects the file's records or fails on it, as it would without this check.
   */
  public static List<Finding> check(PipelineSpec spec, List<InputFiles.InputFile> files, int maxRecordBytes) {
    RecordParser parser = RecordParser.create(spec);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL_READS, files.size())), r -> {
      Thread t = new Thread(r, "cauce-headers");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<HeaderCheck.Result>> checks = new ArrayList<>();
      for (InputFiles.InputFile f : files) {
        checks.add(pool.submit(() -> check(parser, new RecordReader(spec.source(), maxRecordBytes), f.path())));
      }
      List<Finding> findings = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        HeaderCheck.Result r = checks.get(i).get();
        if (!r.clean()) {
          findings.add(new Finding(files.get(i).path(), r));
        }
      }
      return findings;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the inputs' CSV headers", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not check the inputs' CSV headers: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static HeaderCheck.Result check(RecordParser parser, RecordReader reader, String path) {
    RecordReader.Header header;
    ResourceId id = FileSystems.matchNewResource(path, false);
    try (InputStream in = Channels.newInputStream(Compression.detect(id.getFilename()).readDecompressed(FileSystems.open(id)))) {
      header = reader.header(in);
    } catch (IOException | RuntimeException e) {
      return HeaderCheck.unusable("the header line could not be read (" + InputFiles.describe(e) + ")");
    }
    if (header.text() == null) {
      // no line at all: an empty file holds no record either
      return header.problem() == null ? CLEAN : HeaderCheck.unusable("the header line cannot be used: " + header.problem().message()
          + "; the file's records will be rejected");
    }
    return parser.checkHeader(header.text());
  }

  private static final HeaderCheck.Result CLEAN = new HeaderCheck.Result(List.of(), List.of(), List.of(), false, List.of());
}
