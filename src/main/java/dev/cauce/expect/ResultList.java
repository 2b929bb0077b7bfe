package dev.cauce.expect;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expectation results in spec order: what the job's steps hand on and write for the run's finish. */
public record ResultList(List<ExpectationResult> results) implements Serializable {
  public ResultList {
    results = List.copyOf(results);
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).enable(SerializationFeature.INDENT_OUTPUT);

  /** The JSON the job leaves for the run's finish ({@code _EXPECTATIONS.json} in the run's staging). */
  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write expectation results", e);
    }
  }

  public static ResultList fromJson(byte[] json) throws IOException {
    return JSON.readValue(json, ResultList.class);
  }

  /**
   * GX's suite validation-result shape: {@code success} (no failure that refuses the run), {@code
   * statistics} and {@code results} (each {@link ExpectationResult#toGx}).
   */
  public Map<String, Object> toGxSuite() {
    long evaluated = results.stream().filter(r -> r.success() != null).count();
    long successful = results.stream().filter(r -> Boolean.TRUE.equals(r.success())).count();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("evaluated_expectations", evaluated);
    stats.put("successful_expectations", successful);
    stats.put("unsuccessful_expectations", evaluated - successful);
    stats.put("success_percent", evaluated == 0 ? null : successful * 100.0 / evaluated);
    stats.put("skipped_expectations", results.size() - evaluated);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("success", results.stream().noneMatch(ExpectationResult::refuses));
    m.put("statistics", stats);
    m.put("results", results.stream().map(ExpectationResult::toGx).toList());
    return m;
  }

  /** The failed expectations, in spec order. */
  public List<ExpectationResult> failed() {
    return results.stream().filter(r -> Boolean.FALSE.equals(r.success())).toList();
  }

  /** Both lists' results, in spec order. */
  public ResultList plus(ResultList other) {
    List<ExpectationResult> all = new ArrayList<>(results);
    all.addAll(other.results);
    all.sort(Comparator.comparingInt(ExpectationResult::index));
    return new ResultList(all);
  }
}
