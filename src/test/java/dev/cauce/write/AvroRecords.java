package dev.cauce.write;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * The Parquet path RowParquet used before {@link RowWriteSupport}, kept to compare with: typed rows
 * as the Avro records of {@link RowParquet#avroSchema} that parquet-avro then wrote, each holding
 * the values {@code AvroUtils.toGenericRecord} puts for the row with its decimals made text
 * (strings as {@link Utf8}, a date as its epoch day in a Long, a timestamp as its epoch millis).
 */
final class AvroRecords {
  private AvroRecords() {}

  /** A serializable conversion of typed rows into records of {@link RowParquet#avroSchema}. */
  static SerializableFunction<Row, GenericRecord> toGenericRecord(Schema typed, String pipeline) {
    return new ToRecord(typed, pipeline);
  }

  /** What AvroUtils puts for a non-null value of a field of this kind. */
  static Object avroValue(ValueText.Kind kind, Object v) {
    return switch (kind) {
      case INT, LONG, DOUBLE, BOOLEAN -> v;
      case STRING -> new Utf8((String) v);
      case DECIMAL -> new Utf8(ValueText.decimal((BigDecimal) v));
      case DATE -> Long.valueOf(((LocalDate) v).toEpochDay());
      case TIMESTAMP -> Long.valueOf(((ReadableInstant) v).getMillis());
    };
  }

  private static final class ToRecord implements SerializableFunction<Row, GenericRecord> {
    private final Schema typed;
    private final String pipeline;
    private transient org.apache.avro.Schema avro;
    private transient ValueText.Kind[] kinds;

    ToRecord(Schema typed, String pipeline) {
      this.typed = typed;
      this.pipeline = pipeline;
    }

    @Override
    public GenericRecord apply(Row row) {
      if (avro == null) {
        avro = RowParquet.avroSchema(typed, pipeline);
        kinds = ValueText.kindsOf(typed);
      }
      GenericData.Record record = new GenericData.Record(avro);
      for (int i = 0; i < kinds.length; i++) {
        Object v = row.getValue(i);
        // by name, as AvroUtils finds a row field's Avro field
        record.put(avro.getField(typed.getField(i).getName()).pos(), v == null ? null : avroValue(kinds[i], v));
      }
      return record;
    }
  }
}
