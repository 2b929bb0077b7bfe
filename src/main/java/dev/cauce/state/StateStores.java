package dev.cauce.state;

import dev.cauce.secrets.Secrets;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Opens the store an option names: {@code local} (the default: {@code $CAUCE_STATE_DIR} when set, else
 * {@code .cauce/state/} under the project's folder, see {@code dev.cauce.spec.ProjectRoot}), a folder
 * path or {@code file:} URI (local files there), or {@code redis://host:port/db} (its password from
 * {@value #ENV_REDIS_PASSWORD}).
 */
public final class StateStores {
  private StateStores() {}

  public static final String LOCAL = "local";
  public static final String DEFAULT_DIR = ".cauce/state";
  public static final String ENV_DIR = "CAUCE_STATE_DIR";
  /** The Redis password, when the URI has none: an environment variable, which ps does not show. */
  public static final String ENV_REDIS_PASSWORD = "CAUCE_REDIS_PASSWORD";
  public static final String ALLOWED =
      "local (files under " + DEFAULT_DIR + "/ of the project or $" + ENV_DIR + "), a folder path, file:///folder, or redis://host:port/db";

  /** The default local folder: {@code $CAUCE_STATE_DIR} when set, else {@code <home>/.cauce/state}. */
  public static Path defaultDir(Path home, Function<String, String> env) {
    String dir = env.apply(ENV_DIR);
    return dir != null && !dir.isBlank() ? Path.of(dir) : home.resolve(DEFAULT_DIR);
  }

  /**
   * Opens the store, {@code local} under the working directory.
   *
   * @throws IllegalArgumentException for a value that names no store ({@link #ALLOWED} lists the forms)
   * @throws IllegalStateException when the store cannot be reached
   */
  public static StateStore open(String spec) {
    return open(spec, System::getenv, w -> LoggerFactory.getLogger(StateStores.class).warn(w));
  }

  /** As {@link #open(String, Path, Function, Consumer)} with {@code local} under the working directory. */
  public static StateStore open(String spec, Function<String, String> env, Consumer<String> warnings) {
    return open(spec, Path.of(""), env, warnings);
  }

  /**
   * As {@link #open(String)}, {@code local} under {@code home} (the project's folder), reading
   * {@value #ENV_REDIS_PASSWORD} and {@value #ENV_DIR} from {@code env} and telling {@code warnings}
   * what the user should change (a password in the URI).
   */
  public static StateStore open(String spec, Path home, Function<String, String> env, Consumer<String> warnings) {
    if (spec == null || spec.isBlank() || spec.equals(LOCAL)) {
      return new LocalStateStore(defaultDir(home, env));
    }
    if (spec.startsWith("redis://")) {
      return RedisStateStore.open(spec, env.apply(ENV_REDIS_PASSWORD), warnings);
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
