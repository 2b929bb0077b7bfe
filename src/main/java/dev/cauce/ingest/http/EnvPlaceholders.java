package dev.cauce.ingest.http;

import dev.cauce.spec.HttpSourceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * Fills the {@code ${env:NAME}} placeholders of an HTTP source's parameters and headers from the
 * environment, at run time. The values are secrets: they only reach the request, and the returned
 * {@link Masker} hides them everywhere else.
 */
public final class EnvPlaceholders {
  private EnvPlaceholders() {}

  /** The parameters and headers with their placeholders filled, and the masker for the values read. */
  public record Resolved(Map<String, String> params, Map<String, String> headers, Masker masker) {}

  /**
   * One message per environment variable the source reads that is not set (or empty), naming where
   * the spec uses it; empty when all are set.
   */
  public static List<String> missing(HttpSourceSpec http, Function<String, String> env) {
    List<String> problems = new ArrayList<>();
    for (String name : http.envNames()) {
      String v = env.apply(name);
      if (v == null || v.isEmpty()) {
        problems.add("environment variable " + name + " is not set (source.http " + usedBy(http, name)
            + " reads it with ${env:" + name + "}); set it before running, e.g. export " + name + "=...");
      }
    }
    return problems;
  }

  /** Fills the placeholders; an unset variable is an {@link HttpSourceException}. */
  public static Resolved resolve(HttpSourceSpec http, Function<String, String> env) {
    List<String> problems = missing(http, env);
    if (!problems.isEmpty()) {
      throw new HttpSourceException("HTTP source: " + String.join("; ", problems));
    }
    List<String> secrets = new ArrayList<>();
    for (String name : http.envNames()) {
      secrets.add(env.apply(name));
    }
    return new Resolved(fill(http.params(), env), fill(http.headers(), env), new Masker(secrets));
  }

  private static Map<String, String> fill(Map<String, String> m, Function<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      Matcher x = HttpSourceSpec.ENV_PLACEHOLDER.matcher(v);
      StringBuilder sb = new StringBuilder();
      while (x.find()) {
        x.appendReplacement(sb, Matcher.quoteReplacement(env.apply(x.group(1))));
      }
      x.appendTail(sb);
      out.put(k, sb.toString());
    });
    return out;
  }

  private static String usedBy(HttpSourceSpec http, String name) {
    List<String> where = new ArrayList<>();
    String placeholder = "${env:" + name + "}";
    http.params().forEach((k, v) -> {
      if (v.contains(placeholder)) {
        where.add("params." + k);
      }
    });
    http.headers().forEach((k, v) -> {
      if (v.contains(placeholder)) {
        where.add("headers." + k);
      }
    });
    return String.join(", ", where);
  }
}
