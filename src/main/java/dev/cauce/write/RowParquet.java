package dev.cauce.write;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.io.FileIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Typed rows as Avro records for Parquet. The Avro schema is Beam's {@link AvroUtils#toAvroSchema}
 * of {@link #parquetSchema}. Field types map as AvroUtils maps them, all nullable: string →
 * string, int → int, long → long, double → double, boolean → boolean, date → int with logical type
 * {@code date} (days since 1970-01-01), timestamp → long with logical type {@code
 * timestamp-millis}.
 *
 * <p>Each record holds exactly the values {@link AvroUtils#toGenericRecord} would put for the row
 * with its decimals made text (strings as {@link Utf8}, a date as its epoch day, a timestamp as its
 * epoch millis), but computed directly, by a conversion per field chosen once rather than per row.
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

  /** A serializable conversion of typed rows into records of {@link #avroSchema}. */
  public static SerializableFunction<Row, GenericRecord> toGenericRecord(Schema typed, String pipeline) {
    return new ToRecord(typed, pipeline);
  }

  /** A sink writing typed rows into one Parquet file (records of {@link #avroSchema}). */
  public static FileIO.Sink<Row> sink(Schema typed, String pipeline) {
    return new RowSink(typed, pipeline);
  }

  /**
   * The writer Beam's {@code ParquetIO.sink(schema)} makes, with the same settings (Snappy, the
   * default row group size, overwrite, Avro's generic model, a default Hadoop configuration), so
   * the files are the same; but one {@link Configuration} for the JVM instead of a new one per
   * file: each new one parses Hadoop's default XML resources again, a sixth of the Direct runner's
   * CPU samples in the sample run (one Parquet part per dedupe bucket, 16).
   */
  private static final class RowSink implements FileIO.Sink<Row> {
    private final SerializableFunction<Row, GenericRecord> toRecord;
    private final String avroJson;
    private transient ParquetWriter<GenericRecord> writer;

    RowSink(Schema typed, String pipeline) {
      this.toRecord = toGenericRecord(typed, pipeline);
      this.avroJson = avroSchema(typed, pipeline).toString();
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      writer = AvroParquetWriter.<GenericRecord>builder(ParquetParts.output(channel))
          .withSchema(new org.apache.avro.Schema.Parser().parse(avroJson))
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withConf(SharedConf.CONF)
          .withRowGroupSize(ParquetWriter.DEFAULT_BLOCK_SIZE)
          .build();
    }

    @Override
    public void write(Row row) throws IOException {
      writer.write(toRecord.apply(row));
    }

    @Override
    public void flush() throws IOException {
      writer.close();
    }
  }

  /** Hadoop's default configuration, made once (lazily: only runs that write Parquet pay for it). */
  private static final class SharedConf {
    static final Configuration CONF = new Configuration();
  }

  /** An Avro name: the pipeline's name with {@code -} made {@code _}. */
  /** The typed value of field {@code kind} read back from a file this class wrote; null for null. */
  public static Object typedValue(ValueText.Kind kind, Object avroValue) {
    return avroValue == null ? null : Conversion.of(kind).reverse(avroValue);
  }

  static String recordName(String pipeline) {
    String n = pipeline.replace('-', '_');
    return n.isEmpty() || !Character.isLetter(n.charAt(0)) ? "r_" + n : n;
  }

  /**
   * What {@code AvroUtils.genericFromBeamField} makes of a non-null value of each field kind of a
   * typed row (Beam 2.62; decimals first made text, see the class comment).
   */
  private enum Conversion {
    /** int, long, double, boolean: the value itself. */
    AS_IS,
    /** string: {@link Utf8} of the string. */
    UTF8,
    /** decimal: {@link Utf8} of {@link ValueText#decimal}. */
    DECIMAL_TEXT,
    /**
     * date ({@link LocalDate}): {@link LocalDate#toEpochDay()} as a <b>Long</b>, in the Avro {@code
     * int} field, exactly as AvroUtils does; Parquet's Avro writer takes any {@link Number} there.
     */
    EPOCH_DAY,
    /** timestamp ({@link ReadableInstant}): its milliseconds since the epoch, a Long. */
    EPOCH_MILLIS;

    static Conversion of(ValueText.Kind kind) {
      return switch (kind) {
        case STRING -> UTF8;
        case INT, LONG, DOUBLE, BOOLEAN -> AS_IS;
        case DECIMAL -> DECIMAL_TEXT;
        case DATE -> EPOCH_DAY;
        case TIMESTAMP -> EPOCH_MILLIS;
      };
    }

    /** The typed value of what a Parquet reader (Avro generic model) gives for {@code v}, not null. */
    Object reverse(Object v) {
      return switch (this) {
        case AS_IS -> v;
        case UTF8 -> v.toString();
        case DECIMAL_TEXT -> new BigDecimal(v.toString());
        case EPOCH_DAY -> LocalDate.ofEpochDay(((Number) v).longValue());
        case EPOCH_MILLIS -> new org.joda.time.Instant(((Number) v).longValue());
      };
    }

    Object apply(Object v) {
      return switch (this) {
        case AS_IS -> v;
        case UTF8 -> new Utf8((String) v);
        case DECIMAL_TEXT -> new Utf8(ValueText.decimal((BigDecimal) v));
        case EPOCH_DAY -> Long.valueOf(((LocalDate) v).toEpochDay());
        case EPOCH_MILLIS -> Long.valueOf(((ReadableInstant) v).getMillis());
      };
    }
  }

  /** The Avro schema, and for each typed field its conversion and its Avro field position. */
  private static final class Plan {
    final org.apache.avro.Schema avro;
    final Conversion[] conversions;
    final int[] positions;

    Plan(Schema typed, String pipeline) {
      this.avro = avroSchema(typed, pipeline);
      ValueText.Kind[] kinds = ValueText.kindsOf(typed);
      this.conversions = new Conversion[kinds.length];
      this.positions = new int[kinds.length];
      for (int i = 0; i < kinds.length; i++) {
        conversions[i] = Conversion.of(kinds[i]);
        // by name, as AvroUtils finds a row field's Avro field
        org.apache.avro.Schema.Field field = avro.getField(typed.getField(i).getName());
        positions[i] = field.pos();
        // AvroUtils writes a timestamp as millis into a long (as days into an int, never made here)
        if (kinds[i] == ValueText.Kind.TIMESTAMP
            && nonNull(field.schema()).getType() != org.apache.avro.Schema.Type.LONG) {
          throw new IllegalStateException(
              "timestamp field " + field.name() + " is not an Avro long: " + field.schema());
        }
      }
    }

    private static org.apache.avro.Schema nonNull(org.apache.avro.Schema s) {
      if (s.getType() != org.apache.avro.Schema.Type.UNION) {
        return s;
      }
      for (org.apache.avro.Schema t : s.getTypes()) {
        if (t.getType() != org.apache.avro.Schema.Type.NULL) {
          return t;
        }
      }
      return s;
    }
  }

  private static final class ToRecord implements SerializableFunction<Row, GenericRecord> {
    private final Schema typed;
    private final String pipeline;
    // derived on first use where the function runs, not shipped with it; a race only builds an
    // equal plan twice, and its fields are final
    private transient Plan plan;

    ToRecord(Schema typed, String pipeline) {
      this.typed = typed;
      this.pipeline = pipeline;
      ValueText.kindsOf(typed); // refuse a field type that has no conversion now, not per row
    }

    /**
     * The record {@code AvroUtils.toGenericRecord} would build from the row with its decimals made
     * text: every field put by position with the value AvroUtils would put, null as null. (Going
     * through AvroUtils itself re-derived every field's Avro type for every row.)
     */
    @Override
    public GenericRecord apply(Row row) {
      Plan p = plan;
      if (p == null) {
        p = new Plan(typed, pipeline);
        plan = p;
      }
      Conversion[] conversions = p.conversions;
      int[] positions = p.positions;
      GenericData.Record record = new GenericData.Record(p.avro);
      for (int i = 0; i < conversions.length; i++) {
        Object v = row.getValue(i);
        record.put(positions[i], v == null ? null : conversions[i].apply(v));
      }
      return record;
    }
  }
}
