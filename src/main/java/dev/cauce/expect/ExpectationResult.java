package dev.cauce.expect;

import dev.cauce.spec.ExpectationSpec;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One expectation's outcome. {@link #toGx} gives GX's validation-result shape ({@code success},
 * {@code expectation_config}, {@code result} with {@code observed_value} or the unexpected counts),
 * plus a {@code cauce} part: the reason code, the severity, and passed / failed / skipped.
 *
 * @param index the expectation's place in the spec (suite first, then {@code expectations})
 * @param success null when the expectation was not evaluated ({@code note} says why)
 * @param result GX's {@code result} map (JSON values)
 */
public record ExpectationResult(int index, String id, String type, Map<String, Object> kwargs, Map<String, Object> meta,
    boolean warn, Boolean success, Map<String, Object> result, String note) implements Serializable {

  public ExpectationResult {
    kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    result = result == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(result));
  }

  public static ExpectationResult of(int index, ExpectationSpec e, boolean success, Map<String, Object> result, String note) {
    return new ExpectationResult(index, e.id(), e.type(), e.kwargs(), e.meta(), e.warn(), success, result, note);
  }

  public static ExpectationResult skipped(int index, ExpectationSpec e, String why) {
    return new ExpectationResult(index, e.id(), e.type(), e.kwargs(), e.meta(), e.warn(), null, null, why);
  }

  /** passed, failed or skipped. */
  public String status() {
    return success == null ? "skipped" : success ? "passed" : "failed";
  }

  /** A failure that refuses the publish: failed and not {@code severity: warn}. */
  public boolean refuses() {
    return Boolean.FALSE.equals(success) && !warn;
  }

  public Object observed() {
    if (result.containsKey("observed_value")) {
      Object v = result.get("observed_value");
      return result.get("details") instanceof Map<?, ?> d && Boolean.TRUE.equals(d.get("approximate"))
          ? v + (d.containsKey("relative_error") ? " (approximate: within " + d.get("relative_error") + " relative)"
              : " (approximate: relative standard error " + d.get("relative_standard_error") + ")") : v;
    }
    if (!result.containsKey("unexpected_count")) {
      return null;
    }
    long considered = ((Number) result.get("element_count")).longValue() - ((Number) result.get("missing_count")).longValue();
    return result.get("unexpected_count") + " unexpected of " + considered + " considered (" + result.get("unexpected_percent") + "%)";
  }

  /** GX's validation-result shape, with cauce's part. */
  public Map<String, Object> toGx() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("expectation_type", type);
    config.put("type", type); // GX 1.x's name for it
    config.put("kwargs", kwargs);
    config.put("meta", meta);
    Map<String, Object> exception = new LinkedHashMap<>();
    exception.put("raised_exception", false);
    exception.put("exception_message", null);
    exception.put("exception_traceback", null);
    Map<String, Object> cauce = new LinkedHashMap<>();
    cauce.put("id", id);
    cauce.put("severity", warn ? "warn" : "error");
    cauce.put("status", status());
    if (note != null) {
      cauce.put("note", note);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("success", success);
    m.put("expectation_config", config);
    m.put("result", result);
    m.put("meta", meta);
    m.put("exception_info", exception);
    m.put("cauce", cauce);
    return m;
  }
}
