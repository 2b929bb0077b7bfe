package dev.cauce.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The value types a schema field may have. {@code int} is an alias of {@link #LONG}'s smaller sibling. */
public enum FieldType {
  STRING("string"),
  INT("int"),
  LONG("long"),
  DOUBLE("double"),
  DECIMAL("decimal"),
  BOOLEAN("boolean"),
  DATE("date"),
  TIMESTAMP("timestamp");

  private final String specName;

  FieldType(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  public boolean isNumeric() {
    return this == INT || this == LONG || this == DOUBLE || this == DECIMAL;
  }

  public boolean isTemporal() {
    return this == DATE || this == TIMESTAMP;
  }

  /** Parses a spec type name; {@code null} when it is not one. */
  public static FieldType fromSpec(String name) {
    if (name == null) {
      return null;
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("integer")) {
      n = "int";
    }
    for (FieldType t : values()) {
      if (t.specName.equals(n)) {
        return t;
      }
    }
    return null;
  }

  public static String allowed() {
    return Arrays.stream(values()).map(FieldType::specName).collect(Collectors.joining(", "));
  }
}
