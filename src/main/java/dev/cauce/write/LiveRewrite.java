package dev.cauce.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Takes the live records a replay replaces out of a file sink: a live file holding some is copied
 * into the run's staging folder of the sink without them, as {@code <base>.r<runId><ext>} (JSON
 * Lines: the other lines as they were; CSV: the header and rows as {@link CsvLines} writes them;
 * Parquet: the other records through {@link RowParquet}), and a marker {@code _REPLACES.<live
 * file>.json} says which live file the copy replaces (no copy when nothing is left). {@link
 * Publisher} lists the copies instead of the files they replace, in the run's one commit.
 */
public final class LiveRewrite {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARKER = "_REPLACES.";

  private LiveRewrite() {}

  /** A live file of a sink that the run replaces: by {@code copy} (null: none, nothing is left), {@code removed} records fewer. */
  public record Replaced(String live, String copy, long removed) {
    String toJson() {
      ObjectNode n = JSON.createObjectNode().put("live", live).put("copy", copy).put("removed", removed);
      return n.toString();
    }

    static Replaced fromJson(String text) throws IOException {
      JsonNode n = JSON.readTree(text);
      JsonNode copy = n.get("copy");
      return new Replaced(n.get("live").asText(), copy == null || copy.isNull() ? null : copy.asText(), n.get("removed").asLong());
    }
  }

  /** Reads a sink's live files back with every field (Parquet) or the {@code fields} a decision needs (text). */
  public record Reading(SinkFormat format, Schema typed, String pipeline, int[] fields) {}

  /**
   * Copies {@code live} into {@code stagingDir} without the records {@code replaced} accepts, and
   * writes its marker; empty (nothing written) when it holds none.
   */
  public static Optional<Replaced> rewrite(ResourceId live, Reading reading, Predicate<Row> replaced, ResourceId stagingDir,
      String runId) throws IOException {
    long[] counts = new long[2]; // kept, removed
    forEach(live, reading, (text, row) -> counts[replaced.test(row) ? 1 : 0]++);
    if (counts[1] == 0) {
      return Optional.empty();
    }
    String name = live.getFilename();
    String copy = counts[0] == 0 ? null : copyName(name, runId);
    if (copy != null) {
      write(live, reading, replaced, stagingDir.resolve(copy, StandardResolveOptions.RESOLVE_FILE));
    }
    Replaced r = new Replaced(name, copy, counts[1]);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(
        stagingDir.resolve(MARKER + name + ".json", StandardResolveOptions.RESOLVE_FILE), MimeTypes.TEXT))) {
      out.write(r.toJson().getBytes(StandardCharsets.UTF_8));
    }
    return Optional.of(r);
  }

  /** The markers in a sink's staging folder: the live files the run replaces. */
  public static List<Replaced> read(ResourceId stagingDir) throws IOException {
    List<Replaced> all = new ArrayList<>();
    MatchResult m = FileSystems.match(stagingDir + MARKER + "*.json", EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.NOT_FOUND) {
      return all;
    }
    for (MatchResult.Metadata f : m.metadata()) {
      all.add(Replaced.fromJson(Manifest.readString(f.resourceId())));
    }
    all.sort(Comparator.comparing(Replaced::live));
    return all;
  }

  /** {@code <base>.r<runId><ext>}. */
  static String copyName(String live, String runId) {
    int dot = live.lastIndexOf('.');
    return dot <= 0 ? live + ".r" + runId : live.substring(0, dot) + ".r" + runId + live.substring(dot);
  }

  /** Each record of a live file: its text (null for Parquet; a CSV header comes with a null row) and its row. */
  private interface Each {
    void accept(String text, Row row) throws IOException;
  }

  private static void forEach(ResourceId file, Reading reading, Each each) throws IOException {
    if (reading.format() == SinkFormat.PARQUET) {
      LiveRows rows = new LiveRows(reading.typed(), IntStream.range(0, reading.typed().getFieldCount()).toArray());
      Configuration conf = new Configuration();
      AvroReadSupport.setAvroReadSchema(conf, RowParquet.avroSchema(reading.typed(), reading.pipeline()));
      try (ParquetReader<GenericRecord> in = AvroParquetReader.<GenericRecord>builder(inputFile(file))
          .withDataModel(GenericData.get()).withConf(conf).build()) {
        for (GenericRecord r = in.read(); r != null; r = in.read()) {
          each.accept(null, rows.fromParquet(r));
        }
      }
      return;
    }
    LiveRows rows = new LiveRows(reading.typed(), reading.fields());
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      rows.readRecords(reading.format(), in, file.toString(), (text, row) -> {
        if (row == null) {
          return; // a CSV header: not a record
        }
        try {
          each.accept(text, row);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void write(ResourceId live, Reading reading, Predicate<Row> replaced, ResourceId target) throws IOException {
    if (reading.format() == SinkFormat.PARQUET) {
      FileIO.Sink<Row> sink = RowParquet.sink(reading.typed(), reading.pipeline());
      try (WritableByteChannel channel = FileSystems.create(target, MimeTypes.BINARY)) {
        sink.open(channel);
        forEach(live, reading, (text, row) -> {
          if (!replaced.test(row)) {
            sink.write(row);
          }
        });
        sink.flush();
      }
      return;
    }
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
      Consumer<String> line = text -> {
        try {
          out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      try (InputStream in = Channels.newInputStream(FileSystems.open(live))) {
        new LiveRows(reading.typed(), reading.fields()).readRecords(reading.format(), in, live.toString(), (text, row) -> {
          if (row == null || !replaced.test(row)) {
            line.accept(text); // a CSV header, or a record kept
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  /** A Parquet input over Beam's {@link FileSystems} (local or {@code gs://}). */
  static InputFile inputFile(ResourceId file) throws IOException {
    long length = FileSystems.matchSingleFileSpec(file.toString()).sizeBytes();
    return new InputFile() {
      @Override
      public long getLength() {
        return length;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        SeekableByteChannel channel = (SeekableByteChannel) FileSystems.open(file);
        return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
          @Override
          public long getPos() throws IOException {
            return channel.position();
          }

          @Override
          public void seek(long position) throws IOException {
            channel.position(position);
          }
        };
      }
    };
  }
}
