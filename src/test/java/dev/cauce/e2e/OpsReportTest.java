package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cauce.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** run-report.html: its numbers are run-report.json's, it shows samples per reason, and it is self-contained. */
public class OpsReportTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Pattern COUNT = Pattern.compile("data-count=\"([^\"]+)\">([0-9]+)<");
  private static final Pattern BAR = Pattern.compile("<rect [^>]*data-reason=\"([^\"]+)\" data-count=\"([0-9]+)\"");

  @Test
  public void theHtmlReportOfTheSamplePipelineMatchesItsJsonReport() throws Exception {
    Path state = tmp.getRoot().toPath().resolve("state");
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "html-1", "--spec=pipelines/orders.yaml", "--stateStore=" + state);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    Path htmlFile = run.output.resolve("_runs/html-1/run-report.html");
    assertThat(run.stdout, containsString("html report: " + htmlFile));
    String html = Files.readString(htmlFile);
    JsonNode report = run.report();
    JsonNode counts = report.get("counts");

    Map<String, Long> shown = new LinkedHashMap<>();
    Matcher m = COUNT.matcher(html);
    while (m.find()) {
      shown.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
    }
    assertThat(shown.get("read"), equalTo(counts.get("read").asLong()));
    assertThat(shown.get("rejected"), equalTo(counts.get("rejected").asLong()));
    assertThat(shown.get("duplicates"), equalTo(counts.get("duplicates").asLong()));
    assertThat(shown.get("written"), equalTo(counts.get("written").get("orders").asLong()));
    assertThat(shown.get("dead_lettered"), equalTo(counts.get("dead_lettered").asLong()));
    counts.get("rejected_by_stage").fields().forEachRemaining(e ->
        assertThat(e.getKey(), shown.get("rejected." + e.getKey()), equalTo(e.getValue().asLong())));
    counts.get("written").fields().forEachRemaining(e ->
        assertThat(e.getKey(), shown.get("written." + e.getKey()), equalTo(e.getValue().asLong())));
    assertThat(shown.get("inputs_matched"), equalTo((long) report.get("inputs").size()));

    Map<String, Long> bars = new TreeMap<>();
    Matcher b = BAR.matcher(html);
    while (b.find()) {
      bars.put(b.group(1), Long.parseLong(b.group(2)));
    }
    Map<String, Long> reasons = new TreeMap<>();
    counts.get("violations_by_stage_and_reason").fields().forEachRemaining(stage ->
        stage.getValue().fields().forEachRemaining(r -> reasons.put(stage.getKey() + "/" + r.getKey(), r.getValue().asLong())));
    assertThat("one bar per reason, with its count", bars, equalTo(reasons));

    for (String reason : reasons.keySet()) {
      int at = html.indexOf("<h4 data-reason=\"" + reason + "\">");
      assertThat("samples for " + reason, at, greaterThan(0));
      String section = html.substring(at, html.indexOf("</table>", at) > 0 ? html.indexOf("</table>", at) : html.length());
      long rows = section.split("<tr><td class=\"path\">", -1).length - 1;
      assertThat(reason, rows, greaterThan(0L));
      assertThat(reason, rows, lessThanOrEqualTo(Math.min(5L, reasons.get(reason))));
      assertThat("source location shown", section, containsString("orders-2024-0"));
    }
    assertThat(html, containsString("data-field=\"status\">SUCCEEDED<"));
    assertThat(html, containsString("read <b data-count=\"read\">157</b> = written <b data-count=\"written\">116</b>"));
    assertThat("raw text is escaped", html, not(containsString("<script")));
    assertThat(html, containsString("&quot;order_id&quot;"));

    // self-contained and printable: nothing fetched from anywhere
    assertThat(html, not(containsString("http://")));
    assertThat(html, not(containsString("https://")));
    assertThat(html, not(containsString("src=")));
    assertThat(html, not(containsString("<link")));
    assertThat(html, not(containsString("url(")));
    assertThat(html, not(containsString("@import")));
    assertThat(html, containsString("<svg"));
    assertThat(html, containsString("@media print"));
  }
}
