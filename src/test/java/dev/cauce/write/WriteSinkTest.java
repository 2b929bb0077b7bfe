package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import dev.cauce.metrics.CauceMetrics;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WriteSinkTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String RUN = "r1";

  private static List<Row> rows() {
    return List.of(
        TestSpecs.full(),
        TestSpecs.nulls(),
        TestSpecs.row("C,\"3\"\nñ", -1, Long.MIN_VALUE, -0.5, "-0.001", false, "2000-02-29", "1999-12-31T23:59:59.999Z"));
  }

  private PipelineSpec spec(SinkSpec sink) throws IOException {
    return TestSpecs.spec(tmp.getRoot().toPath().resolve("out").toString(), sink);
  }

  private PipelineResult write(PipelineSpec spec, List<Row> rows) {
    PCollection<Row> input =
        rows.isEmpty()
            ? p.apply(Create.empty(RowCoder.of(TestSpecs.schema()))).setRowSchema(TestSpecs.schema())
            : p.apply(Create.of(rows).withRowSchema(TestSpecs.schema()));
    input.apply(new WriteSink(spec, spec.sinks().get(0), RUN));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  @Test
  public void jsonlOneShard() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("orders", SinkFormat.JSONL, 1));
    PipelineResult result = write(spec, rows());

    Path dir = staging("orders");
    assertThat(names(dir), contains("r1-00000-of-00001.jsonl"));
    RowJson json = new RowJson(TestSpecs.schema());
    assertThat(
        lines(dir.resolve("r1-00000-of-00001.jsonl")),
        containsInAnyOrder(rows().stream().map(json::format).toArray()));
    assertThat(counter(result, CauceMetrics.written("orders")), is(3L));
  }

  @Test
  public void jsonlTwoShardsAreTwoNamedFiles() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("orders", SinkFormat.JSONL, 2));
    List<Row> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(TestSpecs.row("id-" + i, i, null, null, i + ".5", null, null, null));
    }
    PipelineResult result = write(spec, many);

    Path dir = staging("orders");
    assertThat(names(dir), contains("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    List<String> all = new ArrayList<>();
    for (String f : names(dir)) {
      all.addAll(lines(dir.resolve(f)));
    }
    RowJson json = new RowJson(TestSpecs.schema());
    assertThat(all, containsInAnyOrder(many.stream().map(json::format).toArray()));
    assertThat(counter(result, CauceMetrics.written("orders")), is(50L));
  }

  @Test
  public void csvHasItsHeaderOnEveryFile() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("flat", SinkFormat.CSV, 2));
    PipelineResult result = write(spec, rows());

    Path dir = staging("flat");
    assertThat(names(dir), contains("r1-00000-of-00002.csv", "r1-00001-of-00002.csv"));
    String header = "id,qty,big,ratio,amount,paid,day,at";
    RowCsv csv = new RowCsv(TestSpecs.schema());
    List<String> records = new ArrayList<>();
    for (String f : names(dir)) {
      String text = Files.readString(dir.resolve(f), StandardCharsets.UTF_8);
      assertThat(text, startsWith(header + "\n"));
      records.add(text.substring(header.length() + 1));
    }
    // each file is the header then whole records; the multi-line record stays intact
    List<String> expected = rows().stream().map(r -> csv.format(r) + "\n").toList();
    String joined = String.join("", records);
    for (String e : expected) {
      assertThat(joined.contains(e), is(true));
    }
    assertThat(joined.length(), is(expected.stream().mapToInt(String::length).sum()));
    assertThat(counter(result, CauceMetrics.written("flat")), is(3L));
  }

  @Test
  public void parquetReadsBackExactly() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("cols", SinkFormat.PARQUET, 1));
    PipelineResult result = write(spec, rows());

    Path dir = staging("cols");
    assertThat(names(dir), contains("r1-00000-of-00001.parquet"));
    List<String> records = readParquet(dir.resolve("r1-00000-of-00001.parquet")).stream().map(WriteSinkTest::describe).toList();
    assertThat(
        records,
        containsInAnyOrder(
            "A-1|3|9007199254740993|0.25|12.50|true|19727|1704448800000",
            "B-2|null|null|null|null|null|null|null",
            "C,\"3\"\nñ|-1|" + Long.MIN_VALUE + "|-0.5|-0.001|false|11016|946684799999"));
    assertThat(counter(result, CauceMetrics.written("cols")), is(3L));
  }

  @Test
  public void parquetSchemaTypes() {
    org.apache.avro.Schema avro = RowParquet.avroSchema(TestSpecs.schema(), "my-orders");
    assertThat(avro.getFullName(), is("dev.cauce.my_orders"));
    List<String> types = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      org.apache.avro.Schema t = f.schema().getTypes().get(1);
      types.add(f.name() + ":" + t.getType().getName() + (t.getLogicalType() == null ? "" : "/" + t.getLogicalType().getName()));
    }
    assertThat(
        types,
        contains("id:string", "qty:int", "big:long", "ratio:double", "amount:string", "paid:boolean",
            "day:int/date", "at:long/timestamp-millis"));
  }

  @Test
  public void emptyCsvWithShardsIsHeadersOnly() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("flat", SinkFormat.CSV, 2));
    PipelineResult result = write(spec, List.of());

    Path dir = staging("flat");
    assertThat(names(dir), contains("r1-00000-of-00002.csv", "r1-00001-of-00002.csv"));
    for (String f : names(dir)) {
      assertThat(Files.readString(dir.resolve(f)), is("id,qty,big,ratio,amount,paid,day,at\n"));
    }
    assertThat(counter(result, CauceMetrics.written("flat")), is(0L));
  }

  @Test
  public void emptyParquetIsAValidEmptyFile() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("cols", SinkFormat.PARQUET, 1));
    write(spec, List.of());

    Path dir = staging("cols");
    assertThat(names(dir), contains("r1-00000-of-00001.parquet"));
    assertThat(readParquet(dir.resolve("r1-00000-of-00001.parquet")), is(empty()));
  }

  @Test
  public void emptyInputWithRunnerShardingIsOneEmptyFile() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("orders", SinkFormat.JSONL, 0));
    write(spec, List.of());

    Path dir = staging("orders");
    assertThat(names(dir), contains("r1-00000-of-00001.jsonl"));
    assertThat(Files.size(dir.resolve("r1-00000-of-00001.jsonl")), is(0L));
  }

  @Test
  public void nothingIsLeftOutsideTheSinksStagingFolder() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("orders", SinkFormat.JSONL, 2));
    write(spec, rows());

    Path out = tmp.getRoot().toPath().resolve("out");
    List<String> files;
    try (Stream<Path> s = Files.walk(out)) {
      files = s.filter(Files::isRegularFile).map(f -> out.relativize(f).toString()).sorted().toList();
    }
    assertThat(files, contains("_staging/r1/orders/r1-00000-of-00002.jsonl", "_staging/r1/orders/r1-00001-of-00002.jsonl"));
  }

  @Test
  public void rowsOfAnotherSchemaAreRefusedWhenBuilt() throws Exception {
    PipelineSpec spec = spec(TestSpecs.sink("orders", SinkFormat.JSONL, 1));
    org.apache.beam.sdk.schemas.Schema other =
        org.apache.beam.sdk.schemas.Schema.builder().addNullableField("id", org.apache.beam.sdk.schemas.Schema.FieldType.STRING).build();
    PCollection<Row> input = p.apply(Create.of(Row.withSchema(other).addValue("x").build()).withRowSchema(other));
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class, () -> input.apply(new WriteSink(spec, spec.sinks().get(0), RUN)));
    assertThat(e.getMessage(), startsWith("sink orders: rows have schema"));
    p.enableAbandonedNodeEnforcement(false);
  }

  private Path staging(String name) {
    return tmp.getRoot().toPath().resolve("out").resolve("_staging").resolve(RUN).resolve(name);
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named(CauceMetrics.NAMESPACE, name)).build()).getCounters()) {
      sum += c.getCommitted();
    }
    return sum;
  }

  static List<GenericRecord> readParquet(Path file) throws IOException {
    List<GenericRecord> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        out.add(r);
      }
    }
    return out;
  }

  private static String describe(GenericRecord r) {
    List<String> parts = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : r.getSchema().getFields()) {
      Object v = r.get(f.name());
      parts.add(v instanceof Utf8 ? v.toString() : String.valueOf(v));
    }
    assertThat(parts, hasSize(8));
    assertThat(parts, everyItem(org.hamcrest.Matchers.notNullValue()));
    return String.join("|", parts);
  }
}
