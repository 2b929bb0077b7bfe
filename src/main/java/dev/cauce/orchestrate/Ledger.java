package dev.cauce.orchestrate;

import dev.cauce.ingest.InputFiles.InputFile;
import dev.cauce.monitor.RunReport;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Commit.IngestedInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which matched files a run reads, from the ledger of the output's live commit (the inputs its data
 * holds; the commit records a published run's inputs with its data). Files already ingested are
 * skipped when every sink appends; a sink that overwrites needs every input again; {@code
 * --reprocess} reads all.
 */
public final class Ledger {

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

  /** @param live the inputs the output's live data holds ({@code LiveOutput.ledger()}) */
  public static Choice choose(List<IngestedInput> live, PipelineSpec spec, List<InputFile> matched, boolean reprocess) {
    List<InputFile> fresh = notIngested(live, matched);
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

  /** The files of {@code matched} the ledger does not hold as they are now (same path, size and time). */
  public static List<InputFile> notIngested(List<IngestedInput> live, List<InputFile> matched) {
    Map<String, IngestedInput> ledger = new HashMap<>();
    live.forEach(i -> ledger.put(i.path(), i));
    List<InputFile> fresh = new ArrayList<>();
    for (InputFile f : matched) {
      IngestedInput e = ledger.get(f.path());
      if (e == null || e.sizeBytes() != f.sizeBytes() || e.lastModifiedMillis() != f.lastModifiedMillis()) {
        fresh.add(f);
      }
    }
    return fresh;
  }

  private static Choice choice(List<InputFile> read, int matched, int already, boolean reprocess, String note) {
    return new Choice(read, note, new RunReport.Ingestion(matched, already, reprocess, read.size(), matched - read.size()));
  }
}
