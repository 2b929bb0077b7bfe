package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The bad-input corpus, end to end: every kind of dirt becomes a rejection with its own reason
 * code, no record is lost, and the run itself succeeds.
 */
public class BadInputCorpusTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String JSONL_SPEC = """
      name: corpus_json
      source:
        path: %s/*.jsonl
        format: jsonl
      schema:
        - {name: id, type: string, required: true}
        - {name: amount, type: decimal}
        - {name: qty, type: int}
        - {name: big, type: long}
        - {name: day, type: date}
        - {name: at, type: timestamp}
        - {name: name, type: string}
      """;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void everyKindOfBadJsonBecomesARejectionWithItsReason() throws IOException {
    Path in = tmp.newFolder("in").toPath();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // BOM
    String crlf = "\r\n";
    b.write(utf8("{\"id\":\"ok1\",\"amount\":\"10.50\",\"qty\":1,\"day\":\"2024-01-01\",\"at\":\"2024-01-01T00:00:00Z\"}" + crlf));
    b.write(utf8("{\"id\":\"t1\",\"amount\":1" + crlf)); // truncated
    b.write(utf8("{\"id\":\"t2\"} trailing" + crlf)); // trailing garbage
    b.write(utf8("{\"id\":\"t3\",\"amount\":NaN}" + crlf));
    b.write(utf8("{\"id\":\"t4\",\"amount\":Infinity}" + crlf));
    b.write(utf8("{\"id\":\"t5\",\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}" + crlf)); // deep nesting
    b.write(utf8("[1,2,3]" + crlf));
    b.write(utf8("\"just a string\"" + crlf));
    b.write(utf8("42" + crlf));
    b.write(utf8("null" + crlf));
    b.write(utf8("{\"id\":\"u1\",\"name\":\"caf"));
    b.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
    b.write(utf8("\"}" + crlf));
    b.write(utf8("{\"id\":\"n1\u0000\"}" + crlf)); // raw NUL byte
    b.write(utf8("{\"id\":\"o1\",\"qty\":99999999999}" + crlf)); // int overflow
    b.write(utf8("{\"id\":\"o2\",\"big\":9223372036854775808}" + crlf)); // long overflow
    b.write(utf8("{\"id\":\"d1\",\"day\":\"2023-02-30\"}" + crlf)); // impossible date
    b.write(utf8("{\"id\":\"d2\",\"at\":\"2024-13-01T00:00:00Z\"}" + crlf)); // impossible timestamp
    b.write(utf8("{\"id\":\"s1\",\"qty\":{\"n\":1}}" + crlf)); // object in a scalar field
    b.write(utf8(crlf)); // blank line: not a record
    b.write(utf8("{\"id\":\"long\",\"name\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}" + crlf)); // 10 MB line
    b.write(utf8("{\"amount\":\"3\"}" + crlf)); // id missing: required
    b.write(utf8("{\"id\":\"ok2\",\"amount\":\"1,234.50\",\"big\":9223372036854775807}" + crlf));
    Files.write(in.resolve("a.jsonl"), b.toByteArray());
    Files.write(in.resolve("empty.jsonl"), new byte[0]);
    Path spec = tmp.getRoot().toPath().resolve("corpus_json.yaml");
    Files.writeString(spec, String.format(JSONL_SPEC, in) + """
        clean:
          fields:
            amount: {grouping: ","}
        """);

    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "corpus-1", "--spec=" + spec);

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.count("read"), equalTo(20L));
    assertThat(run.count("rejected"), equalTo(18L));
    assertThat(run.count("written", "corpus_json"), equalTo(2L));
    assertThat(run.count("dead_lettered"), equalTo(18L));
    Map<String, Long> byReason = reasons(run.report());
    assertThat(byReason, equalTo(new TreeMap<>(Map.ofEntries(
        Map.entry("ingest/invalid_utf8", 1L),
        Map.entry("ingest/record_too_long", 1L),
        Map.entry("parse/malformed_json", 4L),
        Map.entry("parse/nesting_too_deep", 1L),
        Map.entry("parse/not_an_object", 4L),
        Map.entry("parse/nul_byte", 1L),
        Map.entry("parse/not_a_scalar", 1L),
        Map.entry("clean/number_out_of_range", 2L),
        Map.entry("clean/invalid_date", 1L),
        Map.entry("clean/invalid_timestamp", 1L),
        Map.entry("validate/id_required", 1L)))));

    List<String> dead = CauceRun.published(run.output.resolve("rejected"));
    assertThat(dead, hasSize(18));
    JsonNode tooLong = dead.stream().map(BadInputCorpusTest::json).filter(n -> n.get("reason").asText().equals("record_too_long")).findFirst().orElseThrow();
    assertThat(tooLong.get("line").asLong(), equalTo(19L));
    assertThat(tooLong.get("raw").asText().length() < 2000, equalTo(true));
    JsonNode truncated = dead.stream().map(BadInputCorpusTest::json).filter(n -> n.get("line").asLong() == 2).findFirst().orElseThrow();
    assertThat(truncated.get("stage").asText(), equalTo("parse"));
    assertThat(truncated.get("raw").asText(), equalTo("{\"id\":\"t1\",\"amount\":1"));
    assertThat(truncated.get("source").asText(), containsString("a.jsonl"));
    assertThat(truncated.get("run_id").asText(), equalTo("corpus-1"));

    List<String> written = CauceRun.published(run.output.resolve("corpus_json"));
    assertThat(written.stream().map(BadInputCorpusTest::json).map(n -> n.get("id").asText()).sorted().toList(), equalTo(List.of("ok1", "ok2")));
    assertThat(run.stdout, containsString("check: read 20 = written 2 + rejected 18 + duplicates 0  OK"));
  }

  private static final String CSV_SPEC = """
      name: corpus_csv
      source:
        path: %s/*.csv
        format: csv
      schema:
        - {name: id, type: string, required: true}
        - {name: name, type: string}
        - {name: amount, type: decimal}
        - {name: note, type: string}
      clean:
        fields:
          amount: {grouping: ","}
      """;

  @Test
  public void everyKindOfBadCsvBecomesARejectionWithItsReason() throws IOException {
    Path in = tmp.newFolder("csv").toPath();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(utf8("id,name,amount,note\r\n"));
    b.write(utf8("c1,Ann,\"1,234.50\",\"said \"\"hi\"\"\"\r\n"));
    b.write(utf8("c2,\"Bob, Jr.\",5,\"two\r\nlines\"\r\n"));
    b.write(utf8("c3,Cy,7\r\n"));
    b.write(utf8("c4,Di,8,x,extra\r\n"));
    b.write(utf8("c5,Ed,9,caf"));
    b.write(new byte[] {(byte) 0xE9}); // latin-1 é
    b.write(utf8("\r\n"));
    b.write(utf8("c6,Fay,NaN,ok\r\n"));
    b.write(utf8("c7,Gus,abc,ok\r\n"));
    b.write(utf8("c8,Hal,3,\"never closed\r\n"));
    Files.write(in.resolve("t.csv"), b.toByteArray());
    Path spec = tmp.getRoot().toPath().resolve("corpus_csv.yaml");
    Files.writeString(spec, String.format(CSV_SPEC, in));

    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "corpus-2", "--spec=" + spec);

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.count("read"), equalTo(8L));
    assertThat(reasons(run.report()), equalTo(new TreeMap<>(Map.of(
        "parse/column_count", 2L,
        "ingest/invalid_utf8", 1L,
        "clean/non_finite_number", 1L,
        "clean/invalid_number", 1L,
        "ingest/unterminated_quote", 1L))));
    // c2 spans two lines; c8's quote never closes: its line is rejected and there is nothing after it
    assertThat(run.stdout, containsString("lines: consumed 10 = in records 9 + skipped 1 (header 1)  OK"));
    List<String> written = CauceRun.published(run.output.resolve("corpus_csv"));
    assertThat(written, equalTo(List.of(
        "{\"id\":\"c1\",\"name\":\"Ann\",\"amount\":1234.50,\"note\":\"said \\\"hi\\\"\"}",
        "{\"id\":\"c2\",\"name\":\"Bob, Jr.\",\"amount\":5,\"note\":\"two\\r\\nlines\"}")));
    List<JsonNode> dead = CauceRun.published(run.output.resolve("rejected")).stream().map(BadInputCorpusTest::json).toList();
    JsonNode fewer = dead.stream().filter(n -> n.get("line").asLong() == 5).findFirst().orElseThrow();
    assertThat(fewer.get("reason").asText(), equalTo("column_count"));
    assertThat(fewer.get("header").asText(), equalTo("id,name,amount,note"));
  }

  @Test
  public void anEmptyInputIsAValidRunOfZeroRecords() throws IOException {
    Path in = tmp.newFolder("empty").toPath();
    Files.write(in.resolve("nothing.jsonl"), new byte[0]);
    Path spec = tmp.getRoot().toPath().resolve("corpus_json.yaml");
    Files.writeString(spec, String.format(JSONL_SPEC, in));
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "empty-1", "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.count("read"), equalTo(0L));
    assertThat(run.stdout, containsString("check: read 0 = written 0 + rejected 0 + duplicates 0  OK"));
  }

  @Test
  public void anInputThatMatchesNothingIsAClearErrorBeforeRunning() throws IOException {
    Path spec = tmp.getRoot().toPath().resolve("corpus_json.yaml");
    Files.writeString(spec, String.format(JSONL_SPEC, tmp.getRoot().toPath().resolve("nowhere")));
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "none-1", "--spec=" + spec);
    assertThat(run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, containsString("nowhere"));
    assertThat(Files.exists(tmp.getRoot().toPath().resolve("out")), equalTo(false));
  }

  static Map<String, Long> reasons(JsonNode report) {
    Map<String, Long> m = new TreeMap<>();
    report.get("counts").get("violations_by_stage_and_reason").fields().forEachRemaining(stage ->
        stage.getValue().fields().forEachRemaining(r -> m.put(stage.getKey() + "/" + r.getKey(), r.getValue().asLong())));
    return m;
  }

  static JsonNode json(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

}
