package dev.cauce.demo;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import dev.cauce.Cauce;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code make demo-api}: serves the sample API's pages (WireMock, {@link #FILES}) on
 * 127.0.0.1:{@value #PORT}, runs cauce on {@code pipelines/api_orders.yaml} with the given extra
 * arguments (runner options), stops the server and exits with cauce's exit code. Needs no network
 * beyond the loopback interface. The spec reads its token from CAUCE_DEMO_TOKEN; make sets it.
 */
public final class ApiDemo {
  private ApiDemo() {}

  public static final int PORT = 8765;
  public static final String FILES = "pipelines/data/api";
  public static final String SPEC = "pipelines/api_orders.yaml";

  /** The sample API on 127.0.0.1 at {@code port} (0: any free port), started. */
  public static WireMockServer startApi(int port) {
    WireMockServer server = new WireMockServer(wireMockConfig()
        .port(port)
        .bindAddress("127.0.0.1")
        .usingFilesUnderDirectory(FILES)
        .notifier(new ConsoleNotifier(false)));
    server.start();
    return server;
  }

  public static void main(String[] args) throws IOException {
    if (!Files.isRegularFile(Path.of(SPEC))) {
      System.err.println("demo-api: run it from the project folder (" + SPEC + " not found)");
      System.exit(2);
    }
    try (ServerSocket probe = new ServerSocket(PORT, 1, InetAddress.getLoopbackAddress())) {
      probe.setReuseAddress(true);
    } catch (IOException e) {
      System.err.println("demo-api: port " + PORT + " on 127.0.0.1 is in use (" + e.getMessage() + "); stop what"
          + " listens there (e.g. an earlier demo: `ss -ltnp | grep " + PORT + "`) and try again");
      System.exit(2);
    }
    WireMockServer api = startApi(PORT);
    int code;
    try {
      System.out.println("demo-api: serving the sample API at http://127.0.0.1:" + PORT + "/api/orders (" + FILES + ")");
      List<String> all = new ArrayList<>(List.of("--spec=" + SPEC));
      all.addAll(List.of(args));
      code = Cauce.run(all.toArray(String[]::new), System.out, System.err).code;
      System.out.println("demo-api: the API answered " + api.getAllServeEvents().size() + " requests; server stopped");
    } finally {
      api.stop();
    }
    System.exit(code);
  }
}
