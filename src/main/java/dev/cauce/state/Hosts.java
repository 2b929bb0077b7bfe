package dev.cauce.state;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, for lock holders. */
public final class Hosts {
  private Hosts() {}

  private static final String NAME = resolve();

  public static String name() {
    return NAME;
  }

  private static String resolve() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
