package dev.cauce.ingest.http;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code rel="next"} target of RFC 8288 {@code Link} headers (GitHub-style paging). */
public final class LinkHeader {
  private LinkHeader() {}

  private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]+?(?:=(?:\"[^\"]*\"|[^;,]*))?)*)");
  private static final Pattern REL = Pattern.compile("(?i);\\s*rel\\s*=\\s*(?:\"([^\"]*)\"|([^;,\\s]+))");

  /** The URI reference of the first link whose rel includes {@code next}, over every Link header value. */
  public static Optional<String> next(List<String> values) {
    for (String v : values) {
      Matcher m = LINK.matcher(v);
      while (m.find()) {
        Matcher rel = REL.matcher(m.group(2));
        while (rel.find()) {
          String rels = rel.group(1) != null ? rel.group(1) : rel.group(2);
          for (String r : rels.trim().split("\\s+")) {
            if (r.toLowerCase(Locale.ROOT).equals("next")) {
              return Optional.of(m.group(1).trim());
            }
          }
        }
      }
    }
    return Optional.empty();
  }
}
