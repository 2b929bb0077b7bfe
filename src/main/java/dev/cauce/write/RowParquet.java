package dev.cauce.write;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;

/**
 * Typed rows as Avro records for Parquet, through Beam's {@link AvroUtils}. Field types map as
 * AvroUtils maps them, all nullable: string → string, int → int, long → long, double → double,
 * boolean → boolean, date → int with logical type {@code date} (days since 1970-01-01), timestamp →
 * long with logical type {@code timestamp-millis}.
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

  /** An Avro name: the pipeline's name with {@code -} made {@code _}. */
  static String recordName(String pipeline) {
    String n = pipeline.replace('-', '_');
    return n.isEmpty() || !Character.isLetter(n.charAt(0)) ? "r_" + n : n;
  }

  private static final class ToRecord implements SerializableFunction<Row, GenericRecord> {
    private final Schema typed;
    private final Schema parquet;
    private final String pipeline;
    private final boolean[] decimal;
    private transient org.apache.avro.Schema avro;

    ToRecord(Schema typed, String pipeline) {
      this.typed = typed;
      this.parquet = parquetSchema(typed);
      this.pipeline = pipeline;
      this.decimal = new boolean[typed.getFieldCount()];
      for (int i = 0; i < decimal.length; i++) {
        decimal[i] = typed.getField(i).getType().getTypeName() == Schema.TypeName.DECIMAL;
      }
    }

    @Override
    public GenericRecord apply(Row row) {
      if (avro == null) {
        avro = avroSchema(typed, pipeline);
      }
      // attachValues: the values already have the parquet schema's types (decimals as text), and
      // Row.Builder#build's per-field verification showed in the Flink profile
      List<Object> values = new ArrayList<>(decimal.length);
      for (int i = 0; i < decimal.length; i++) {
        Object v = row.getValue(i);
        values.add(decimal[i] && v != null ? ValueText.decimal((BigDecimal) v) : v);
      }
      return AvroUtils.toGenericRecord(Row.withSchema(parquet).attachValues(values), avro);
    }
  }
}
