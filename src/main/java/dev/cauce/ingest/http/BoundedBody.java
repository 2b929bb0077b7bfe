package dev.cauce.ingest.http;

import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory, never more than a limit: past it, reading stops (the connection
 * is dropped) and the body either fails with {@link PageTooLargeException} (a page: its records
 * would be lost) or ends with the bytes kept (an error page, of which only a snippet is shown).
 */
final class BoundedBody implements BodySubscriber<byte[]> {
  private final long limit;
  private final boolean failOver;
  private final List<byte[]> parts = new ArrayList<>();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long buffered;

  private BoundedBody(long limit, boolean failOver) {
    this.limit = limit;
    this.failOver = failOver;
  }

  /** A page body: more than {@code limit} bytes fails it. */
  static BoundedBody failingOver(long limit) {
    return new BoundedBody(limit, true);
  }

  /** An error body: its first {@code limit} bytes, the rest not read. */
  static BoundedBody cutAt(long limit) {
    return new BoundedBody(limit, false);
  }

  /**
   * The handler for a source's responses: 2xx bodies up to {@code maxPageBytes} (refused from their
   * Content-Length when it says more), other bodies cut at {@code errorBytes}.
   */
  static HttpResponse.BodyHandler<byte[]> handler(long maxPageBytes, long errorBytes) {
    return info -> {
      if (info.statusCode() < 200 || info.statusCode() >= 300) {
        return cutAt(errorBytes);
      }
      long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      BoundedBody body = failingOver(maxPageBytes);
      if (announced > maxPageBytes) {
        body.result.completeExceptionally(new PageTooLargeException(maxPageBytes, announced));
      }
      return body;
    };
  }

  /** The bytes held so far. */
  long buffered() {
    return buffered;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (result.isDone()) {
      s.cancel(); // refused from its Content-Length: not one byte is read
    } else {
      s.request(Long.MAX_VALUE); // as the JDK's own byte-array body does; past the limit, parts are dropped
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int n = b.remaining();
      if (buffered + n > limit) {
        subscription.cancel();
        if (failOver) {
          parts.clear();
          result.completeExceptionally(new PageTooLargeException(limit, -1));
        } else {
          take(b, (int) (limit - buffered));
          result.complete(joined());
        }
        return;
      }
      take(b, n);
    }
  }

  private void take(ByteBuffer b, int n) {
    byte[] part = new byte[n];
    b.get(part);
    parts.add(part);
    buffered += n;
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(joined());
  }

  private byte[] joined() {
    byte[] all = new byte[(int) buffered];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    parts.clear();
    return all;
  }
}
