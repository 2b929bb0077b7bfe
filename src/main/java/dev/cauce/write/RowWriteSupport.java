package dev.cauce.write;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.joda.time.ReadableInstant;

/**
 * Writes typed rows straight to Parquet's record consumer, as parquet-avro's {@code AvroWriteSupport}
 * writes the Avro records of them described in {@link RowParquet}, without those records: the
 * same Parquet schema (parquet-avro's conversion of the Avro schema), the same footer metadata (the
 * Avro schema under {@code parquet.avro.schema}, model name {@code avro}), the same values: strings
 * and decimal text as UTF-8 binary, a date as int32 epoch days, a timestamp as int64 epoch millis;
 * a null field is left out, as parquet-avro leaves it out.
 */
final class RowWriteSupport extends WriteSupport<Row> {
  /** The footer key parquet-avro writes the Avro schema under, and reads it back from. */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";
  /** {@code AvroWriteSupport.getName()}: ParquetWriter writes it as {@code writer.model.name}. */
  static final String MODEL_NAME = "avro";

  private final ValueText.Kind[] kinds;
  private final org.apache.avro.Schema avro;
  // set by init: for each Parquet field in order, its row field, name and whether it is required
  private int[] rowFields;
  private String[] names;
  private boolean[] required;
  private RecordConsumer out;

  /** {@code kinds}: of the typed row's fields; {@code avro}: {@link RowParquet#avroSchema} of its schema. */
  RowWriteSupport(ValueText.Kind[] kinds, org.apache.avro.Schema avro) {
    this.kinds = kinds;
    this.avro = avro;
  }

  /** The Parquet schema of the files: parquet-avro's conversion of the Avro schema, as its writer makes it. */
  static MessageType parquetSchema(org.apache.avro.Schema avro, Configuration conf) {
    return new AvroSchemaConverter(conf).convert(avro);
  }

  @Override
  public WriteContext init(Configuration conf) {
    MessageType schema = parquetSchema(avro, conf);
    int n = schema.getFieldCount();
    if (n != kinds.length) {
      throw new IllegalStateException(kinds.length + " row fields but Parquet schema " + schema);
    }
    rowFields = new int[n];
    names = new String[n];
    required = new boolean[n];
    for (int i = 0; i < n; i++) {
      // Avro (and so Parquet) fields are in the row's order; a row field is found by name, as AvroUtils finds it
      Type field = schema.getType(i);
      int row = avro.getField(field.getName()).pos();
      if (!field.isPrimitive() || field.asPrimitiveType().getPrimitiveTypeName() != physical(kinds[row])) {
        throw new IllegalStateException(kinds[row] + " field is not " + physical(kinds[row]) + ": " + field);
      }
      rowFields[i] = row;
      names[i] = field.getName();
      required[i] = field.isRepetition(Type.Repetition.REQUIRED);
    }
    Map<String, String> meta = new HashMap<>();
    meta.put(AVRO_SCHEMA_KEY, avro.toString());
    return new WriteContext(schema, meta);
  }

  /** The Parquet physical type parquet-avro gives the Avro type of a field of this kind. */
  private static PrimitiveTypeName physical(ValueText.Kind kind) {
    return switch (kind) {
      case STRING, DECIMAL -> PrimitiveTypeName.BINARY;
      case INT, DATE -> PrimitiveTypeName.INT32;
      case LONG, TIMESTAMP -> PrimitiveTypeName.INT64;
      case DOUBLE -> PrimitiveTypeName.DOUBLE;
      case BOOLEAN -> PrimitiveTypeName.BOOLEAN;
    };
  }

  @Override
  public String getName() {
    return MODEL_NAME;
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(Row row) {
    RecordConsumer c = out;
    c.startMessage();
    for (int i = 0; i < rowFields.length; i++) {
      int f = rowFields[i];
      Object v = row.getValue(f);
      if (v == null) {
        if (required[i]) {
          throw new IllegalArgumentException("null for required Parquet field " + names[i]);
        }
        continue;
      }
      c.startField(names[i], i);
      switch (kinds[f]) {
        case STRING -> c.addBinary(utf8((String) v));
        case DECIMAL -> c.addBinary(utf8(ValueText.decimal((BigDecimal) v)));
        case INT -> c.addInteger((Integer) v);
        case LONG -> c.addLong((Long) v);
        case DOUBLE -> c.addDouble((Double) v);
        case BOOLEAN -> c.addBoolean((Boolean) v);
        // cut to an int as parquet-avro's intValue() cuts the epoch day (only beyond years ±5.8 million)
        case DATE -> c.addInteger((int) ((LocalDate) v).toEpochDay());
        case TIMESTAMP -> c.addLong(((ReadableInstant) v).getMillis());
      }
      c.endField(names[i], i);
    }
    c.endMessage();
  }

  /** The UTF-8 bytes Avro's {@code Utf8} of the string holds ({@link String#getBytes}: a lone surrogate becomes '?'). */
  private static Binary utf8(String s) {
    return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
  }
}
