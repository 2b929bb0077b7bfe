package dev.cauce.state;

import dev.cauce.secrets.Secrets;
import java.nio.file.Path;

/**
 * Opens the store an option names: {@code local} (the default: {@code .cauce/state/} under the
 * working directory, or {@code $CAUCE_STATE_DIR} when set), a folder path or {@code file:} URI
 * (local files there), or {@code redis://host:port/db}.
 */
public final class StateStores {
  private StateStores() {}

  public static final String LOCAL = "local";
  public static final String DEFAULT_DIR = ".cauce/state";
  public static final String ENV_DIR = "CAUCE_STATE_DIR";
  public static final String ALLOWED =
      "local (files under " + DEFAULT_DIR + "/ or $" + ENV_DIR + "), a folder path, file:///folder, or redis://host:port/db";

  /** The default local folder. */
  public static Path defaultDir() {
    String env = System.getenv(ENV_DIR);
    return Path.of(env != null && !env.isBlank() ? env : DEFAULT_DIR);
  }

  /**
   * @throws IllegalArgumentException for a value that names no store ({@link #ALLOWED} lists the forms)
   * @throws IllegalStateException when the store cannot be reached
   */
  public static StateStore open(String spec) {
    if (spec == null || spec.isBlank() || spec.equals(LOCAL)) {
      return new LocalStateStore(defaultDir());
    }
    if (spec.startsWith("redis://")) {
      return RedisStateStore.open(spec);
    }
    if (spec.startsWith("file:")) {
      return new LocalStateStore(Path.of(java.net.URI.create(spec)));
    }
    if (spec.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw new IllegalArgumentException("unsupported state store \"" + Secrets.maskText(spec) + "\"; allowed: " + ALLOWED);
    }
    return new LocalStateStore(Path.of(spec));
  }
}
