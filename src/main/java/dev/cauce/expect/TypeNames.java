package dev.cauce.expect;

import dev.cauce.spec.FieldType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The type names {@code expect_column_values_to_be_of_type} / {@code _in_type_list} take, as GX
 * suites write them for pandas, Spark and SQL, mapped to the schema types that satisfy them (case
 * does not matter).
 */
public final class TypeNames {
  private TypeNames() {}

  private static final Map<String, Set<FieldType>> NAMES = new LinkedHashMap<>();

  static {
    put(EnumSet.of(FieldType.INT, FieldType.LONG), "int", "integer", "int_", "int8", "int16", "int32", "int64", "uint8",
        "uint16", "uint32", "uint64", "long", "tinyint", "byteint", "smallint", "bigint", "integertype", "longtype",
        "shorttype", "bytetype");
    put(EnumSet.of(FieldType.DOUBLE), "float", "float_", "float16", "float32", "float64", "double", "double precision",
        "real", "floattype", "doubletype", "float64dtype");
    put(EnumSet.of(FieldType.DECIMAL), "decimal", "numeric", "decimaltype", "number");
    put(EnumSet.of(FieldType.STRING), "str", "string", "object", "varchar", "char", "text", "stringtype", "string_",
        "unicode_");
    put(EnumSet.of(FieldType.BOOLEAN), "bool", "boolean", "bool_", "booleantype");
    put(EnumSet.of(FieldType.DATE), "date", "datetype", "datetime.date");
    put(EnumSet.of(FieldType.TIMESTAMP), "datetime", "datetime64", "datetime64[ns]", "datetime64[ns, utc]", "timestamp",
        "timestamptype", "timestamp without time zone", "timestamp with time zone", "datetime.datetime");
  }

  private static void put(Set<FieldType> types, String... names) {
    for (String n : names) {
      NAMES.merge(n, EnumSet.copyOf(types), (a, b) -> {
        Set<FieldType> all = EnumSet.copyOf(a);
        all.addAll(b);
        return all;
      });
    }
  }

  /** The schema types a type name stands for, or null when the name is not known. */
  public static Set<FieldType> of(String name) {
    return NAMES.get(name.trim().toLowerCase(Locale.ROOT));
  }

  /** Some known names, for messages. */
  public static String examples() {
    return String.join(", ", List.of("int", "int64", "INTEGER", "BIGINT", "LongType", "float", "float64", "DOUBLE",
        "DECIMAL", "str", "string", "object", "VARCHAR", "StringType", "bool", "BOOLEAN", "date", "DATE", "datetime64",
        "TIMESTAMP"));
  }
}
