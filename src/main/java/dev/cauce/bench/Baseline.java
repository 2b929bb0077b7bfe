package dev.cauce.bench;

import dev.cauce.model.RecordSink;
import dev.cauce.clean.Cleaner;
import dev.cauce.model.Rejection;
import dev.cauce.model.Result;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Stage;
import dev.cauce.model.Violation;
import dev.cauce.dedupe.Deduper;
import dev.cauce.model.CauceRecord;
import dev.cauce.ingest.InputFiles;
import dev.cauce.ingest.RecordReader;
import dev.cauce.parse.RecordParser;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import dev.cauce.validate.Validation;
import dev.cauce.validate.Validator;
import dev.cauce.write.RejectionJson;
import dev.cauce.write.RowCsv;
import dev.cauce.write.RowJson;
import dev.cauce.write.RowParquet;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.values.Row;

/**
 * The bench's yardstick: the job's logic as one plain-Java thread, no Beam. It uses the very same
 * functions as the job ({@link RecordReader}, {@link RecordParser}, {@link Cleaner}, {@link
 * Validator}, {@link Deduper}, and the writers' {@link RowJson}, {@link RowCsv}, {@link
 * RowParquet#sink} and {@link RejectionJson}), writes the kept records to every file sink of the
 * spec (one file each, {@code <sink>.<ext>}) and the rejections as JSON Lines, as the job does, and
 * prints the counts, which must equal the job's. {@code --sinks=jsonl} writes only one JSON Lines
 * file of the kept records instead (how the bench measured before the baseline wrote every sink).
 *
 * <pre>
 * java -cp ... dev.cauce.bench.Baseline --spec=pipelines/orders.yaml --input=FILE_OR_GLOB --output=DIR
 * </pre>
 *
 * Prints a human summary, then one line {@code BASELINE {json}} with the counts and the time.
 */
public final class Baseline {
  private Baseline() {}

  /** What one baseline run counted. */
  public static final class Counts {
    public long read;
    public long duplicates;
    public long written;
    public long warnings;
    public final Map<String, Long> rejected = new TreeMap<>();

    long rejectedTotal() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public static void main(String[] args) throws IOException {
    String specPath = null;
    String input = null;
    String output = null;
    boolean allSinks = true;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--spec=")) {
        specPath = v;
      } else if (a.startsWith("--input=")) {
        input = v;
      } else if (a.startsWith("--output=")) {
        output = v;
      } else if (a.equals("--sinks=jsonl") || a.equals("--sinks=spec")) {
        allSinks = a.equals("--sinks=spec");
      } else {
        System.err.println("Baseline: unknown argument " + a);
        System.exit(2);
      }
    }
    if (specPath == null || output == null) {
      System.err.println("usage: Baseline --spec=pipelines/orders.yaml [--input=FILE_OR_GLOB] --output=DIR");
      System.exit(2);
    }
    long start = System.nanoTime();
    PipelineSpec spec = SpecLoader.load(Path.of(specPath)).withOverrides(input, output);
    Counts c = run(spec, "baseline", Path.of(spec.output()), allSinks);
    long ms = (System.nanoTime() - start) / 1_000_000;
    boolean holds = c.read == c.written + c.rejectedTotal() + c.duplicates;
    System.out.printf("baseline: read %d, written %d, rejected %d %s, duplicates %d, warnings %d; check %s; %d ms%n",
        c.read, c.written, c.rejectedTotal(), c.rejected, c.duplicates, c.warnings, holds ? "OK" : "BROKEN", ms);
    System.out.printf("BASELINE {\"read\":%d,\"written\":%d,\"rejected\":%d,\"duplicates\":%d,\"warnings\":%d,"
        + "\"conservation\":%b,\"run_ms\":%d}%n", c.read, c.written, c.rejectedTotal(), c.duplicates, c.warnings, holds, ms);
  }

  /** Runs the spec's source through every stage; writes only {@code valid.jsonl} and {@code rejected.jsonl} into {@code out}. */
  public static Counts run(PipelineSpec spec, String runId, Path out) throws IOException {
    return run(spec, runId, out, false);
  }

  /**
   * Runs the spec's source through every stage; writes the kept records to every file sink of the
   * spec ({@code allSinks}) or to {@code valid.jsonl}, and {@code rejected.jsonl}, into {@code out}.
   */
  public static Counts run(PipelineSpec spec, String runId, Path out, boolean allSinks) throws IOException {
    Files.createDirectories(out);
    Counts c = new Counts();
    RecordReader reader = new RecordReader(spec.source(), 1 << 20);
    RecordParser parser = RecordParser.create(spec);
    Cleaner cleaner = Cleaner.create(spec);
    Validator validator = Validator.create(spec);
    Deduper deduper = spec.dedupe() == null ? null : new Deduper(spec.dedupe(), cleaner.typedSchema());
    Map<String, CauceRecord> winners = new LinkedHashMap<>();
    RejectionJson rejectionJson = new RejectionJson();
    long[] unkeyed = {0};

    try (Sinks valid = new Sinks(spec, cleaner.typedSchema(), out, allSinks);
        Writer rejected = writer(out.resolve("rejected.jsonl"))) {
      RecordSink sink =
          new RecordSink() {
            @Override
            public void record(SourceRecord r) {
              c.read++;
              Result<Row> raw = parser.parse(r);
              if (!raw.isOk()) {
                reject(Stage.PARSE, r, raw.violations());
                return;
              }
              Result<Row> typed = cleaner.clean(raw.value());
              if (!typed.isOk()) {
                reject(Stage.CLEAN, r, typed.violations());
                return;
              }
              Validation v = validator.validate(typed.value());
              if (!v.errors().isEmpty()) {
                reject(Stage.VALIDATE, r, v.errors());
                return;
              }
              c.warnings += raw.warnings().size() + v.warnings().size(); // warnings of records kept, as the job counts them
              // the dedupe choice needs the origin's source and line, not its text: holding the
              // text of every kept record would double the baseline's memory
              CauceRecord kept = new CauceRecord(new SourceRecord(r.source(), r.line(), "", null), typed.value());
              if (deduper == null) {
                write(kept.row());
                unkeyed[0]++;
              } else {
                winners.merge(deduper.keyOf(kept.row()), kept, deduper::keep);
              }
            }

            @Override
            public void reject(SourceRecord origin, Violation v) {
              c.read++;
              reject(Stage.INGEST, origin, List.of(v));
            }

            private void reject(Stage stage, SourceRecord origin, List<Violation> errors) {
              c.rejected.merge(stage.id(), 1L, Long::sum);
              line(rejected, rejectionJson.format(Rejection.of(runId, spec.name(), stage, origin, errors)));
            }

            private void write(Row row) {
              c.written++;
              valid.write(row);
            }
          };
      for (InputFiles.InputFile f : InputFiles.match(spec.source().path())) {
        try (InputStream in = open(Path.of(f.path()))) {
          reader.read(f.path(), in, sink);
        }
      }
      if (deduper != null) {
        long kept = 0;
        for (CauceRecord r : winners.values()) {
          valid.write(r.row());
          kept++;
        }
        c.written = kept;
        long passed = c.read - c.rejectedTotal();
        c.duplicates = passed - kept;
      } else {
        c.written = unkeyed[0];
      }
    }
    return c;
  }

  private static Writer writer(Path p) throws IOException {
    return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(p), StandardCharsets.UTF_8), 1 << 16);
  }

  private static InputStream open(Path p) throws IOException {
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(p), 1 << 16);
    return p.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static void line(Writer w, String text) {
    try {
      w.write(text);
      w.write('\n');
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The kept records' writers: one file per file sink of the spec, or one JSON Lines file. */
  private static final class Sinks implements AutoCloseable {
    private final List<Writer> text = new java.util.ArrayList<>();
    private final List<java.util.function.Function<Row, String>> formats = new java.util.ArrayList<>();
    private final List<org.apache.beam.sdk.io.FileIO.Sink<Row>> parquet = new java.util.ArrayList<>();
    private final List<java.nio.channels.WritableByteChannel> channels = new java.util.ArrayList<>();

    Sinks(PipelineSpec spec, org.apache.beam.sdk.schemas.Schema schema, Path out, boolean allSinks) throws IOException {
      if (!allSinks) {
        text.add(writer(out.resolve("valid.jsonl")));
        formats.add(new RowJson(schema)::format);
        return;
      }
      for (PipelineSpec.SinkSpec sink : spec.sinks()) {
        if (sink.isJdbc()) {
          continue;
        }
        Path file = out.resolve(sink.name() + sink.format().extension());
        switch (sink.format()) {
          case JSONL -> {
            text.add(writer(file));
            formats.add(new RowJson(schema)::format);
          }
          case CSV -> {
            Writer w = writer(file);
            line(w, RowCsv.header(schema));
            text.add(w);
            formats.add(new RowCsv(schema)::format);
          }
          case PARQUET -> {
            java.nio.channels.WritableByteChannel ch = Files.newByteChannel(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            org.apache.beam.sdk.io.FileIO.Sink<Row> p = RowParquet.sink(schema, spec.name());
            p.open(ch);
            parquet.add(p);
            channels.add(ch);
          }
        }
      }
    }

    void write(Row row) {
      for (int i = 0; i < text.size(); i++) {
        line(text.get(i), formats.get(i).apply(row));
      }
      try {
        for (org.apache.beam.sdk.io.FileIO.Sink<Row> p : parquet) {
          p.write(row);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      for (Writer w : text) {
        w.close();
      }
      for (org.apache.beam.sdk.io.FileIO.Sink<Row> p : parquet) {
        p.flush();
      }
      for (java.nio.channels.WritableByteChannel ch : channels) {
        ch.close();
      }
    }
  }
}
