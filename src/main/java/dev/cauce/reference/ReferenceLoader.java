package dev.cauce.reference;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.cauce.clean.FieldCast;
import dev.cauce.secrets.Secrets;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.FieldCleaning;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.ReferenceSpec;
import dev.cauce.spec.ReferenceSpec.Format;
import dev.cauce.spec.ReferenceSpec.OnDuplicate;
import dev.cauce.validate.Validator;
import dev.cauce.validate.rules.ReferenceKeys;
import dev.cauce.write.jdbc.JdbcSettings;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Reads a spec's references once, for the plan (before anything runs): a CSV file with a header or a
 * JSONL file through Beam's file systems (local paths, {@code gs://}; {@code .gz} decompressed), or
 * the rows of a PostgreSQL query in a read-only transaction (the connection of {@code --jdbcUrl}).
 * Every problem is a {@link ReferenceException} naming the reference: missing file, more than its
 * {@code max_bytes} or {@code max_rows}, a key or lookup column not in the header, a key cell that is
 * empty or not of its type, a lookup cell that does not convert to its field's type, and, with {@code
 * on_duplicate: error}, a key given twice. With {@code on_duplicate: first} (the default) the first
 * row of a key wins and the others are counted.
 */
public final class ReferenceLoader {
  private ReferenceLoader() {}

  /** The most problems listed for one reference's cells before the rest are summed up. */
  static final int MAX_LISTED = 5;
  /** A query is cancelled after this long. */
  static final int QUERY_TIMEOUT_S = 300;

  /** A reference that cannot be used; the message names it. */
  public static final class ReferenceException extends RuntimeException {
    public ReferenceException(String message) {
      super(message);
    }
  }

  /**
   * Reads every reference of {@code spec} (paths already resolved); {@code jdbc} connects query
   * references (null: none may be a query). Returns the tables by name, in spec order.
   *
   * @throws ReferenceException listing every reference that could not be read, one per line
   */
  public static Map<String, ReferenceTable> loadAll(PipelineSpec spec, JdbcSettings jdbc) {
    Map<String, ReferenceTable> tables = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (ReferenceSpec ref : spec.references()) {
      try {
        tables.put(ref.name(), load(spec, ref, jdbc));
      } catch (ReferenceException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ReferenceException(String.join("\n", problems));
    }
    return tables;
  }

  /** Returns {@code spec} with each reference's header from {@code tables} (what the stages need). */
  public static PipelineSpec withColumns(PipelineSpec spec, Map<String, ReferenceTable> tables) {
    return spec.withReferences(spec.references().stream()
        .map(r -> tables.containsKey(r.name()) ? tables.get(r.name()).spec() : r).toList());
  }

  /** The rows by key of each table, as the side inputs carry them. */
  public static Map<String, Map<String, List<String>>> rows(Map<String, ReferenceTable> tables) {
    Map<String, Map<String, List<String>>> rows = new LinkedHashMap<>();
    tables.forEach((name, t) -> rows.put(name, t.rows()));
    return rows;
  }

  static ReferenceTable load(PipelineSpec spec, ReferenceSpec ref, JdbcSettings jdbc) {
    Rows rows = new Rows(spec, ref);
    if (ref.isQuery()) {
      query(ref, jdbc, rows);
    } else {
      file(ref, rows);
    }
    return rows.finish();
  }

  private static ReferenceException problem(ReferenceSpec ref, String message) {
    return new ReferenceException("cauce: reference " + ref.name() + " (" + ref.source() + "): " + message);
  }

  private static void file(ReferenceSpec ref, Rows rows) {
    MatchResult.Metadata meta;
    try {
      meta = FileSystems.matchSingleFileSpec(ref.path());
    } catch (FileNotFoundException e) {
      throw problem(ref, "file not found");
    } catch (IOException | RuntimeException e) {
      throw problem(ref, "cannot be read: " + Secrets.maskText(String.valueOf(e.getMessage())));
    }
    if (meta.sizeBytes() > ref.maxBytes()) {
      throw problem(ref, "is " + meta.sizeBytes() + " bytes, more than its max_bytes " + ref.maxBytes()
          + " (a reference is held in memory by every worker; raise max_bytes, up to " + ReferenceSpec.MAX_BYTES_LIMIT + ")");
    }
    try (InputStream raw = Channels.newInputStream(FileSystems.open(meta.resourceId()));
        InputStream in = ref.path().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        Reader text = new BufferedReader(new InputStreamReader(new Bounded(in, ref, rows), StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      if (ref.format() == Format.CSV) {
        csv(ref, text, rows);
      } else {
        jsonl(ref, text, rows);
      }
    } catch (ReferenceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw problem(ref, "cannot be read: " + Secrets.maskText(String.valueOf(e.getMessage())));
    }
  }

  private static void csv(ReferenceSpec ref, Reader text, Rows rows) throws IOException {
    try (MappingIterator<String[]> it =
        new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class).readValues(text)) {
      if (!it.hasNextValue()) {
        throw problem(ref, "is empty: a CSV reference starts with a header line");
      }
      List<String> header = new ArrayList<>();
      for (String h : it.nextValue()) {
        header.add((header.isEmpty() && h.startsWith("\uFEFF") ? h.substring(1) : h).trim()); // a UTF-8 BOM is no name
      }
      rows.header(header);
      while (it.hasNextValue()) {
        String[] cells = it.nextValue();
        long n = rows.rowsRead + 1;
        if (cells.length == 1 && cells[0].isBlank()) {
          continue; // a blank line
        }
        if (cells.length != header.size()) {
          throw problem(ref, "row " + n + " has " + cells.length + " columns, the header " + header.size());
        }
        List<String> row = new ArrayList<>(cells.length);
        for (String c : cells) {
          row.add(c.isEmpty() ? null : c);
        }
        rows.add(row);
      }
    }
  }

  /** JSONL: one object per line; the columns are the keys in the order first seen, a key a row lacks is null. */
  private static void jsonl(ReferenceSpec ref, Reader text, Rows rows) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // decimals without binary rounding
    List<Map<String, String>> objects = new ArrayList<>();
    List<String> header = new ArrayList<>();
    BufferedReader lines = new BufferedReader(text);
    String line;
    int n = 0;
    while ((line = lines.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = json.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw problem(ref, "line " + n + " is not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (node == null || !node.isObject()) {
        throw problem(ref, "line " + n + " is not a JSON object");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
        Map.Entry<String, JsonNode> e = f.next();
        if (!header.contains(e.getKey())) {
          header.add(e.getKey());
        }
        JsonNode v = e.getValue();
        values.put(e.getKey(), v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
      }
      objects.add(values);
      if (objects.size() > ref.maxRows()) {
        throw rows.tooManyRows();
      }
    }
    rows.header(header);
    for (Map<String, String> o : objects) {
      List<String> row = new ArrayList<>(header.size());
      for (String h : header) {
        row.add(o.get(h));
      }
      rows.add(row);
    }
  }

  private static void query(ReferenceSpec ref, JdbcSettings jdbc, Rows rows) {
    if (jdbc == null || jdbc.url() == null || jdbc.url().isBlank()) {
      throw problem(ref, "a query reference needs --jdbcUrl (the PostgreSQL database to read it from)");
    }
    try (Connection c = jdbc.dataSource().getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false); // a read-only transaction, and rows fetched in batches
      try (Statement st = c.createStatement()) {
        st.setQueryTimeout(QUERY_TIMEOUT_S);
        st.setFetchSize(1000);
        st.setMaxRows((int) Math.min(Integer.MAX_VALUE, ref.maxRows() + 1));
        try (ResultSet rs = st.executeQuery(ref.query())) {
          ResultSetMetaData md = rs.getMetaData();
          List<String> header = new ArrayList<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            header.add(md.getColumnLabel(i));
          }
          rows.header(header);
          while (rs.next()) {
            List<String> row = new ArrayList<>(header.size());
            for (int i = 1; i <= header.size(); i++) {
              String v = rs.getString(i);
              rows.bytes += v == null ? 0 : v.getBytes(StandardCharsets.UTF_8).length;
              row.add(v);
            }
            if (rows.bytes > ref.maxBytes()) {
              throw problem(ref, "its rows hold more than its max_bytes " + ref.maxBytes() + " bytes of text (a reference is held in"
                  + " memory by every worker; raise max_bytes, up to " + ReferenceSpec.MAX_BYTES_LIMIT + ")");
            }
            rows.add(row);
          }
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw problem(ref, "the query failed on " + jdbc.maskedUrl() + ": " + Secrets.maskText(String.valueOf(e.getMessage())));
    }
  }

  /** Counts the bytes read and refuses more than {@code max_bytes} (a .gz file's are counted decompressed). */
  private static final class Bounded extends java.io.FilterInputStream {
    private final ReferenceSpec ref;
    private final Rows rows;

    Bounded(InputStream in, ReferenceSpec ref, Rows rows) {
      super(in);
      this.ref = ref;
      this.rows = rows;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      rows.bytes += n;
      if (rows.bytes > ref.maxBytes()) {
        throw problem(ref, "holds more than its max_bytes " + ref.maxBytes() + " bytes (decompressed; a reference is held in memory"
            + " by every worker; raise max_bytes, up to " + ReferenceSpec.MAX_BYTES_LIMIT + ")");
      }
    }
  }

  /** The rows being read: checks the header, each row's key and lookup cells, the bounds and duplicate keys. */
  private static final class Rows {
    private final ReferenceSpec ref;
    private final PipelineSpec spec;
    private final ZoneId zone;
    private final Map<String, List<String>> byKey = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int[] keyIndex;
    private List<Check> checks;
    private List<String> header;
    long rowsRead;
    long duplicates;
    long bytes;

    /** A lookup column whose cells must convert to the type of the field it sets. */
    private record Check(int column, String field, FieldCast cast) {}

    Rows(PipelineSpec spec, ReferenceSpec ref) {
      this.spec = spec;
      this.ref = ref;
      this.zone = Validator.zone(spec);
    }

    void header(List<String> columns) {
      header = List.copyOf(columns);
      List<String> missing = ref.key().stream().filter(k -> !header.contains(k)).toList();
      if (!missing.isEmpty()) {
        throw problem(ref, "key column(s) " + String.join(", ", missing) + " not in its columns " + header);
      }
      keyIndex = ref.key().stream().mapToInt(header::indexOf).toArray();
      checks = new ArrayList<>();
      for (FieldSpec f : spec.schema()) {
        if (f.lookup() == null || !f.lookup().reference().equals(ref.name())) {
          continue;
        }
        int column = header.indexOf(f.lookup().column());
        if (column < 0) {
          throw problem(ref, "field " + f.name() + " looks up column " + f.lookup().column() + ", not in its columns " + header);
        }
        FieldCleaning cleaning = spec.clean() == null ? FieldCleaning.NONE : spec.clean().forField(f.name());
        checks.add(new Check(column, f.name(), FieldCast.of(f.type(), cleaning, zone, "schema." + f.name() + ".lookup")));
      }
    }

    ReferenceException tooManyRows() {
      return problem(ref, "has more than its max_rows " + ref.maxRows() + " rows (a reference is held in memory by every"
          + " worker; raise max_rows, up to " + ReferenceSpec.MAX_ROWS_LIMIT + ")");
    }

    void add(List<String> row) {
      rowsRead++;
      if (rowsRead > ref.maxRows()) {
        throw tooManyRows();
      }
      List<String> cells = new ArrayList<>(keyIndex.length);
      for (int i : keyIndex) {
        cells.add(row.get(i));
      }
      String key;
      try {
        key = ReferenceKeys.ofCells(ref.key(), cells, ref.keyTypes(), zone);
      } catch (IllegalArgumentException e) {
        note("row " + rowsRead + ": " + e.getMessage());
        return;
      }
      for (Check c : checks) {
        try {
          c.cast.cast(row.get(c.column));
        } catch (IllegalArgumentException e) {
          note("row " + rowsRead + ": column " + header.get(c.column) + " does not fit field " + c.field + ": " + e.getMessage());
        }
      }
      List<String> first = byKey.putIfAbsent(key, java.util.Collections.unmodifiableList(new ArrayList<>(row)));
      if (first != null) {
        duplicates++;
        if (ref.onDuplicate() == OnDuplicate.ERROR) {
          note("row " + rowsRead + ": key " + ReferenceKeys.show(cells) + " is given by an earlier row too (on_duplicate: error)");
        }
      }
    }

    private void note(String problem) {
      problems.add(problem);
    }

    ReferenceTable finish() {
      if (header == null) {
        throw problem(ref, "has no header");
      }
      if (!problems.isEmpty()) {
        String listed = String.join("; ", problems.subList(0, Math.min(MAX_LISTED, problems.size())));
        throw problem(ref, listed + (problems.size() > MAX_LISTED ? "; and " + (problems.size() - MAX_LISTED) + " more problem(s)" : ""));
      }
      return new ReferenceTable(ref.withColumns(header), byKey, rowsRead, duplicates, bytes);
    }
  }
}
