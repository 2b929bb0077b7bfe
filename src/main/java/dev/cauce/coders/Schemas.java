package dev.cauce.coders;

import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;

/**
 * The two Beam schemas of a pipeline. Parsing yields a <em>raw</em> row (every field a nullable
 * string, as found in the input); cleaning yields a <em>typed</em> row. Every typed field is
 * nullable in Beam: {@code required} is enforced by validation so that a missing value becomes a
 * rejection, not an exception.
 *
 * <p>Java values in typed rows: int → Integer, long → Long, double → Double, decimal → BigDecimal,
 * boolean → Boolean, date → java.time.LocalDate ({@link SqlTypes#DATE}), timestamp →
 * org.joda.time.Instant (Beam DATETIME, millisecond precision, UTC).
 */
public final class Schemas {
  private Schemas() {}

  public static Schema raw(PipelineSpec spec) {
    Schema.Builder b = Schema.builder();
    for (FieldSpec f : spec.schema()) {
      b.addNullableField(f.name(), Schema.FieldType.STRING);
    }
    return b.build();
  }

  public static Schema typed(PipelineSpec spec) {
    Schema.Builder b = Schema.builder();
    for (FieldSpec f : spec.schema()) {
      b.addNullableField(f.name(), beamType(f.type()));
    }
    return b.build();
  }

  public static Schema.FieldType beamType(dev.cauce.spec.FieldType type) {
    return switch (type) {
      case STRING -> Schema.FieldType.STRING;
      case INT -> Schema.FieldType.INT32;
      case LONG -> Schema.FieldType.INT64;
      case DOUBLE -> Schema.FieldType.DOUBLE;
      case DECIMAL -> Schema.FieldType.DECIMAL;
      case BOOLEAN -> Schema.FieldType.BOOLEAN;
      case DATE -> Schema.FieldType.logicalType(SqlTypes.DATE);
      case TIMESTAMP -> Schema.FieldType.DATETIME;
    };
  }
}
