package dev.cauce.write;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.cauce.model.Rejection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Takes the records a replay re-ingested out of the live dead letter. A rejection is identified by
 * {@link Key}: the run that rejected it and its record's source and line (a replayed record keeps
 * both, see {@code replay.ReplayDeadLetter}). A live dead-letter file holding none of the replayed
 * keys stays as it is; one holding some is replaced by a new file of this run, {@code
 * <runId>-kept-SSSSS-of-NNNNN.<ext>}, with its other records in their order (JSON Lines: the lines
 * as they were; CSV: the header and rows as {@link RejectionCsv} writes them), or is dropped when
 * nothing else is left. A line that is not a rejection is kept. Streams every file: twice per
 * affected file (count, then copy), once per other file.
 */
public final class DeadLetterRewrite {
  private static final CsvMapper CSV = new CsvMapper();

  private DeadLetterRewrite() {}

  /** A rejection's identity in a dead letter: the run that rejected it, and its record's source and line. */
  public record Key(String runId, String source, long line) {
    public static Key of(Rejection r) {
      return new Key(r.runId(), r.source(), r.line());
    }
  }

  /**
   * The new dead-letter list before this run's own rejections: {@code files} in the live order
   * (rewritten files in place of those they replace), and {@code rewrites}: old name → new name
   * (absent when the old file is dropped) for every affected file.
   */
  record Plan(List<String> files, Map<String, String> rewrites, Set<String> dropped, long removed) {}

  /**
   * The keys of the rejections in the dead-letter JSON Lines files matching {@code pattern}: what a
   * {@code --replay=<pattern>} run re-ingests. Lines that are not rejections have no key.
   */
  public static Set<Key> keysOf(String pattern) throws IOException {
    Set<Key> keys = new HashSet<>();
    MatchResult m = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.NOT_FOUND) {
      return keys;
    }
    for (MatchResult.Metadata f : m.metadata()) {
      forEachJsonLine(f.resourceId(), (line, key) -> {
        if (key != null) {
          keys.add(key);
        }
      });
    }
    return keys;
  }

  /**
   * Plans the rewrite of the live dead-letter files {@code live} in {@code dir} without {@code
   * replayed}; new names avoid {@code taken}.
   */
  static Plan plan(ResourceId dir, List<String> live, Set<Key> replayed, String runId, Predicate<String> taken)
      throws IOException {
    Map<String, long[]> affected = new LinkedHashMap<>(); // name -> {kept, removed}
    for (String name : live) {
      if (replayed.isEmpty() || !readable(name)) {
        continue;
      }
      long[] counts = new long[2];
      forEachRecord(file(dir, name), (text, key) -> counts[key != null && replayed.contains(key) ? 1 : 0]++);
      if (counts[1] > 0) {
        affected.put(name, counts);
      }
    }
    List<String> rewritten = affected.entrySet().stream().filter(e -> e.getValue()[0] > 0).map(Map.Entry::getKey).toList();
    Map<String, String> rewrites = new LinkedHashMap<>();
    Set<String> dropped = new HashSet<>();
    long removed = 0;
    for (Map.Entry<String, long[]> e : affected.entrySet()) {
      removed += e.getValue()[1];
      int i = rewritten.indexOf(e.getKey());
      if (i < 0) {
        dropped.add(e.getKey());
        continue;
      }
      String name = Layout.fileName(runId + "-kept", i, rewritten.size(), extension(e.getKey()));
      if (taken.test(name)) {
        throw new IllegalStateException("cannot rewrite dead-letter file " + e.getKey() + ": " + name
            + " is already live (was run id " + runId + " used before?)");
      }
      rewrites.put(e.getKey(), name);
    }
    List<String> files = new ArrayList<>();
    for (String name : live) {
      if (rewrites.containsKey(name)) {
        files.add(rewrites.get(name));
      } else if (!dropped.contains(name)) {
        files.add(name);
      }
    }
    return new Plan(files, rewrites, dropped, removed);
  }

  /** Writes the plan's rewritten files into {@code dir}; returns them. */
  static List<ResourceId> write(ResourceId dir, Plan plan, Set<Key> replayed) throws IOException {
    List<ResourceId> written = new ArrayList<>();
    for (Map.Entry<String, String> e : plan.rewrites().entrySet()) {
      ResourceId target = file(dir, e.getValue());
      boolean csv = e.getKey().endsWith(".csv");
      try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
        if (csv) {
          out.write((RejectionCsv.header() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        forEachRecord(file(dir, e.getKey()), (text, key) -> {
          if (key == null || !replayed.contains(key)) {
            try {
              out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
          }
        });
      } catch (UncheckedIOException x) {
        throw x.getCause();
      }
      written.add(target);
    }
    return written;
  }

  private static boolean readable(String name) {
    return name.endsWith(".jsonl") || name.endsWith(".csv");
  }

  private static String extension(String name) {
    return name.substring(name.lastIndexOf('.'));
  }

  private static ResourceId file(ResourceId dir, String name) {
    return dir.resolve(name, StandardResolveOptions.RESOLVE_FILE);
  }

  /** Each record of a dead-letter file: its text as written back, and its key (null when it has none). */
  private static void forEachRecord(ResourceId file, BiConsumer<String, Key> each) throws IOException {
    if (file.getFilename().endsWith(".csv")) {
      forEachCsvRow(file, each);
    } else {
      forEachJsonLine(file, each);
    }
  }

  private static void forEachJsonLine(ResourceId file, BiConsumer<String, Key> each) throws IOException {
    try (BufferedReader in = reader(file)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        Key key;
        try {
          key = Key.of(RejectionJson.fromJson(line));
        } catch (IllegalArgumentException e) {
          key = null;
        }
        each.accept(line, key);
      }
    }
  }

  private static void forEachCsvRow(ResourceId file, BiConsumer<String, Key> each) throws IOException {
    int runId = RejectionCsv.COLUMNS.indexOf("run_id");
    int source = RejectionCsv.COLUMNS.indexOf("source");
    int line = RejectionCsv.COLUMNS.indexOf("line");
    CsvLines format = new CsvLines();
    try (Reader in = reader(file);
        MappingIterator<String[]> rows = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(in)) {
      boolean header = true;
      while (rows.hasNextValue()) {
        String[] row = rows.nextValue();
        if (header) {
          header = false;
          continue;
        }
        Key key = null;
        if (row.length == RejectionCsv.COLUMNS.size()) {
          try {
            key = new Key(row[runId], row[source], Long.parseLong(row[line]));
          } catch (NumberFormatException e) {
            key = null;
          }
        }
        each.accept(format.line(row), key);
      }
    }
  }

  private static BufferedReader reader(ResourceId file) throws IOException {
    return new BufferedReader(new InputStreamReader(Channels.newInputStream(FileSystems.open(file)), StandardCharsets.UTF_8));
  }
}
