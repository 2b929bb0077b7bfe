package dev.cauce.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server on 127.0.0.1, for fault tests. Modes: PASS
 * (forward both ways), DROP (close every open connection now, and close each new one as soon as it
 * is accepted) and STALL (accept, but forward nothing in either direction, on new and open
 * connections alike, until the mode changes). An outage can be armed to start when the n-th
 * connection arrives (so it hits the job, not the checks before it) and, optionally, to end by
 * itself after a given time. Every accepted connection is timestamped.
 */
final class TcpProxy implements AutoCloseable {
  enum Mode {
    PASS,
    DROP,
    STALL
  }

  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<Long> acceptedAtNanos = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "proxy-timer"));
  private final Object lock = new Object();
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;
  private int outageAtConnection = -1;
  private Mode outageMode;
  private Duration outageLength;
  private volatile long outageStartNanos = -1;
  private volatile long outageEndNanos = -1;
  private final AtomicInteger failedDuringOutage = new AtomicInteger();
  private int cutConnection = -1;
  private long cutAfterBytes;
  private volatile long cutAtNanos = -1;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(this::acceptLoop, "proxy-accept").start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  /** Connections accepted (and dropped or stalled) while an outage was on. */
  int failedDuringOutage() {
    return failedDuringOutage.get();
  }

  /** Nanotime at which the armed outage started; -1 while it has not. */
  long outageStartNanos() {
    return outageStartNanos;
  }

  /** Nanotime at which the last connection was accepted during the outage; -1 when none. */
  long lastOutageConnectionNanos() {
    synchronized (lock) {
      for (int i = acceptedAtNanos.size() - 1; i >= 0; i--) {
        if (outageStartNanos >= 0 && acceptedAtNanos.get(i) >= outageStartNanos
            && (outageEndNanos < 0 || acceptedAtNanos.get(i) <= outageEndNanos)) {
          return acceptedAtNanos.get(i);
        }
      }
      return -1;
    }
  }

  void mode(Mode m) {
    synchronized (lock) {
      mode = m;
      if (m == Mode.DROP) {
        closeAll();
      }
      lock.notifyAll();
    }
  }

  /**
   * Arms an outage in {@code m} mode that starts when connection number {@code n} (counted from 1
   * since the proxy started) arrives, and ends after {@code length} (null: it lasts until {@link #mode} is called).
   */
  void outageFromConnection(int n, Mode m, Duration length) {
    synchronized (lock) {
      outageAtConnection = n;
      outageMode = m;
      outageLength = length;
    }
  }

  /**
   * Arms a cut of connection number {@code n} in mid-stream: once it has forwarded {@code bytes}
   * bytes to the server, every open connection is closed and new ones are dropped for {@code length}.
   */
  void cutConnectionAfterBytes(int n, long bytes, Duration length) {
    synchronized (lock) {
      cutConnection = n;
      cutAfterBytes = bytes;
      outageLength = length;
    }
  }

  /** Nanotime of the mid-stream cut; -1 while it has not happened. */
  long cutAtNanos() {
    return cutAtNanos;
  }

  private void startOutage(Mode m) {
    outageStartNanos = System.nanoTime();
    mode = m;
    if (mode == Mode.DROP) {
      closeAll();
    }
    if (outageLength != null) {
      timer.schedule(() -> {
        synchronized (lock) {
          outageEndNanos = System.nanoTime();
          mode = Mode.PASS;
          lock.notifyAll();
        }
      }, outageLength.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      int n = accepted.incrementAndGet();
      Mode now;
      synchronized (lock) {
        acceptedAtNanos.add(System.nanoTime());
        if (n == outageAtConnection) {
          startOutage(outageMode);
        }
        now = mode;
        if (now != Mode.PASS) {
          failedDuringOutage.incrementAndGet();
        }
      }
      if (now == Mode.DROP) {
        closeQuietly(client);
        continue;
      }
      daemon(() -> connect(client, n), "proxy-conn-" + n).start();
    }
  }

  private void connect(Socket client, int n) {
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    open.add(client);
    open.add(upstream);
    daemon(() -> pump(client, upstream, n), "proxy-up").start();
    daemon(() -> pump(upstream, client, 0), "proxy-down").start();
  }

  /** {@code n}: the connection's number (from 1) when this pump forwards to the server, else 0. */
  private void pump(Socket from, Socket to, int n) {
    byte[] buf = new byte[16384];
    long forwarded = 0;
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buf)) >= 0) {
        synchronized (lock) {
          while (mode == Mode.STALL && !closed && !from.isClosed()) {
            lock.wait(1000);
          }
          if (mode == Mode.DROP || closed) {
            break;
          }
        }
        if (n > 0 && n == cutConnection && cutAtNanos < 0 && forwarded + read >= cutAfterBytes) {
          int head = (int) (cutAfterBytes - forwarded);
          out.write(buf, 0, head); // the server gets part of a message, then the connection is cut
          out.flush();
          synchronized (lock) {
            cutAtNanos = System.nanoTime();
            startOutage(Mode.DROP);
          }
          break;
        }
        out.write(buf, 0, read);
        out.flush();
        forwarded += read;
      }
    } catch (IOException | InterruptedException e) {
      // the connection is gone
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private void closeAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    server.close();
    closeAll();
    timer.shutdownNow();
  }
}
