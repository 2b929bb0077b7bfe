package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class RejectionJsonTest {
  private final RejectionJson json = new RejectionJson();

  private static Rejection simple() {
    return new Rejection(
        "r1", "orders", "clean", "/in/a.jsonl", 7, "{\"amount\":\"x\"}", null,
        List.of(new Violation("invalid_number", "decimal", "amount", "not a number: x")));
  }

  @Test
  public void keysInOrderAndHeaderOmittedWhenNull() {
    assertThat(
        json.format(simple()),
        is(
            "{\"run_id\":\"r1\",\"pipeline\":\"orders\",\"stage\":\"clean\",\"reason\":\"invalid_number\","
                + "\"rule\":\"decimal\",\"field\":\"amount\",\"message\":\"not a number: x\","
                + "\"source\":\"/in/a.jsonl\",\"line\":7,\"raw\":\"{\\\"amount\\\":\\\"x\\\"}\","
                + "\"errors\":[{\"reason\":\"invalid_number\",\"rule\":\"decimal\",\"field\":\"amount\","
                + "\"message\":\"not a number: x\"}]}"));
  }

  @Test
  public void nullViolationPartsAreJsonNullsAndHeaderIsWritten() throws Exception {
    Rejection r =
        new Rejection("r1", "orders", "parse", "/in/a.csv", 2, "a,\"b", "id,name",
            List.of(Violation.of("malformed_csv", "unterminated quote"), new Violation("x", null, "f", null)));
    String line = json.format(r);
    assertThat(line, containsString("\"reason\":\"malformed_csv\",\"rule\":null,\"field\":null,\"message\":\"unterminated quote\""));
    assertThat(line, containsString("\"raw\":\"a,\\\"b\",\"header\":\"id,name\",\"errors\":["));
    assertThat(line, containsString("{\"reason\":\"x\",\"rule\":null,\"field\":\"f\",\"message\":null}]}"));
    List<String> keys = new ArrayList<>();
    new ObjectMapper().readTree(line).fieldNames().forEachRemaining(keys::add);
    assertThat(keys, is(RejectionJson.KEYS));
  }

  @Test
  public void roundTripsAwkwardText() {
    String raw = "{\"name\": \"O'Brien \\\"Bob\\\"\",\n \"tab\":\"\t\", \"cr\":\"\r\", \"nul\":\"\u0000\", \"uni\":\"ñandú 日本 😀 \u2028\"}";
    Rejection r =
        new Rejection("run-2024", "orders", "validate", "gs://b/in/ñ.jsonl", 123456789012L, raw, "h1,\"h2\"\n",
            List.of(
                new Violation("amount_positive", "range", "amount", "amount -1 is below 0"),
                new Violation("email_required", "not_null", "email", null),
                new Violation("check", "expression", null, "\"quoted\" message\nsecond line")));
    String line = json.format(r);
    assertThat(line, not(containsString("\n")));
    assertThat(line, not(containsString("\r")));
    assertThat(RejectionJson.fromJson(line), is(r));
  }

  @Test
  public void roundTripsWithoutHeader() {
    assertThat(RejectionJson.fromJson(json.format(simple())), is(simple()));
  }

  @Test
  public void reusedFormatterWritesIndependentLines() {
    String first = json.format(simple());
    json.format(new Rejection("r2", "p", "ingest", "s", 1, "x", "h", List.of(Violation.of("invalid_utf8", "m"))));
    assertThat(json.format(simple()), is(first));
  }

  @Test
  public void lineWithoutErrorsUsesTopLevelViolation() {
    Rejection r = RejectionJson.fromJson(
        "{\"run_id\":\"r\",\"pipeline\":\"p\",\"stage\":\"parse\",\"reason\":\"malformed_json\",\"rule\":null,"
            + "\"message\":\"bad\",\"source\":\"s\",\"line\":3,\"raw\":\"{\"}");
    assertThat(r.errors(), is(List.of(new Violation("malformed_json", null, null, "bad"))));
    assertThat(r.header(), is((String) null));
  }

  @Test
  public void refusesWhatIsNotARejection() {
    assertThat(bad("{\"run_id\":"), containsString("not a rejection line"));
    assertThat(bad("[1]"), containsString("not a JSON object"));
    assertThat(bad("{} {}"), containsString("not a rejection line"));
    String ok = json.format(simple());
    assertThat(bad(ok.replace("\"raw\":", "\"raw_text\":")), containsString("no \"raw\""));
    assertThat(bad(ok.replace("\"line\":7", "\"line\":\"7\"")), containsString("\"line\" must be an integer"));
    assertThat(bad(ok.replace("\"line\":7", "\"line\":7.5")), containsString("\"line\" must be an integer"));
    assertThat(bad(ok.replace("\"errors\":[{", "\"errors\":[], \"x\":[{")), containsString("\"errors\""));
    assertThat(bad(ok.replace("\"pipeline\":\"orders\"", "\"pipeline\":1")), containsString("\"pipeline\" is not a string"));
    assertThat(bad(ok.replace("{\"reason\":\"invalid_number\",\"rule\"", "{\"rule\"")), containsString("errors[0] has no \"reason\""));
  }

  private static String bad(String line) {
    return assertThrows(IllegalArgumentException.class, () -> RejectionJson.fromJson(line)).getMessage();
  }
}
