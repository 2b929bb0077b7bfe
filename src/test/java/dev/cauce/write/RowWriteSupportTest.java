package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link RowParquet#sink} ({@link RowWriteSupport}: rows straight to Parquet) writes the files the
 * path it replaced wrote: records of {@link AvroRecords#toGenericRecord} through parquet-avro's
 * writer with the same settings. Same Parquet schema, same footer metadata, same records read back
 * by parquet-avro, and in fact the same bytes.
 */
public class RowWriteSupportTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String PIPELINE = "my-orders";
  private static final Schema TYPED = TestSpecs.schema();

  /** Every field type, nulls, negatives, pre-1970 dates and instants, empty and non-ASCII text, decimals of many scales. */
  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>(RowParquetTest.rows());
    String[] decimals = {"12.5", "-12.50", "0.1", "-0.0001", "123456789.123456789", "-7", "1E+3", "5E-10", "-0"};
    for (int i = 0; i < decimals.length; i++) {
      rows.add(TestSpecs.row("d" + i, i, (long) -i, -i / 3.0, decimals[i], i % 2 == 0, "1950-0" + (i % 9 + 1) + "-15",
          "1960-01-01T00:00:0" + i + ".5" + i + "Z"));
    }
    rows.add(TestSpecs.row("", null, null, null, "0.00", null, "1969-12-31", "1969-12-31T23:59:59.999Z"));
    return rows;
  }

  /** Many rows: dictionaries and statistics over thousands of distinct values, a tenth of the rows mostly null. */
  static List<Row> generated(int n, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean sparse = r.nextInt(10) == 0;
      rows.add(Row.withSchema(TYPED).addValues(
          "order-" + r.nextInt(n) + (i % 7 == 0 ? "-ñ日" : ""),
          sparse ? null : r.nextInt(1000) - 500,
          r.nextLong(),
          sparse ? null : r.nextDouble() * 1e6 - 5e5,
          sparse ? null : BigDecimal.valueOf(r.nextInt(2_000_000) - 1_000_000, r.nextInt(5)),
          sparse ? null : r.nextBoolean(),
          LocalDate.ofEpochDay(r.nextInt(40_000) - 20_000),
          sparse ? null : new Instant(r.nextLong() % 4_000_000_000_000L))
          .build());
    }
    return rows;
  }

  @Test
  public void writesTheFilesTheAvroRecordPathWrote() throws Exception {
    List<Row> rows = rows();
    sameFiles(rows, "small");
  }

  @Test
  public void writesTheFilesTheAvroRecordPathWroteForManyRows() throws Exception {
    sameFiles(generated(20_000, 42), "many");
  }

  /** A writer keeps one row group's pages on the heap: past {@link RowParquet#ROW_GROUP_BYTES} it starts another. */
  @Test
  public void rowGroupsStayNearTheirBound() throws Exception {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12_000; i++) { // 12,000 x 4 KB of incompressible text: ~46 MiB of pages
      text.setLength(0);
      random.ints(4096, 'A', 'z' + 1).forEach(c -> text.append((char) c));
      rows.add(TestSpecs.row(text.toString(), i, (long) i, i / 7.0, "1.5", true, "2024-01-02", "2024-01-02T03:04:05Z"));
    }
    Path file = viaRows(rows, "groups");
    try (ParquetFileReader r = ParquetFileReader.open(input(file))) {
      List<Long> sizes = r.getFooter().getBlocks().stream().map(b -> b.getCompressedSize()).toList();
      assertThat(sizes.toString(), sizes.size() >= 2, is(true));
      assertThat(sizes.toString(), sizes.stream().allMatch(s -> s <= RowParquet.ROW_GROUP_BYTES * 5 / 4), is(true));
      assertThat(r.getRecordCount(), is(12_000L));
    }
  }

  @Test
  public void schemaAndFooterAreParquetAvros() throws Exception {
    Path file = viaRows(List.of(TestSpecs.full()), "one");
    FileMetaData meta = footer(file);
    assertThat(meta.getSchema(), is(MessageTypeParser.parseMessageType(
        "message dev.cauce.my_orders {\n"
            + "  optional binary id (STRING);\n"
            + "  optional int32 qty;\n"
            + "  optional int64 big;\n"
            + "  optional double ratio;\n"
            + "  optional binary amount (STRING);\n"
            + "  optional boolean paid;\n"
            + "  optional int32 day (DATE);\n"
            + "  optional int64 at (TIMESTAMP(MILLIS,true));\n"
            + "}")));
    assertThat(meta.getKeyValueMetaData(), is(Map.of(
        "parquet.avro.schema", RowParquet.avroSchema(TYPED, PIPELINE).toString(),
        "writer.model.name", "avro")));
  }

  /** Both paths' files for {@code rows}: equal schema, footer metadata, records read back, bytes. */
  private void sameFiles(List<Row> rows, String name) throws Exception {
    Path before = viaAvroRecords(rows, name + "-before.parquet");
    Path after = viaRows(rows, name + "-after.parquet");
    FileMetaData b = footer(before);
    FileMetaData a = footer(after);
    MessageType schema = a.getSchema();
    assertThat(schema.equals(b.getSchema()), is(true));
    assertThat(a.getKeyValueMetaData(), is(b.getKeyValueMetaData()));
    assertThat(a.getCreatedBy(), is(b.getCreatedBy()));
    List<GenericRecord> read = read(after);
    assertThat(read.size(), is(rows.size()));
    assertThat(read.equals(read(before)), is(true)); // GenericRecord equality, without printing them all
    assertThat(Arrays.equals(Files.readAllBytes(after), Files.readAllBytes(before)), is(true));
  }

  /** The new path: RowParquet's sink, serialized and back as a runner ships it. */
  private Path viaRows(List<Row> rows, String name) throws IOException {
    Path file = tmp.getRoot().toPath().resolve(name);
    FileIO.Sink<Row> sink = SerializableUtils.clone(RowParquet.sink(TYPED, PIPELINE));
    try (WritableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      sink.open(ch);
      for (Row row : rows) {
        sink.write(row);
      }
      sink.flush();
    }
    return file;
  }

  /** The old path: a record per row through parquet-avro's writer, with RowParquet's settings then. */
  private Path viaAvroRecords(List<Row> rows, String name) throws IOException {
    Path file = tmp.getRoot().toPath().resolve(name);
    SerializableFunction<Row, GenericRecord> toRecord = AvroRecords.toGenericRecord(TYPED, PIPELINE);
    try (WritableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(ParquetParts.output(ch))
            .withSchema(RowParquet.avroSchema(TYPED, PIPELINE))
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withConf(new Configuration())
            .withRowGroupSize(RowParquet.ROW_GROUP_BYTES)
            .build()) {
      for (Row row : rows) {
        w.write(toRecord.apply(row));
      }
    }
    return file;
  }

  private static FileMetaData footer(Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(input(file))) {
      return r.getFooter().getFileMetaData();
    }
  }

  private static List<GenericRecord> read(Path file) throws IOException {
    List<GenericRecord> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(input(file)).build()) {
      for (GenericRecord g = r.read(); g != null; g = r.read()) {
        out.add(g);
      }
    }
    return out;
  }

  private static org.apache.parquet.io.InputFile input(Path file) throws IOException {
    return HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
  }
}
