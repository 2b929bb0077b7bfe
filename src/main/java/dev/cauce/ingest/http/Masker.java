package dev.cauce.ingest.http;

import dev.cauce.secrets.Secrets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Masks an HTTP source's secrets in any text before it is logged, reported or kept as a record's
 * source: every value read from the environment (as written, and URL-encoded as it appears in a
 * query string) becomes {@value Secrets#MASK}, then {@link Secrets#maskText} masks passwords and
 * tokens in URLs. Values shorter than {@value #MIN_SECRET_LENGTH} characters are not searched for
 * (they would mask unrelated text); such short secrets are not secrets.
 */
public final class Masker {
  static final int MIN_SECRET_LENGTH = 3;

  private final List<String> secrets;

  public Masker(Collection<String> secretValues) {
    Set<String> all = new LinkedHashSet<>();
    for (String s : secretValues) {
      if (s != null && s.length() >= MIN_SECRET_LENGTH) {
        all.add(s);
        all.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
        all.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: no partial masks
    this.secrets = List.copyOf(sorted);
  }

  public static Masker none() {
    return new Masker(List.of());
  }

  public String mask(String text) {
    if (text == null) {
      return null;
    }
    String s = text;
    for (String secret : secrets) {
      s = s.replace(secret, Secrets.MASK);
    }
    return Secrets.maskText(s);
  }
}
