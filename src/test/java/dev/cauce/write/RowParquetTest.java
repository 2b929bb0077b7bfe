package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link AvroRecords#toGenericRecord} (the record path RowParquet wrote Parquet through before {@link
 * RowWriteSupport}) puts exactly the values Beam's {@code AvroUtils.toGenericRecord}
 * puts for the row with its decimals made text (the conversion it replaced), and so writes the same
 * Parquet bytes.
 */
public class RowParquetTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String PIPELINE = "my-orders";

  static List<Row> rows() {
    return List.of(
        TestSpecs.full(),
        TestSpecs.nulls(),
        TestSpecs.row(null, null, null, null, null, null, null, null),
        TestSpecs.row("", 0, 0L, 0.0, "0", false, "1970-01-01", "1970-01-01T00:00:00Z"),
        TestSpecs.row("C,\"3\"\nñ", -1, Long.MIN_VALUE, -0.5, "-0.001", false, "2000-02-29", "1999-12-31T23:59:59.999Z"),
        TestSpecs.row(
            "日本語 😀 e\u0301 \u0000 \uFFFF \uD800", Integer.MAX_VALUE, Long.MAX_VALUE, Double.MAX_VALUE,
            "-123456789012345678901234567890.000000000000000000001", true, "1969-12-31", "1969-12-31T23:59:59.999Z"),
        TestSpecs.row(
            "Ωmega", Integer.MIN_VALUE, -1L, -0.0, "1E+30", null, "0001-01-01", "1900-01-01T00:00:00.001Z"),
        TestSpecs.row(
            "x", 7, 42L, Double.NaN, "-1.50E-7", true, "1900-03-01", "1600-06-15T12:34:56.789Z"),
        TestSpecs.row(
            "y", -7, 1L, Double.NEGATIVE_INFINITY, "-0.00", false, "9999-12-31", "2262-04-11T23:47:16.854Z"),
        TestSpecs.row(
            "z", null, 3L, Double.POSITIVE_INFINITY, "99999999999999999999", null, null, "2024-01-05T10:00:00.123Z"),
        TestSpecs.row(
            "w", 1, null, Double.MIN_VALUE, "0.000", true, "1582-10-04", null));
  }

  /** The conversion RowParquet used before: decimals as text in a row of the parquet schema, then AvroUtils. */
  private static GenericRecord viaAvroUtils(Schema typed, Row row) {
    Schema parquet = RowParquet.parquetSchema(typed);
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < typed.getFieldCount(); i++) {
      Object v = row.getValue(i);
      values.add(v instanceof BigDecimal d ? ValueText.decimal(d) : v);
    }
    return AvroUtils.toGenericRecord(Row.withSchema(parquet).attachValues(values), RowParquet.avroSchema(typed, PIPELINE));
  }

  @Test
  public void putsWhatAvroUtilsPuts() throws Exception {
    Schema typed = TestSpecs.schema();
    // serialized and back, as a runner ships it: the per-field plan is built after deserializing
    SerializableFunction<Row, GenericRecord> fn = SerializableUtils.clone(AvroRecords.toGenericRecord(typed, PIPELINE));
    org.apache.avro.Schema avro = RowParquet.avroSchema(typed, PIPELINE);
    for (Row row : rows()) {
      GenericRecord expected = viaAvroUtils(typed, row);
      GenericRecord actual = fn.apply(row);
      assertThat(actual, instanceOf(GenericData.Record.class));
      assertThat(actual.getSchema(), is(avro));
      assertThat(actual.getSchema(), is(expected.getSchema()));
      for (org.apache.avro.Schema.Field f : avro.getFields()) {
        Object e = expected.get(f.pos());
        Object a = actual.get(f.pos());
        String where = row + " field " + f.name();
        if (e == null) {
          assertThat(where, a, nullValue());
        } else {
          // same class too: Utf8 stays Utf8, and a date is a Long as AvroUtils makes it
          assertThat(where, a.getClass(), sameInstance(e.getClass()));
          assertThat(where, Objects.equals(a, e), is(true));
        }
      }
    }
  }

  @Test
  public void valuesHaveTheAvroUtilsJavaTypes() {
    Schema typed = TestSpecs.schema();
    GenericRecord r = AvroRecords.toGenericRecord(typed, PIPELINE)
        .apply(TestSpecs.row("é", 3, 4L, 0.5, "-12.50", true, "1969-12-31", "1969-12-31T23:59:59.999Z"));
    assertThat(r.get("id"), is(new Utf8("é")));
    assertThat(r.get("qty"), is(3));
    assertThat(r.get("big"), is(4L));
    assertThat(r.get("ratio"), is(0.5));
    assertThat(r.get("amount"), is(new Utf8("-12.50")));
    assertThat(r.get("paid"), is(true));
    assertThat(r.get("day"), is(-1L));
    assertThat(r.get("at"), is(-1L));
  }

  @Test
  public void writesTheSameParquetBytes() throws Exception {
    Schema typed = TestSpecs.schema();
    org.apache.avro.Schema avro = RowParquet.avroSchema(typed, PIPELINE);
    SerializableFunction<Row, GenericRecord> fn = AvroRecords.toGenericRecord(typed, PIPELINE);
    List<GenericRecord> before = new ArrayList<>();
    List<GenericRecord> after = new ArrayList<>();
    for (Row row : rows()) {
      before.add(viaAvroUtils(typed, row));
      after.add(fn.apply(row));
    }
    byte[] a = parquet(avro, before, "before.parquet");
    byte[] b = parquet(avro, after, "after.parquet");
    assertThat(Arrays.equals(a, b), is(true));
  }

  /** Small outputs' parts joined into one file ({@link ParquetParts#merge}): every row of every part, in part order, and the parts' metadata. */
  @Test
  public void joinedPartsHoldEveryRowOfEveryPartAndTheirMetadata() throws Exception {
    Schema typed = TestSpecs.schema();
    List<Row> rows = rows();
    List<String> names = new ArrayList<>();
    for (int part = 0; part < 3; part++) {
      Path file = tmp.getRoot().toPath().resolve("part-" + part + ".parquet");
      try (java.nio.channels.WritableByteChannel ch = Files.newByteChannel(file,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
        org.apache.beam.sdk.io.FileIO.Sink<Row> sink = RowParquet.sink(typed, PIPELINE);
        sink.open(ch);
        for (int i = part; i < rows.size(); i += 3) {
          sink.write(rows.get(i));
        }
        sink.flush();
      }
      names.add(file.toString());
    }
    List<org.apache.beam.sdk.io.fs.MatchResult.Metadata> parts = new ArrayList<>();
    for (org.apache.beam.sdk.io.fs.MatchResult m : org.apache.beam.sdk.io.FileSystems.match(names)) {
      parts.addAll(m.metadata());
    }
    Path joined = tmp.getRoot().toPath().resolve("joined.parquet");
    ParquetParts.merge(parts, org.apache.beam.sdk.io.FileSystems.matchNewResource(joined.toString(), false));

    List<String> expected = new ArrayList<>();
    for (String name : names) {
      expected.addAll(read(Path.of(name)));
    }
    assertThat(read(joined), is(expected));
    assertThat(expected.size(), is(rows.size()));
    try (org.apache.parquet.hadoop.ParquetFileReader a = org.apache.parquet.hadoop.ParquetFileReader.open(local(joined));
        org.apache.parquet.hadoop.ParquetFileReader b = org.apache.parquet.hadoop.ParquetFileReader.open(local(Path.of(names.get(0))))) {
      assertThat(a.getRowGroups().size(), is(3));
      assertThat(a.getFooter().getFileMetaData().getKeyValueMetaData(), is(b.getFooter().getFileMetaData().getKeyValueMetaData()));
      assertThat(a.getFooter().getFileMetaData().getSchema(), is(b.getFooter().getFileMetaData().getSchema()));
    }
  }

  private static org.apache.parquet.io.InputFile local(Path file) throws java.io.IOException {
    return org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
  }

  private static List<String> read(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetReader<GenericRecord> r =
        org.apache.parquet.avro.AvroParquetReader.<GenericRecord>builder(local(file)).build()) {
      for (GenericRecord g = r.read(); g != null; g = r.read()) {
        out.add(g.toString());
      }
    }
    return out;
  }

  private byte[] parquet(org.apache.avro.Schema avro, List<GenericRecord> records, String name) throws Exception {
    Path file = tmp.getRoot().toPath().resolve(name);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
            .withSchema(avro)
            .withDataModel(GenericData.get())
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .build()) {
      for (GenericRecord r : records) {
        w.write(r);
      }
    }
    return Files.readAllBytes(file);
  }
}
