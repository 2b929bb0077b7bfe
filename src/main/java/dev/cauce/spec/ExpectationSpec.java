package dev.cauce.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Great Expectations expectation, as the spec's {@code expectations} or its {@code
 * expectation_suite} file gives it: GX's type and kwargs (values as JSON gives them: String,
 * BigDecimal, Boolean, List, Map or null), its meta, and cauce's own settings. The checks are
 * {@code dev.cauce.expect}'s.
 *
 * @param id the reason code its failing records and its quality-gate breach carry: the {@code name}
 *     given, else the type and its column(s), such as {@code expect_column_values_to_not_be_null:email}
 * @param warn {@code severity: warn} (or {@code meta.severity}): a failure neither rejects records nor refuses the publish
 * @param skipped why it is not evaluated (an unknown type under {@code expectations_unknown: skip}), or null
 * @param exactLimit how many values (or distinct values) of its column a dataset expectation keeps
 *     exactly ({@code exact_limit}, else {@code expectations_exact_limit}, else {@value #EXACT_LIMIT})
 */
public record ExpectationSpec(String id, String type, Map<String, Object> kwargs, Map<String, Object> meta, boolean warn,
    String skipped, long exactLimit) implements Serializable {
  /** The default exact limit: 5 million values, some 0.5 GB of a combiner's heap at most per column. */
  public static final long EXACT_LIMIT = 5_000_000;

  public ExpectationSpec {
    kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
  }

  public ExpectationSpec(String id, String type, Map<String, Object> kwargs, Map<String, Object> meta, boolean warn,
      String skipped) {
    this(id, type, kwargs, meta, warn, skipped, EXACT_LIMIT);
  }
}
