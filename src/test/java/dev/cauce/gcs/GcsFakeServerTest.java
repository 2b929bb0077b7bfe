package dev.cauce.gcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The fake server's own behaviour, over raw HTTP: what tests rely on when Beam talks to it. */
public class GcsFakeServerTest {
  private FakeGcsServer gcs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Before
  public void start() throws IOException {
    gcs = FakeGcsServer.start();
    gcs.createBucket("b");
  }

  @After
  public void stop() {
    gcs.close();
  }

  private HttpResponse<String> send(String method, String pathAndQuery, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gcs.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  public void anUnimplementedCallIsA400AndLoggedAsUnimplemented() throws Exception {
    HttpResponse<String> bucketGet = send("GET", "/storage/v1/b/b", null);
    assertThat(bucketGet.statusCode(), equalTo(400));
    assertThat(bucketGet.body(), containsString("not implemented by FakeGcsServer"));
    HttpResponse<String> unknownParam = send("GET", "/storage/v1/b/b/o?prefix=x&versions=true", null);
    assertThat(unknownParam.statusCode(), equalTo(400));
    HttpResponse<String> multipart = send("POST", "/upload/storage/v1/b/b/o?uploadType=multipart&name=x", "{}");
    assertThat(multipart.statusCode(), equalTo(400));
    assertThat(gcs.unimplementedCalls().size(), equalTo(3));
    assertThat(gcs.remoteAddresses(), equalTo(java.util.Set.of("127.0.0.1")));
  }

  @Test
  public void listsWithADelimiterAndPages() throws Exception {
    gcs.putObject("b", "d/a", "1");
    gcs.putObject("b", "d/b", "2");
    gcs.putObject("b", "d/sub/c", "3");
    gcs.putObject("b", "d/sub/d", "4");
    gcs.putObject("b", "e", "5");
    HttpResponse<String> r = send("GET", "/storage/v1/b/b/o?prefix=d/&delimiter=/", null);
    assertThat(r.body(), containsString("\"prefixes\":[\"d/sub/\"]"));
    assertThat(r.body().split("\"kind\":\"storage#object\"").length - 1, equalTo(2));
    HttpResponse<String> page1 = send("GET", "/storage/v1/b/b/o?prefix=d/&maxResults=3", null);
    String token = page1.body().replaceAll(".*\"nextPageToken\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> page2 = send("GET", "/storage/v1/b/b/o?prefix=d/&maxResults=3&pageToken=" + token, null);
    assertThat(page2.body(), containsString("\"name\":\"d/sub/d\""));
    assertThat(page2.body().contains("nextPageToken"), equalTo(false));
  }

  @Test
  public void rangedDownloads() throws Exception {
    gcs.putObject("b", "x/y", "abcdef");
    HttpResponse<String> tail = send("GET", "/download/storage/v1/b/b/o/x%2Fy?alt=media", null, "Range", "bytes=-2");
    assertThat(tail.statusCode(), equalTo(206));
    assertThat(tail.body(), equalTo("ef"));
    assertThat(tail.headers().firstValue("Content-Range").orElse(""), equalTo("bytes 4-5/6"));
    HttpResponse<String> mid = send("GET", "/download/storage/v1/b/b/o/x%2Fy?alt=media", null, "Range", "bytes=1-2");
    assertThat(mid.body(), equalTo("bc"));
    assertThat(send("GET", "/download/storage/v1/b/b/o/x%2Fy?alt=media", null, "Range", "bytes=6-").statusCode(), equalTo(416));
    assertThat(send("GET", "/download/storage/v1/b/b/o/x%2Fy?alt=media&generation=1", null).statusCode(), equalTo(404));
  }

  @Test
  public void aResumableUploadInChunksWithAPrecondition() throws Exception {
    HttpResponse<String> start = send("POST", "/upload/storage/v1/b/b/o?uploadType=resumable&name=u%2Fv&ifGenerationMatch=0", "{}");
    assertThat(start.statusCode(), equalTo(200));
    String location = start.headers().firstValue("Location").orElseThrow();
    String path = location.substring(location.indexOf("/upload/"));
    HttpResponse<String> first = send("PUT", path, "abc", "Content-Range", "bytes 0-2/*");
    assertThat(first.statusCode(), equalTo(308));
    assertThat(first.headers().firstValue("Range").orElse(""), equalTo("bytes=0-2"));
    HttpResponse<String> last = send("PUT", path, "de", "Content-Range", "bytes 3-4/5");
    assertThat(last.statusCode(), equalTo(200));
    assertThat(gcs.text("b", "u/v"), equalTo("abcde"));
    // ifGenerationMatch=0 now fails: the object exists
    HttpResponse<String> again = send("POST", "/upload/storage/v1/b/b/o?uploadType=resumable&name=u%2Fv&ifGenerationMatch=0", "{}");
    assertThat(again.statusCode(), equalTo(412));
    List<String> notes = gcs.calls().stream().map(c -> c.status() + " " + c.note()).toList();
    assertThat(notes.get(1), equalTo("308 Content-Range: bytes 0-2/*"));
  }
}
