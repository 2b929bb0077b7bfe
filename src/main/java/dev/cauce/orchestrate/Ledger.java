package dev.cauce.orchestrate;

import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.monitor.RunReport;
import dev.cauce.secrets.Secrets;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.state.LedgerEntry;
import dev.cauce.state.StateStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger of ingested inputs, per pipeline and output folder: the only place that reads it
 * ({@link #choose}: which matched files a run reads) and writes it ({@link #record}: a published
 * run's inputs). Files already ingested are skipped when every sink appends; a sink that overwrites
 * needs every input again; {@code --reprocess} reads all.
 */
public final class Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

  private Ledger() {}

  /**
   * What the ledger leaves to read.
   *
   * @param read the files to read, in path order; empty when there is nothing new (the job does not run)
   * @param note what was chosen and why, in words
   * @param ingestion the run report's {@code ingestion} section
   */
  public record Choice(List<InputFile> read, String note, RunReport.Ingestion ingestion) {
    public boolean nothingNew() {
      return read.isEmpty();
    }
  }

  public static Choice choose(StateStore store, PipelineSpec spec, List<InputFile> matched, boolean reprocess) {
    Map<String, LedgerEntry> ledger = store.ledger(spec.name(), outputKey(spec.output()));
    List<InputFile> fresh = new ArrayList<>();
    for (InputFile f : matched) {
      LedgerEntry e = ledger.get(f.path());
      if (e == null || !e.sameFile(f.sizeBytes(), f.lastModifiedMillis())) {
        fresh.add(f);
      }
    }
    int n = matched.size();
    int already = n - fresh.size();
    if (reprocess) {
      return choice(matched, n, already, true, "--reprocess: reading all " + n + " input file(s)"
          + (already > 0 ? ", " + already + " of them ingested before" : ""));
    } else if (fresh.isEmpty()) {
      return choice(List.of(), n, already, false, "nothing new to ingest: all " + n + " input file(s) of " + spec.source().path()
          + " were ingested before into " + spec.output() + "; skipped " + n + " file(s), the job did not run."
          + " Use --reprocess to ingest them again.");
    } else if (already == 0) {
      return choice(matched, n, 0, false, "ingesting " + n + " input file(s), none ingested before");
    } else if (spec.sinks().stream().allMatch(s -> s.mode() == WriteMode.APPEND)) {
      return choice(fresh, n, already, false, "ingesting " + fresh.size() + " new input file(s); skipped " + already + " already ingested");
    }
    String sink = spec.sinks().stream().filter(s -> s.mode() == WriteMode.OVERWRITE).findFirst().orElseThrow().name();
    return choice(matched, n, already, false, fresh.size() + " new input file(s), " + already + " ingested before: reading all " + n
        + " because sink " + sink + " is mode: overwrite (a publish replaces the dataset, so it must hold every input)");
  }

  private static Choice choice(List<InputFile> read, int matched, int already, boolean reprocess, String note) {
    return new Choice(read, note, new RunReport.Ingestion(matched, already, reprocess, read.size(), matched - read.size()));
  }

  /**
   * Records a published run's inputs as ingested. A failure is reported on {@code err} and logged:
   * the run stays published, and the next run ingests those inputs again.
   */
  public static void record(StateStore store, PipelineSpec spec, List<InputFile> read, String runId, PrintStream err) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<LedgerEntry> entries = new ArrayList<>();
    for (InputFile f : read) {
      entries.add(new LedgerEntry(f.path(), f.sizeBytes(), f.lastModifiedMillis(), runId, now));
    }
    try {
      store.addToLedger(spec.name(), outputKey(spec.output()), entries);
      LOG.info("ledger: {} input file(s) recorded as ingested", entries.size());
    } catch (RuntimeException e) {
      String msg = "the run was published but its inputs could not be recorded in the ledger (" + Secrets.maskText(e.toString())
          + "): the next run will ingest them again";
      LOG.error(msg);
      err.println("cauce: " + msg);
    }
  }

  /** The ledger's key for an output folder: a local folder's absolute path, or the URL as given. */
  static String outputKey(String output) {
    String o = output.replaceAll("/+$", "");
    if (o.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return o;
    }
    return Path.of(o).toAbsolutePath().normalize().toString();
  }
}
