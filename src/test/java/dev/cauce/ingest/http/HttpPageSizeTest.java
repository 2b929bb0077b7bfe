package dev.cauce.ingest.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit.WireMockRule;
import com.sun.net.httpserver.HttpServer;
import dev.cauce.ingest.http.HttpPagerTest.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;

/**
 * source.http.max_page_bytes: a response larger than the limit fails the source at once (no retry:
 * it is not transient), naming the URL and the limit, and no more than the limit is ever buffered,
 * whether the API announces the size (Content-Length) or streams it (chunked).
 */
public class HttpPageSizeTest {
  /** Fixed bodies with a Content-Length (WireMock chunks them by default). */
  @Rule public final WireMockRule api = new WireMockRule(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
      .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER));

  private String url(int port, String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Test
  public void aPageLargerThanItsContentLengthAllowsFailsAtOnceNamingUrlAndLimit() {
    String body = HttpPagerTest.items(1, 500); // 5,393 bytes
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(body)));
    Run r = HttpPagerTest.run(HttpSpecs.at(url(api.port(), "/items")).maxPageBytes(1000).build());
    assertThat(body.length(), equalTo(5393));
    assertThat(r.failure.getMessage(), equalTo("HTTP source: GET " + url(api.port(), "/items") + ": the response is 5393"
        + " bytes (Content-Length), more than source.http.max_page_bytes (1000 bytes); it was not read. Raise"
        + " source.http.max_page_bytes, or ask the API for smaller pages (a page size in source.http.params or the"
        + " pagination)."));
    assertThat(api.getAllServeEvents().size(), equalTo(1)); // not retried
    assertThat(r.count(HttpEvent.RETRY), equalTo(0L));
    assertThat(r.count(HttpEvent.CONNECTION_ERROR), equalTo(0L));
    assertThat(r.records.size(), equalTo(0));
    assertThat(r.rejections.size(), equalTo(0));
  }

  @Test
  public void aPageAtTheLimitIsRead() {
    String body = HttpPagerTest.items(1, 500);
    api.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(body)));
    Run r = HttpPagerTest.run(HttpSpecs.at(url(api.port(), "/items")).maxPageBytes(5393).build());
    assertThat(r.failure, equalTo(null));
    assertThat(r.records.size(), equalTo(500));
  }

  @Test
  public void aStreamedPageIsCutAtTheLimitWithoutReadingTheRest() throws Exception {
    long total = 256L << 20; // 256 MiB, chunked: no Content-Length to check first
    AtomicLong sent = new AtomicLong();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/big", x -> {
      requests.incrementAndGet();
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[64 << 10];
      Arrays.fill(chunk, (byte) ' ');
      try (OutputStream out = x.getResponseBody()) {
        out.write('[');
        while (sent.get() < total) {
          out.write(chunk);
          sent.addAndGet(chunk.length);
        }
        out.write(']');
      } catch (IOException clientWentAway) {
        // the client stopped reading: what we want
      }
    });
    server.start();
    try {
      String url = url(server.getAddress().getPort(), "/big");
      Run r = HttpPagerTest.run(HttpSpecs.at(url).maxPageBytes(1 << 20).build());
      assertThat(r.failure.getMessage(), equalTo("HTTP source: GET " + url + ": the response is larger than"
          + " source.http.max_page_bytes (1048576 bytes); reading stopped there. Raise source.http.max_page_bytes,"
          + " or ask the API for smaller pages (a page size in source.http.params or the pagination)."));
      assertThat(requests.get(), equalTo(1));
      // the client closed the connection: the server got out well under the whole body (socket buffers aside)
      assertThat("sent " + sent.get(), sent.get(), lessThan(total / 4));
    } finally {
      server.stop(0);
    }
  }

  @Test
  public void theBodyNeverHoldsMoreThanTheLimit() {
    BoundedBody body = BoundedBody.failingOver(1000);
    AtomicBoolean cancelled = new AtomicBoolean();
    body.onSubscribe(subscription(cancelled));
    body.onNext(List.of(ByteBuffer.wrap(new byte[600])));
    body.onNext(List.of(ByteBuffer.wrap(new byte[300]), ByteBuffer.wrap(new byte[100])));
    assertThat(body.buffered(), equalTo(1000L));
    assertThat(cancelled.get(), equalTo(false));
    body.onNext(List.of(ByteBuffer.wrap(new byte[1])));
    assertThat(body.buffered(), equalTo(1000L));
    assertThat(cancelled.get(), equalTo(true));
    CompletionException e = failure(body);
    assertThat(e.getCause() instanceof PageTooLargeException, equalTo(true));
    assertThat(((PageTooLargeException) e.getCause()).limit, equalTo(1000L));
  }

  @Test
  public void anErrorPageKeepsItsFirstBytesAndStopsReading() {
    BoundedBody body = BoundedBody.cutAt(10);
    AtomicBoolean cancelled = new AtomicBoolean();
    body.onSubscribe(subscription(cancelled));
    body.onNext(List.of(ByteBuffer.wrap("0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    assertThat(new String(body.getBody().toCompletableFuture().join(), java.nio.charset.StandardCharsets.US_ASCII),
        equalTo("0123456789"));
    assertThat(cancelled.get(), equalTo(true));
  }

  @Test
  public void anErrorPageLargerThanTheLimitStillReportsItsStatus() {
    api.stubFor(get(urlPathEqualTo("/gone")).willReturn(aResponse().withStatus(404).withBody("no such page " + "x".repeat(5000))));
    Run r = HttpPagerTest.run(HttpSpecs.at(url(api.port(), "/gone")).maxPageBytes(1000).build());
    assertThat(r.failure.getMessage(), containsString("answered HTTP 404 Not Found: there is no such resource."));
    assertThat(r.failure.getMessage(), containsString("Response: no such page xxx"));
  }

  private static Flow.Subscription subscription(AtomicBoolean cancelled) {
    return new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {
        cancelled.set(true);
      }
    };
  }

  private static CompletionException failure(BodySubscriber<byte[]> body) {
    try {
      body.getBody().toCompletableFuture().join();
      throw new AssertionError("expected the body to fail");
    } catch (CompletionException e) {
      return e;
    }
  }
}
