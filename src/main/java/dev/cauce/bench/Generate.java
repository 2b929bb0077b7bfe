package dev.cauce.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A deterministic generator of orders-like JSON Lines in the shape of {@code pipelines/orders.yaml}
 * (its thirteen schema fields), for the bench. The same arguments always give the same bytes.
 *
 * <pre>
 * java -cp ... dev.cauce.bench.Generate --records=1000000 --out=target/bench/orders-1000000.jsonl \
 *     [--dirt=0.05] [--duplicates=0.05] [--seed=42]
 * </pre>
 *
 * <ul>
 *   <li>{@code dirt}: the share of records that are rejected by some stage, spread over malformed
 *       JSON, a bad number, a bad timestamp, a bad e-mail address, an amount out of range, an
 *       unknown currency and a missing order id (so every stage rejects some);
 *   <li>{@code duplicates}: the share of records that re-export an earlier order (same {@code
 *       order_id}, a later {@code updated_at}), which dedupe folds into one.
 * </ul>
 * Records are ~250 bytes, ASCII. Order ids are {@code ord-nnnnnn} (upper-cased by cleaning), with
 * more than six digits past a million orders: the bench runs a copy of the spec whose {@code
 * order_id_format} accepts 6 to 9 digits and whose quality gate has no absolute limits (see {@code
 * runners/bench/bench.sh}).
 */
public final class Generate {
  private Generate() {}

  private static final String[] CURRENCIES = {"USD", "EUR", "GBP", "CAD", "usd", " eur "};
  private static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "CA", "es", "IT", "NL"};
  private static final String[] DOMAINS = {"example.com", "mail.example.org", "shop.test", "post.example.net"};
  private static final long BASE_MILLIS = 1_672_531_200_000L; // 2023-01-01T00:00:00Z
  private static final long SPAN_MILLIS = 700L * 24 * 3600 * 1000; // ~ up to late 2024

  public static void main(String[] args) throws IOException {
    long records = 1_000_000;
    double dirt = 0.05;
    double duplicates = 0.05;
    long seed = 42;
    String out = null;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--records=")) {
        records = Long.parseLong(v);
      } else if (a.startsWith("--dirt=")) {
        dirt = Double.parseDouble(v);
      } else if (a.startsWith("--duplicates=")) {
        duplicates = Double.parseDouble(v);
      } else if (a.startsWith("--seed=")) {
        seed = Long.parseLong(v);
      } else if (a.startsWith("--out=")) {
        out = v;
      } else {
        System.err.println("Generate: unknown argument " + a);
        System.exit(2);
      }
    }
    if (out == null) {
      System.err.println("usage: Generate --records=N --out=FILE [--dirt=0.05] [--duplicates=0.05] [--seed=42]");
      System.exit(2);
    }
    Path path = Path.of(out);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    long bytes;
    try (BufferedWriter w =
        new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8), 1 << 16)) {
      bytes = write(w, records, dirt, duplicates, seed);
    }
    System.out.printf("Generate: %d records, %d bytes, dirt %.3f, duplicates %.3f, seed %d -> %s%n",
        records, bytes, dirt, duplicates, seed, out);
  }

  /** Writes the records; returns the bytes written (ASCII only, so chars = bytes). */
  static long write(Appendable w, long records, double dirt, double duplicates, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder(320);
    long bytes = 0;
    long nextOrder = 0;
    for (long i = 0; i < records; i++) {
      sb.setLength(0);
      long order;
      int version = 0;
      if (nextOrder > 0 && rnd.nextDouble() < duplicates) {
        // a recent order, exported again; from order 1 on (as always, so seeds keep their bytes), but
        // order 0 when it is the only earlier one (an empty range threw for seeds such as 7)
        long from = nextOrder == 1 ? 0 : Math.max(1, nextOrder - 1000);
        order = rnd.nextLong(from, nextOrder);
        version = 1 + rnd.nextInt(5);
      } else {
        order = nextOrder++;
      }
      int dirtKind = rnd.nextDouble() < dirt ? 1 + rnd.nextInt(7) : 0;
      record(sb, rnd, order, version, dirtKind);
      sb.append('\n');
      w.append(sb);
      bytes += sb.length();
    }
    return bytes;
  }

  private static void record(StringBuilder sb, SplittableRandom rnd, long order, int version, int dirt) {
    // the order's own values derive from its number, so a re-export has the same customer
    SplittableRandom o = new SplittableRandom(order * 0x9E3779B97F4A7C15L + 7);
    long created = BASE_MILLIS + o.nextLong(SPAN_MILLIS);
    long updated = created + version * 3_600_000L + o.nextLong(3_600_000L);
    long customer = 1 + o.nextLong(200_000);
    // six digits as orders.yaml's order_id_format wants; beyond a million orders, more digits (the
    // bench's copy of the spec accepts 6 to 9, so ids never wrap around)
    String digits = Long.toString(order);
    String id = "ord-" + "000000".substring(Math.min(6, digits.length())) + digits;
    sb.append('{');
    if (dirt == 7) {
      sb.append("\"order_id\":null");
    } else {
      sb.append("\"order_id\":\"").append(id).append('"');
    }
    sb.append(",\"customer_id\":").append(customer);
    sb.append(",\"customer_email\":\"");
    if (dirt == 4) {
      sb.append("customer").append(customer).append(" at ").append(DOMAINS[(int) (customer % DOMAINS.length)]);
    } else {
      sb.append(" Customer").append(customer).append('@').append(DOMAINS[(int) (customer % DOMAINS.length)]).append(' ');
    }
    sb.append('"');
    long cents = 100 + o.nextLong(500_000);
    sb.append(",\"amount\":");
    if (dirt == 2) {
      sb.append("\"12,3x.5\"");
    } else if (dirt == 5) {
      sb.append(cents * 1000 / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100);
    } else if ((order & 3) == 0) {
      sb.append("\"$").append(cents / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100).append('"');
    } else {
      sb.append(cents / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100);
    }
    sb.append(",\"currency\":\"").append(dirt == 6 ? "XYZ" : CURRENCIES[(int) (order % CURRENCIES.length)]).append('"');
    sb.append(",\"quantity\":").append(1 + o.nextInt(9));
    sb.append(",\"coupon\":").append((order % 7) == 0 ? "\"SAVE10\"" : (order % 11) == 0 ? "\"NOCODE\"" : "null");
    sb.append(",\"created_at\":");
    if (dirt == 3) {
      sb.append("\"2024-13-45 25:61\"");
    } else if ((order & 1) == 0) {
      sb.append('"').append(java.time.Instant.ofEpochMilli(created)).append('"');
    } else {
      sb.append(created);
    }
    sb.append(",\"updated_at\":\"").append(java.time.Instant.ofEpochMilli(updated)).append('"');
    if ((order % 3) == 0) {
      sb.append(",\"shipped_at\":\"").append(java.time.Instant.ofEpochMilli(updated + 86_400_000L)).append('"');
    }
    sb.append(",\"country\":\"").append(COUNTRIES[(int) (customer % COUNTRIES.length)]).append('"');
    sb.append(",\"gift\":").append((order % 5) == 0 ? "true" : "false");
    if ((order % 5) == 0) {
      sb.append(",\"gift_message\":\"Happy   birthday,  friend\"");
    }
    sb.append('}');
    if (dirt == 1) {
      sb.setLength(sb.length() - 1 - rnd.nextInt(20)); // truncated: malformed JSON
    }
  }
}
