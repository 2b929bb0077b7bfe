package dev.cauce.ingest.http;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads the {@code rel="next"} target of RFC 8288 {@code Link} headers (GitHub-style paging). */
public final class LinkHeader {
  private LinkHeader() {}

  /** The URI reference of the first link whose rel includes {@code next}, over every Link header value. */
  public static Optional<String> next(List<String> values) {
    for (String v : values) {
      int i = 0;
      int n = v.length();
      while (i < n) {
        int lt = v.indexOf('<', i);
        if (lt < 0) {
          break;
        }
        int gt = v.indexOf('>', lt + 1);
        if (gt < 0) {
          break;
        }
        String target = v.substring(lt + 1, gt).trim();
        // parameters up to the next comma outside quotes
        i = gt + 1;
        StringBuilder params = new StringBuilder();
        boolean quoted = false;
        while (i < n && (quoted || v.charAt(i) != ',')) {
          char c = v.charAt(i);
          if (c == '"') {
            quoted = !quoted;
          }
          params.append(c);
          i++;
        }
        i++; // the comma
        if (relIncludesNext(params.toString())) {
          return Optional.of(target);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean relIncludesNext(String params) {
    for (String p : splitOutsideQuotes(params)) {
      int eq = p.indexOf('=');
      if (eq < 0 || !p.substring(0, eq).trim().equalsIgnoreCase("rel")) {
        continue;
      }
      String value = p.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      for (String rel : value.trim().split("\\s+")) {
        if (rel.toLowerCase(Locale.ROOT).equals("next")) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> splitOutsideQuotes(String s) {
    List<String> out = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : s.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ';' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
