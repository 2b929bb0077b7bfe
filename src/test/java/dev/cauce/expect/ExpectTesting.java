package dev.cauce.expect;

import dev.cauce.coders.Schemas;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.load.SpecLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/** A small typed dataset with nulls and known failures, and specs over it, for expectation tests. */
public final class ExpectTesting {
  private ExpectTesting() {}

  public static final String SCHEMA = """
      name: expect
      source: {path: in/*.jsonl, format: jsonl}
      schema:
        - {name: id, type: string}
        - {name: email, type: string}
        - {name: amount, type: decimal}
        - {name: qty, type: int}
        - {name: a, type: long}
        - {name: b, type: long}
        - {name: day, type: string}
        - {name: price, type: double}
      """;

  public static PipelineSpec spec(String expectations) {
    return SpecLoader.parse(SCHEMA + expectations, "expect.yaml");
  }

  /** A spec of its own schema and expectations ({@code yaml} holds both sections). */
  public static PipelineSpec specWith(String yaml) {
    return SpecLoader.parse("name: expect\nsource: {path: in/*.jsonl, format: jsonl}\n" + yaml, "expect.yaml");
  }

  /** Five rows: see each test for what fails where. */
  public static List<Row> rows(PipelineSpec spec) {
    Object[][] values = {
        {"id1", "a@x.io", "10.00", 1, 5L, 3L, "2024-01-31", 1.5},
        {"id2", null, "20.50", 2, 3L, 3L, "2024-02-30", 2.5},
        {"id3", "bad", "600", null, null, null, "31/01/2024", 2.5},
        {"id4", "c@x.io", "-1", 4, 1L, 2L, null, null},
        {"id5", null, null, 5, 7L, null, "2024-12-01", 10.0}};
    List<Row> rows = new ArrayList<>();
    for (Object[] v : values) {
      rows.add(Row.withSchema(Schemas.typed(spec)).addValues(v[0], v[1], v[2] == null ? null : new java.math.BigDecimal((String) v[2]),
          v[3], v[4], v[5], v[6], v[7]).build());
    }
    return rows;
  }
}
