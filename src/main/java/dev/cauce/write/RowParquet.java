package dev.cauce.write;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.io.FileIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Typed rows in Parquet files read as Avro records. The Avro schema is Beam's {@link AvroUtils#toAvroSchema}
 * of {@link #parquetSchema}. Field types map as AvroUtils maps them, all nullable: string →
 * string, int → int, long → long, double → double, boolean → boolean, date → int with logical type
 * {@code date} (days since 1970-01-01), timestamp → long with logical type {@code
 * timestamp-millis}.
 *
 * <p>The files hold what Beam's ParquetIO sink (parquet-avro) writes for the records {@link
 * AvroUtils#toGenericRecord} would make of the rows with their decimals made text (a string as its
 * UTF-8 bytes, a date as its epoch day, a timestamp as its epoch millis), but written straight from
 * the rows ({@link RowWriteSupport}), without a record per row.
 *
 * <p>decimal → <b>string</b> in plain notation ({@link BigDecimal#toPlainString()}). AvroUtils maps
 * Beam's DECIMAL to Avro {@code bytes} with logical type {@code decimal(precision=2147483647,
 * scale=0)} and then cannot encode any value with a fraction ("Cannot encode decimal with scale 2
 * as scale 0"); a spec decimal has no declared precision or scale to build a proper Parquet
 * DECIMAL from, and a double would lose exactness, so the exact text is written instead, the same
 * text as in JSON Lines and CSV.
 */
public final class RowParquet {
  private RowParquet() {}

  private static final String NAMESPACE = "dev.cauce";
  /**
   * A writer holds its row group's pages on the heap until the group is full: parquet-mr's 128 MiB
   * made the heap grow with the output (8M records on Flink p=2: 252 MB live in two writers, peak RSS
   * 1030 MB); 32 MiB bounds it (837 MB at 4M and 8M alike).
   */
  static final long ROW_GROUP_BYTES = 32L << 20;

  /** The Beam schema actually written: {@code typed} with every DECIMAL field made a STRING. */
  public static Schema parquetSchema(Schema typed) {
    Schema.Builder b = Schema.builder();
    for (Schema.Field f : typed.getFields()) {
      Schema.FieldType t = f.getType();
      if (t.getTypeName() == Schema.TypeName.DECIMAL) {
        t = Schema.FieldType.STRING.withNullable(t.getNullable());
      }
      b.addField(f.getName(), t);
    }
    return b.build();
  }

  /** The Avro schema of the Parquet files, a record named after the pipeline. */
  public static org.apache.avro.Schema avroSchema(Schema typed, String pipeline) {
    return AvroUtils.toAvroSchema(parquetSchema(typed), recordName(pipeline), NAMESPACE);
  }

  /** A sink writing typed rows into one Parquet file (records of {@link #avroSchema}). */
  public static FileIO.Sink<Row> sink(Schema typed, String pipeline) {
    return new RowSink(typed, pipeline);
  }

  /**
   * The writer Beam's {@code ParquetIO.sink(schema)} makes, with the same settings (Snappy, the
   * default row group size, overwrite, a default Hadoop configuration) and the same schema, footer
   * and values as its Avro writer, so the files are the same; but rows are written straight to
   * Parquet ({@link RowWriteSupport}) instead of as an Avro record each, and one {@link
   * Configuration} serves the JVM instead of a new one per file: each new one parses Hadoop's
   * default XML resources again, a sixth of the Direct runner's CPU samples in the sample run (one
   * Parquet part per dedupe bucket, 16).
   */
  private static final class RowSink implements FileIO.Sink<Row> {
    private final ValueText.Kind[] kinds;
    private final String avroJson;
    private transient ParquetWriter<Row> writer;

    RowSink(Schema typed, String pipeline) {
      this.kinds = ValueText.kindsOf(typed); // refuses a field type that has no conversion now, not per row
      this.avroJson = avroSchema(typed, pipeline).toString();
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      RowWriteSupport support = new RowWriteSupport(kinds, new org.apache.avro.Schema.Parser().parse(avroJson));
      writer = new RowWriter(ParquetParts.output(channel), support)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withConf(SharedConf.CONF)
          .withRowGroupSize(ROW_GROUP_BYTES)
          .build();
    }

    @Override
    public void write(Row row) throws IOException {
      writer.write(row);
    }

    @Override
    public void flush() throws IOException {
      writer.close();
    }
  }

  /** Parquet's writer builder for rows through a given {@link RowWriteSupport}. */
  private static final class RowWriter extends ParquetWriter.Builder<Row, RowWriter> {
    private final RowWriteSupport support;

    RowWriter(OutputFile file, RowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected RowWriter self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return support;
    }
  }

  /** Hadoop's default configuration, made once (lazily: only runs that write Parquet pay for it). */
  private static final class SharedConf {
    static final Configuration CONF = new Configuration();
  }

  /**
   * The typed value of field {@code kind} from what a Parquet reader (Avro generic model) gives for
   * a file this class wrote: a {@code CharSequence} for a string or decimal, a number of epoch days
   * for a date, of epoch millis for a timestamp, the value itself otherwise; null for null.
   */
  public static Object typedValue(ValueText.Kind kind, Object avroValue) {
    if (avroValue == null) {
      return null;
    }
    return switch (kind) {
      case INT, LONG, DOUBLE, BOOLEAN -> avroValue;
      case STRING -> avroValue.toString();
      case DECIMAL -> new BigDecimal(avroValue.toString());
      case DATE -> LocalDate.ofEpochDay(((Number) avroValue).longValue());
      case TIMESTAMP -> new org.joda.time.Instant(((Number) avroValue).longValue());
    };
  }

  /** An Avro name: the pipeline's name with {@code -} made {@code _}. */
  static String recordName(String pipeline) {
    String n = pipeline.replace('-', '_');
    return n.isEmpty() || !Character.isLetter(n.charAt(0)) ? "r_" + n : n;
  }
}
