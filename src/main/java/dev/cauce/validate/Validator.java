package dev.cauce.validate;

import dev.cauce.model.References;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.RuleSpec.Check;
import dev.cauce.spec.PipelineSpec.RuleSpec.Severity;
import dev.cauce.validate.rules.NotNullRule;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/**
 * The validate stage: runs every rule of a spec on a typed row ({@link dev.cauce.coders.Schemas#typed})
 * and sorts the failures into errors and warnings. Every rule runs on every record; nothing stops at
 * the first failure.
 *
 * <p>Rules, in order: first an implicit {@code not_null} rule named {@code <field>_required} for each
 * {@code required: true} field (schema order), then the spec's {@code validate} rules in order. A
 * {@link Violation}'s reason is the rule's name, its rule the rule type ({@code range}, {@code regex},
 * ...), its field the rule's field (null for expressions), and its message the rule's {@code message}
 * or a generated one ({@code amount must be > 0, was -5.00}).
 *
 * <p>Null values pass every rule except {@code not_null}. Each rule type is a class of {@link
 * dev.cauce.validate.rules} that says what it checks; nothing a record contains makes {@link
 * #validate} throw (a rule that cannot be evaluated fails with a message saying why).
 *
 * <p>Regexes and expressions are compiled once, in {@link #create}. A Validator is immutable and
 * thread-safe (each expression evaluation gets its own lightweight row context).
 */
public final class Validator {
  /** A rule compiled for the spec's schema. */
  private record Compiled(RuleSpec rule, Check check, boolean error) {}

  private final List<Compiled> checks;

  private Validator(List<Compiled> checks) {
    this.checks = checks;
  }

  /**
   * Compiles a spec's rules.
   *
   * @throws IllegalArgumentException when a rule is invalid (unknown field, bad regex, bound or
   *     expression; the spec loader normally refuses these first)
   */
  public static Validator create(PipelineSpec spec) {
    return create(spec, References.NONE);
  }

  /** The same, with the run's reference tables, which {@code in_reference} rules read at each record. */
  public static Validator create(PipelineSpec spec, References references) {
    ZoneId zone = zone(spec);
    List<RuleSpec> rules = new ArrayList<>();
    for (FieldSpec f : spec.schema()) {
      if (f.required()) {
        rules.add(NotNullRule.required(f.name()));
      }
    }
    rules.addAll(spec.validate());
    List<Compiled> checks = new ArrayList<>();
    for (RuleSpec rule : rules) {
      checks.add(new Compiled(rule, rule.check(spec.schema(), zone, references::table), rule.severity() != Severity.WARN));
    }
    return new Validator(List.copyOf(checks));
  }

  /** Runs every rule on a typed row. */
  public Validation validate(Row typed) {
    List<Violation> errors = null;
    List<Violation> warnings = null;
    for (Compiled c : checks) {
      String message;
      try {
        message = c.check.check(typed);
      } catch (RuntimeException | StackOverflowError e) {
        message = c.rule.broken("rule could not be evaluated: " + e);
      }
      if (message == null) {
        continue;
      }
      Violation v = new Violation(c.rule.name(), c.rule.type(), c.rule.field(), message);
      if (c.error) {
        (errors == null ? errors = new ArrayList<>() : errors).add(v);
      } else {
        (warnings == null ? warnings = new ArrayList<>() : warnings).add(v);
      }
    }
    if (errors == null && warnings == null) {
      return Validation.valid();
    }
    return new Validation(errors == null ? List.of() : errors, warnings == null ? List.of() : warnings);
  }

  /** The zone timestamps without offset are read in: {@code clean.timezone}, UTC by default. */
  public static ZoneId zone(PipelineSpec spec) {
    String tz = spec.clean() == null ? null : spec.clean().timezone();
    if (tz == null || tz.isBlank()) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("clean.timezone: invalid zone \"" + tz + "\"", e);
    }
  }
}
