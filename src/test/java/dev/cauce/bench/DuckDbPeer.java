package dev.cauce.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bench's DuckDB peer (issue 16): the bench's orders job ({@code target/bench/orders-bench.yaml},
 * a copy of {@code pipelines/orders.yaml} whose order ids have 6-9 digits) written by hand in SQL, as
 * a data engineer would do it with DuckDB instead of cauce: read the JSON Lines, the same cleaning
 * (trim, null tokens, upper/lower, currency stripping, defaults, the timestamp formats), the same
 * casts, required fields and rules with the same reason codes, dedupe latest by {@code updated_at}
 * per {@code order_id} with a window, and COPY of the kept rows to JSON Lines and Parquet and of the
 * rejected ones to JSON Lines. It lives in the test sources (DuckDB is a test-scope dependency) and
 * knows only what the generator ({@link Generate}) produces and the orders spec asks; {@code
 * DuckDbPeerTest} checks its counts and reasons equal cauce's so it cannot drift.
 *
 * <pre>
 * java -cp target/test-classes:duckdb_jdbc.jar dev.cauce.bench.DuckDbPeer --input=FILE --output=DIR [--threads=N]
 * </pre>
 *
 * Prints a summary and one line {@code DUCKDB {json}} with the counts, as the baseline's {@code BASELINE}.
 */
public final class DuckDbPeer {
  private DuckDbPeer() {}

  /** What one run counted: rejections by reason code. */
  public record Counts(long read, long written, long duplicates, Map<String, Long> reasons, long runMs) {
    public long rejected() {
      return reasons.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean conservation() {
      return read == written + rejected() + duplicates;
    }
  }

  public static void main(String[] args) throws Exception {
    String input = null;
    String output = null;
    int threads = 0;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--input=")) {
        input = v;
      } else if (a.startsWith("--output=")) {
        output = v;
      } else if (a.startsWith("--threads=")) {
        threads = Integer.parseInt(v);
      } else {
        System.err.println("DuckDbPeer: unknown argument " + a);
        System.exit(2);
      }
    }
    if (input == null || output == null) {
      System.err.println("usage: DuckDbPeer --input=FILE_OR_GLOB --output=DIR [--threads=N]");
      System.exit(2);
    }
    Counts c = run(input, Path.of(output), threads);
    System.out.printf("duckdb: read %d, written %d, rejected %d %s, duplicates %d; check %s; %d ms%n",
        c.read(), c.written(), c.rejected(), c.reasons(), c.duplicates(), c.conservation() ? "OK" : "BROKEN", c.runMs());
    System.out.printf("DUCKDB {\"read\":%d,\"written\":%d,\"rejected\":%d,\"duplicates\":%d,\"conservation\":%b,\"run_ms\":%d}%n",
        c.read(), c.written(), c.rejected(), c.duplicates(), c.conservation(), c.runMs());
  }

  /** Runs the job on {@code input} (a file or a glob DuckDB expands); writes three files into {@code out}. */
  public static Counts run(String input, Path out, int threads) throws Exception {
    long start = System.nanoTime();
    Files.createDirectories(out);
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      if (threads > 0) {
        s.execute("SET threads = " + threads);
      }
      s.execute("SET TimeZone = 'UTC'");
      // the spec's null tokens (case-insensitive, after trim); a text field's value after `all: [trim]`
      s.execute("CREATE MACRO v(x) AS CASE WHEN lower(trim(x)) IN ('', 'n/a', 'na', 'null', 'none', 'empty', '-', 'unknown') "
          + "THEN NULL ELSE trim(x) END");
      // formats [iso, epoch_millis | epoch_seconds | a pattern]: null when none fits (cauce: invalid_timestamp)
      s.execute("CREATE MACRO ts(x, epoch_div, pattern) AS CASE "
          + "WHEN x IS NULL THEN NULL "
          + "WHEN epoch_div > 0 AND regexp_full_match(x, '-?[0-9]+') THEN make_timestamp(TRY_CAST(x AS BIGINT) * (1000000 // epoch_div))::TIMESTAMPTZ "
          + "ELSE coalesce(TRY_CAST(x AS TIMESTAMPTZ), try_strptime(x, pattern)::TIMESTAMPTZ) END");
      s.execute(
          "CREATE TEMP TABLE lines AS SELECT row_number() OVER () AS line, raw FROM read_csv(" + literal(input)
              + ", columns = {'raw': 'VARCHAR'}, header = false, delim = '\u001f', quote = '', escape = '', "
              + "auto_detect = false, strict_mode = false)");
      // parse: one JSON parse per line, every field as text (null for JSON null or absent)
      s.execute("CREATE TEMP TABLE parsed AS SELECT line, raw, "
          + "CASE WHEN NOT json_valid(raw) THEN 'malformed_json' WHEN json_type(raw) <> 'OBJECT' THEN 'not_an_object' END AS parse_reason, "
          + "CASE WHEN json_valid(raw) AND json_type(raw) = 'OBJECT' THEN json_extract_string(raw, ['$.order_id', '$.customer_id', "
          + "'$.customer_email', '$.amount', '$.currency', '$.quantity', '$.coupon', '$.created_at', '$.updated_at', '$.shipped_at', "
          + "'$.country', '$.gift', '$.gift_message']) END AS f FROM lines");
      // clean: steps, defaults and casts; the text of each cast kept to tell a null from a refused value
      s.execute("CREATE TEMP TABLE cleaned AS SELECT line, raw, parse_reason, "
          + "upper(v(f[1])) AS order_id, v(f[2]) AS customer_id_t, TRY_CAST(v(f[2]) AS BIGINT) AS customer_id, "
          + "lower(trim(v(f[3]))) AS customer_email, "
          + "replace(regexp_replace(v(f[4]), '[$€£]', '', 'g'), ',', '') AS amount_t, "
          + "TRY_CAST(replace(regexp_replace(v(f[4]), '[$€£]', '', 'g'), ',', '') AS DECIMAL(38, 9)) AS amount, "
          + "coalesce(upper(v(f[5])), 'USD') AS currency, "
          + "coalesce(v(f[6]), '1') AS quantity_t, TRY_CAST(coalesce(v(f[6]), '1') AS INTEGER) AS quantity, "
          + "CASE WHEN v(f[7]) IN ('NOCODE', '0') THEN NULL ELSE v(f[7]) END AS coupon, "
          + "v(f[8]) AS created_at_t, ts(v(f[8]), 1000, NULL) AS created_at, "
          + "v(f[9]) AS updated_at_t, ts(v(f[9]), 1, NULL) AS updated_at, "
          + "v(f[10]) AS shipped_at_t, ts(v(f[10]), 0, '%d/%m/%Y %H:%M') AS shipped_at, "
          + "coalesce(upper(v(f[11])), 'US') AS country, "
          + "coalesce(lower(v(f[12])), 'false') AS gift_t, TRY_CAST(coalesce(lower(v(f[12])), 'false') AS BOOLEAN) AS gift, "
          + "regexp_replace(v(f[13]), '\\s+', ' ', 'g') AS gift_message "
          + "FROM parsed");
      // the reason of each record: parse, then clean (the first field refused), then the required
      // fields and the error rules in the spec's order (warn rules reject nothing)
      s.execute("CREATE TEMP TABLE judged AS SELECT *, coalesce(parse_reason, "
          + "CASE WHEN customer_id IS NULL AND customer_id_t IS NOT NULL THEN 'invalid_number' "
          + "WHEN amount IS NULL AND amount_t IS NOT NULL THEN 'invalid_number' "
          + "WHEN quantity IS NULL THEN 'invalid_number' "
          + "WHEN created_at IS NULL AND created_at_t IS NOT NULL THEN 'invalid_timestamp' "
          + "WHEN updated_at IS NULL AND updated_at_t IS NOT NULL THEN 'invalid_timestamp' "
          + "WHEN shipped_at IS NULL AND shipped_at_t IS NOT NULL THEN 'invalid_timestamp' "
          + "WHEN gift IS NULL THEN 'invalid_boolean' END, "
          + "CASE WHEN order_id IS NULL THEN 'order_id_required' WHEN customer_email IS NULL THEN 'customer_email_required' "
          + "WHEN amount IS NULL THEN 'amount_required' WHEN created_at IS NULL THEN 'created_at_required' "
          + "WHEN updated_at IS NULL THEN 'updated_at_required' "
          + "WHEN NOT regexp_full_match(order_id, '^ORD-[0-9]{6,9}$') THEN 'order_id_format' "
          + "WHEN NOT regexp_full_match(customer_email, '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$') THEN 'email_format' "
          + "WHEN amount < 0 OR amount > 10000 THEN 'amount_in_range' "
          + "WHEN currency NOT IN ('USD', 'EUR', 'GBP', 'CAD') THEN 'currency_known' "
          + "WHEN quantity < 1 OR quantity > 100 THEN 'quantity_range' "
          + "WHEN created_at < TIMESTAMPTZ '2023-01-01 00:00:00+00' OR created_at >= TIMESTAMPTZ '2025-01-01 00:00:00+00' "
          + "THEN 'created_at_plausible' "
          + "WHEN shipped_at < created_at THEN 'shipped_after_created' END) AS reason "
          + "FROM cleaned");
      // dedupe: the latest updated_at per order_id; on a tie the later line
      s.execute("CREATE TEMP TABLE kept AS SELECT order_id, customer_id, customer_email, amount, currency, quantity, coupon, "
          + "created_at, updated_at, shipped_at, country, gift, gift_message FROM judged WHERE reason IS NULL "
          + "QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC, line DESC) = 1");
      s.execute("COPY kept TO " + literal(out.resolve("orders.jsonl").toString()) + " (FORMAT JSON)");
      s.execute("COPY kept TO " + literal(out.resolve("orders_parquet.parquet").toString()) + " (FORMAT PARQUET)");
      s.execute("COPY (SELECT CASE WHEN parse_reason IS NOT NULL THEN 'parse' WHEN reason LIKE 'invalid_%' THEN 'clean' "
          + "ELSE 'validate' END AS stage, reason, line, raw FROM judged WHERE reason IS NOT NULL) TO "
          + literal(out.resolve("rejected.jsonl").toString()) + " (FORMAT JSON)");
      long read = count(s, "SELECT count(*) FROM judged");
      long valid = count(s, "SELECT count(*) FROM judged WHERE reason IS NULL");
      long written = count(s, "SELECT count(*) FROM kept");
      Map<String, Long> reasons = new TreeMap<>();
      try (ResultSet r = s.executeQuery("SELECT reason, count(*) FROM judged WHERE reason IS NOT NULL GROUP BY reason")) {
        while (r.next()) {
          reasons.put(r.getString(1), r.getLong(2));
        }
      }
      return new Counts(read, written, valid - written, reasons, (System.nanoTime() - start) / 1_000_000);
    }
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * A path as an SQL string literal: DuckDB's table functions and COPY take no bound parameters for
   * file names, so the path is quoted here, and one with a quote or a control character is refused.
   */
  static String literal(String path) {
    for (int i = 0; i < path.length(); i++) {
      char ch = path.charAt(i);
      if (ch == '\'' || ch < 0x20) {
        throw new IllegalArgumentException("DuckDbPeer: unsupported character in path " + path);
      }
    }
    return "'" + path + "'";
  }
}
