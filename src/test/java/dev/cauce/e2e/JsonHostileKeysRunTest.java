package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cauce.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Duplicate JSON keys and unpaired surrogates end to end, through the real pipeline: a duplicate key
 * is rejected by default ({@code duplicate_key}) or, with {@code source.duplicate_keys: first|last},
 * keeps exactly that value and is counted as a warning; a lone surrogate is {@code invalid_unicode},
 * never published as "?". Every run's conservation and line checks hold.
 */
public class JsonHostileKeysRunTest {
  private static final int LINES = 500;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root() {
    return tmp.getRoot().toPath();
  }

  private Path spec(String name, String format, String sourceExtra) throws IOException {
    Path spec = root().resolve(name + ".yaml");
    Files.writeString(spec, "name: " + name + "\nsource:\n  path: " + root().resolve("in") + "/*." + format
        + "\n  format: " + format + "\n" + sourceExtra
        + "schema:\n  - {name: id, type: long, required: true}\n  - {name: v, type: string}\n");
    return spec;
  }

  private static List<String> sorted(Path dataset) throws IOException {
    return CauceRun.published(dataset).stream().sorted().toList();
  }

  private void input(String file, byte[] bytes) throws IOException {
    Files.write(Files.createDirectories(root().resolve("in")).resolve(file), bytes);
  }

  /** Whether line {@code i} (1-based) repeats a key: every 13th repeats v, every 50th (from 25) a nested key. */
  private static boolean topDup(int i) {
    return i % 13 == 0;
  }

  private static boolean nestedDup(int i) {
    return i % 50 == 25 && !topDup(i);
  }

  /** {@value #LINES} JSON Lines: 38 repeat {@code v} ("abc" then "XYZ"), 9 more repeat a key inside {@code meta}. */
  private void duplicateKeysFile() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= LINES; i++) {
      if (topDup(i)) {
        sb.append("{\"id\":").append(i).append(",\"v\":\"abc\",\"v\":\"XYZ\"}\n");
      } else if (nestedDup(i)) {
        sb.append("{\"id\":").append(i).append(",\"v\":\"n").append(i).append("\",\"meta\":{\"a\":{\"b\":1,\"b\":2}}}\n");
      } else {
        sb.append("{\"id\":").append(i).append(",\"v\":\"v").append(i).append("\"}\n");
      }
    }
    input("a.jsonl", sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static final int TOP = 38; // 13, 26, ..., 494
  private static final int NESTED = 9; // 25, 75, ..., 475 but 325 (a multiple of 13)

  @Test
  public void duplicateKeysAreRejectedByDefaultAndEveryLineIsAccounted() throws IOException {
    duplicateKeysFile();
    CauceRun run = CauceRun.run(root().resolve("out"), "dup-reject", "--spec=" + spec("dups", "jsonl", ""));

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.count("read"), equalTo(500L));
    assertThat(TOP + NESTED, equalTo(47));
    assertThat(run.count("rejected"), equalTo(47L));
    assertThat(run.count("written", "dups"), equalTo(453L));
    assertThat(BadInputCorpusTest.reasons(run.report()), equalTo(new TreeMap<>(Map.of("parse/duplicate_key", 47L))));
    assertThat(run.stdout, containsString("check: read 500 = written 453 + rejected 47 + duplicates 0  OK"));
    assertThat(run.stdout, containsString("lines: consumed 500 = in records 500 + skipped 0  OK"));

    List<Map<String, String>> dead = CauceRun.deadLetter(root().resolve("out").resolve("rejected"));
    assertThat(dead, hasSize(47));
    List<String> lines = Files.readAllLines(root().resolve("in").resolve("a.jsonl"), StandardCharsets.UTF_8);
    for (Map<String, String> d : dead) {
      int line = Integer.parseInt(d.get("line"));
      assertThat(d.toString(), topDup(line) || nestedDup(line), equalTo(true));
      assertThat(d.get("reasons"), equalTo("duplicate_key"));
      assertThat(d.get("raw"), equalTo(lines.get(line - 1))); // the record whole, both values kept for a replay
    }
    String errors13 = dead.stream().filter(d -> d.get("line").equals("13")).findFirst().orElseThrow().get("errors");
    assertThat(errors13, containsString("duplicate key \\\"v\\\" (at character 20); a record must give each key once"));
    String errors25 = dead.stream().filter(d -> d.get("line").equals("25")).findFirst().orElseThrow().get("errors");
    assertThat(errors25, containsString("duplicate key \\\"b\\\" at meta.a.b (at character 39)"));

    List<String> written = CauceRun.published(root().resolve("out").resolve("dups"));
    assertThat(written, hasSize(453));
    assertThat(String.join("\n", written), not(containsString("XYZ")));
    assertThat(String.join("\n", written), not(containsString("abc")));
  }

  @Test
  public void firstAndLastKeepExactlyThatValueAndCountAWarning() throws IOException {
    duplicateKeysFile();
    for (String policy : List.of("first", "last")) {
      CauceRun run = CauceRun.run(root().resolve("out-" + policy), "dup-" + policy,
          "--spec=" + spec("dups", "jsonl", "  duplicate_keys: " + policy + "\n"));

      assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
      assertThat(run.count("read"), equalTo(500L));
      assertThat(run.count("rejected"), equalTo(0L));
      assertThat(run.count("written", "dups"), equalTo(500L));
      assertThat(run.count("warnings_by_rule", "duplicate_key"), equalTo(47L));
      assertThat(run.stdout, containsString("warnings             47  (records kept) duplicate_key 47"));
      assertThat(run.stdout, containsString("check: read 500 = written 500 + rejected 0 + duplicates 0  OK"));
      assertThat(run.stdout, containsString("lines: consumed 500 = in records 500 + skipped 0  OK"));

      Map<Long, String> byId = new TreeMap<>();
      for (String l : CauceRun.published(root().resolve("out-" + policy).resolve("dups"))) {
        JsonNode n = BadInputCorpusTest.json(l);
        byId.put(n.get("id").asLong(), n.get("v").asText());
      }
      assertThat(byId.size(), equalTo(500));
      List<String> topValues = new ArrayList<>();
      for (int i = 1; i <= LINES; i++) {
        String expected = topDup(i) ? (policy.equals("first") ? "abc" : "XYZ") : nestedDup(i) ? "n" + i : "v" + i;
        assertThat("id " + i, byId.get((long) i), equalTo(expected));
        if (topDup(i)) {
          topValues.add(byId.get((long) i));
        }
      }
      assertThat(topValues, hasSize(TOP));
    }
  }

  @Test
  public void loneSurrogatesAreRejectedNeverWrittenAsQuestionMarks() throws IOException {
    String jsonl = String.join("\n",
        "{\"id\":1,\"v\":\"ok\"}",
        "{\"id\":2,\"v\":\"a\\ud800b\"}",                 // a lone high surrogate escape
        "{\"id\":3,\"v\":\"\\ud83d\\ude00\"}",            // a pair: U+1F600, kept
        "{\"id\":4,\"v\":\"\\udc00\"}",                   // a lone low surrogate
        "{\"id\":5,\"v\":\"x\\ude00\\ud83d\"}",           // reversed
        "{\"id\":6,\"v\":\"y\",\"other\":\"\\ud800\"}",   // not a schema field: never written, kept
        "") ;
    input("u.jsonl", jsonl.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    csv.writeBytes("id,v\n7,fine\n8,a".getBytes(StandardCharsets.UTF_8));
    csv.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // U+D800 encoded as if it were a character
    csv.writeBytes("b\n9,\uD83D\uDE00\n".getBytes(StandardCharsets.UTF_8));
    input("u.csv", csv.toByteArray());

    CauceRun j = CauceRun.run(root().resolve("out-j"), "uni-j", "--spec=" + spec("uni", "jsonl", ""));
    assertThat(j.toString(), j.code, equalTo(ExitCode.OK));
    assertThat(j.count("read"), equalTo(6L));
    assertThat(j.count("written", "uni"), equalTo(3L));
    assertThat(BadInputCorpusTest.reasons(j.report()), equalTo(new TreeMap<>(Map.of("parse/invalid_unicode", 3L))));
    assertThat(j.stdout, containsString("check: read 6 = written 3 + rejected 3 + duplicates 0  OK"));
    assertThat(sorted(root().resolve("out-j").resolve("uni")),
        equalTo(List.of("{\"id\":1,\"v\":\"ok\"}", "{\"id\":3,\"v\":\"😀\"}", "{\"id\":6,\"v\":\"y\"}")));
    Map<String, String> line2 = CauceRun.deadLetter(root().resolve("out-j").resolve("rejected")).stream()
        .filter(d -> d.get("line").equals("2")).findFirst().orElseThrow();
    assertThat(line2.get("raw"), equalTo("{\"id\":2,\"v\":\"a\\ud800b\"}"));
    assertThat(line2.get("errors"), containsString("v: an unpaired surrogate U+D800 at character 2 of the value"));

    CauceRun c = CauceRun.run(root().resolve("out-c"), "uni-c", "--spec=" + spec("uni", "csv", ""));
    assertThat(c.toString(), c.code, equalTo(ExitCode.OK));
    assertThat(c.count("read"), equalTo(3L));
    assertThat(BadInputCorpusTest.reasons(c.report()), equalTo(new TreeMap<>(Map.of("ingest/invalid_utf8", 1L))));
    assertThat(sorted(root().resolve("out-c").resolve("uni")),
        equalTo(List.of("{\"id\":7,\"v\":\"fine\"}", "{\"id\":9,\"v\":\"😀\"}")));
    assertThat(c.stdout, containsString("lines: consumed 4 = in records 3 + skipped 1 (header 1)  OK"));
  }

  @Test
  public void anApisRecordsAreCheckedTheSameWay() throws IOException {
    String page = "[{\"id\":1,\"v\":\"a\"},{\"id\":2,\"v\":\"abc\",\"v\":\"XYZ\"},{\"id\":3,\"v\":\"\\ud800\"},"
        + "{\"id\":4,\"v\":\"d\",\"m\":{\"k\":1,\"k\":1}}]";
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/records", x -> {
      byte[] body = page.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    });
    server.start();
    try {
      for (String policy : List.of("reject", "last")) {
        Path spec = root().resolve("api-" + policy + ".yaml");
        Files.writeString(spec, "name: api\nsource:\n  type: http\n  duplicate_keys: " + policy + "\n  http:\n    url: http://127.0.0.1:"
            + server.getAddress().getPort() + "/records\nschema:\n  - {name: id, type: long, required: true}\n  - {name: v, type: string}\n");
        CauceRun run = CauceRun.run(root().resolve("out-" + policy), "api-" + policy, "--spec=" + spec);
        assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
        assertThat(run.count("read"), equalTo(4L));
        if (policy.equals("reject")) {
          assertThat(BadInputCorpusTest.reasons(run.report()),
              equalTo(new TreeMap<>(Map.of("parse/duplicate_key", 2L, "parse/invalid_unicode", 1L))));
          assertThat(sorted(root().resolve("out-reject").resolve("api")), equalTo(List.of("{\"id\":1,\"v\":\"a\"}")));
          assertThat(run.stdout, containsString("check: read 4 = written 1 + rejected 3 + duplicates 0  OK"));
        } else {
          assertThat(BadInputCorpusTest.reasons(run.report()), equalTo(new TreeMap<>(Map.of("parse/invalid_unicode", 1L))));
          assertThat(run.count("warnings_by_rule", "duplicate_key"), equalTo(2L));
          assertThat(sorted(root().resolve("out-last").resolve("api")),
              equalTo(List.of("{\"id\":1,\"v\":\"a\"}", "{\"id\":2,\"v\":\"XYZ\"}", "{\"id\":4,\"v\":\"d\"}")));
          assertThat(run.stdout, containsString("check: read 4 = written 3 + rejected 1 + duplicates 0  OK"));
        }
      }
    } finally {
      server.stop(0);
    }
  }
}
