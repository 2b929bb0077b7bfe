package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.spec.PipelineSpec.SinkFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A live file copied without the records a replay replaces: text byte for byte, Parquet record for record. */
public class LiveRewriteTest {
  private static final Schema SCHEMA = Schema.builder()
      .addNullableField("id", Schema.FieldType.STRING)
      .addNullableField("note", Schema.FieldType.STRING)
      .addNullableField("amount", Schema.FieldType.DECIMAL)
      .build();
  private static final int[] ID = {0};
  private static final Predicate<Row> ID_2 = r -> "2".equals(r.getString("id"));

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path live;
  private ResourceId staging;

  @Before
  public void setUp() throws IOException {
    live = tmp.newFolder("live").toPath();
    staging = FileSystems.matchNewResource(tmp.newFolder("staging").toString(), true);
  }

  private static Row row(String id, String note, String amount) {
    return Row.withSchema(SCHEMA).addValues(id, note, amount == null ? null : new BigDecimal(amount)).build();
  }

  private static final List<Row> ROWS = List.of(
      row("1", "a, \"quoted\"\nline", "10.50"), row("2", "replaced", "20"), row("3", null, null), row("2", "twice", "1"));

  private Optional<LiveRewrite.Replaced> rewrite(String name, SinkFormat format, Predicate<Row> replaced) throws IOException {
    return LiveRewrite.rewrite(FileSystems.matchNewResource(live.resolve(name).toString(), false),
        new LiveRewrite.Reading(format, SCHEMA, "redo", ID), replaced, staging, "p1");
  }

  private String staged(String name) throws IOException {
    return Files.readString(Path.of(staging.toString(), name));
  }

  @Test
  public void csvKeepsTheHeaderAndTheOtherRowsByteForByte() throws IOException {
    RowCsv csv = new RowCsv(SCHEMA);
    Files.writeString(live.resolve("a.csv"), csv.header() + "\n" + csv.format(ROWS.get(0)) + "\n" + csv.format(ROWS.get(1)) + "\n"
        + csv.format(ROWS.get(2)) + "\n" + csv.format(ROWS.get(3)) + "\n");

    assertThat(rewrite("a.csv", SinkFormat.CSV, ID_2), equalTo(Optional.of(new LiveRewrite.Replaced("a.csv", "a.rp1.csv", 2))));
    assertThat(staged("a.rp1.csv"), equalTo(
        "id,note,amount\n1,\"a, \"\"quoted\"\"\nline\",10.50\n3,,\n"));
    assertThat(LiveRewrite.read(staging), equalTo(List.of(new LiveRewrite.Replaced("a.csv", "a.rp1.csv", 2))));
  }

  @Test
  public void jsonLinesKeepsTheOtherLinesAsTheyWereAndAFileWithNoneIsLeftAlone() throws IOException {
    RowJson json = new RowJson(SCHEMA);
    Files.writeString(live.resolve("a.jsonl"), json.format(ROWS.get(0)) + "\n" + json.format(ROWS.get(1)) + "\n");
    Files.writeString(live.resolve("b.jsonl"), json.format(ROWS.get(2)) + "\n");

    assertThat(rewrite("a.jsonl", SinkFormat.JSONL, ID_2).get().removed(), equalTo(1L));
    assertThat(staged("a.rp1.jsonl"), equalTo(json.format(ROWS.get(0)) + "\n"));
    assertThat(rewrite("b.jsonl", SinkFormat.JSONL, ID_2), equalTo(Optional.empty()));
    assertThat(LiveRewrite.read(staging), equalTo(List.of(new LiveRewrite.Replaced("a.jsonl", "a.rp1.jsonl", 1))));
  }

  @Test
  public void aFileLeftEmptyHasAMarkerButNoCopy() throws IOException {
    RowJson json = new RowJson(SCHEMA);
    Files.writeString(live.resolve("a.jsonl"), json.format(ROWS.get(1)) + "\n" + json.format(ROWS.get(3)) + "\n");

    assertThat(rewrite("a.jsonl", SinkFormat.JSONL, ID_2), equalTo(Optional.of(new LiveRewrite.Replaced("a.jsonl", null, 2))));
    assertThat(Files.exists(Path.of(staging.toString(), "a.rp1.jsonl")), equalTo(false));
  }

  @Test
  public void parquetKeepsTheOtherRecordsWithTheirValues() throws IOException {
    FileIO.Sink<Row> sink = RowParquet.sink(SCHEMA, "redo");
    sink.open(FileSystems.create(FileSystems.matchNewResource(live.resolve("a.parquet").toString(), false), MimeTypes.BINARY));
    for (Row r : ROWS) {
      sink.write(r);
    }
    sink.flush();

    assertThat(rewrite("a.parquet", SinkFormat.PARQUET, ID_2).get().removed(), equalTo(2L));
    StringBuilder read = new StringBuilder();
    try (ParquetReader<GenericRecord> in = AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(Path.of(staging.toString(), "a.rp1.parquet").toUri()), new Configuration())).build()) {
      LiveRows rows = new LiveRows(SCHEMA, new int[] {0, 1, 2});
      for (GenericRecord r = in.read(); r != null; r = in.read()) {
        read.append(rows.fromParquet(r)).append('\n');
      }
    }
    assertThat(read.toString(), equalTo(ROWS.get(0) + "\n" + ROWS.get(2) + "\n"));
  }
}
