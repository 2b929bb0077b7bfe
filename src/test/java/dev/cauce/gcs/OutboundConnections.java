package dev.cauce.gcs;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.rules.ExternalResource;

/**
 * Records the host and port of every connection the JVM's {@code HttpURLConnection} opens while a
 * test runs, by installing a {@link ProxySelector} that answers "no proxy" and notes each URI it is
 * asked about. Beam's GCS client (google-http-client's {@code NetHttpTransport}) and the Google auth
 * library's metadata-server probe both connect through {@code HttpURLConnection}, so a probe of
 * 169.254.169.254 or a call to storage.googleapis.com would show up here even though it never
 * reaches the {@link FakeGcsServer}. Raw sockets opened by other libraries would not.
 */
final class OutboundConnections extends ExternalResource {
  private final Set<String> targets = new TreeSet<>();
  private ProxySelector previous;

  @Override
  protected void before() {
    previous = ProxySelector.getDefault();
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        synchronized (targets) {
          targets.add(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
        }
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    });
  }

  @Override
  protected void after() {
    ProxySelector.setDefault(previous);
  }

  /** Every {@code scheme://host:port} a connection was opened to so far. */
  Set<String> targets() {
    synchronized (targets) {
      return Set.copyOf(targets);
    }
  }
}
