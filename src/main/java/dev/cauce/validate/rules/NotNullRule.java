package dev.cauce.validate.rules;

import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** {@code not_null}: the field has a value. */
public record NotNullRule(String name, String field, Severity severity, String message) implements RuleSpec {
  public static final RuleType TYPE = new RuleType("not_null", List.of("field"), Map.of(), NotNullRule::read);

  static NotNullRule read(RuleEntry e) {
    return new NotNullRule(e.name(), e.field(), e.severity(), e.message());
  }

  /** The implicit rule of a {@code required: true} field: {@code <field>_required}, severity error. */
  public static NotNullRule required(String field) {
    return new NotNullRule(field + "_required", field, Severity.ERROR, field + " is required");
  }

  @Override
  public String type() {
    return TYPE.name();
  }

  @Override
  public Check check(List<FieldSpec> schema, ZoneId zone) {
    int index = RuleValues.index(schema, this);
    String failure = fail(field + " must not be null");
    return row -> row.getValue(index) == null ? failure : null;
  }
}
