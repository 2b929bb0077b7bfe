package dev.cauce.write;

import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.Commit.SinkFiles;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * What an output folder serves now, read from its {@link Commit} record: the owner pipeline, the
 * commit's sequence and fencing token, each sink's live files (full paths) and the ledger of the
 * inputs those files hold. The driver chooses a run's inputs from {@link #ledger()}: the output is
 * the source of truth for what it holds.
 */
public record LiveOutput(String output, Optional<Commit> commit) {

  /** The live state of {@code output} (local or {@code gs://}); empty when nothing was committed there. */
  public static LiveOutput read(String output) throws IOException {
    return new LiveOutput(output, new FileSystemsCommitStore(Layout.commit(output)).read().commit());
  }

  /** The pipeline that owns the folder; empty when nothing was committed. */
  public Optional<String> owner() {
    return commit.map(Commit::owner);
  }

  /** The live commit's sequence, 0 when there is none. */
  public long sequence() {
    return commit.map(Commit::sequence).orElse(0L);
  }

  /** The live commit's fencing token, 0 when there is none. */
  public long fencingToken() {
    return commit.map(Commit::fencingToken).orElse(0L);
  }

  /** The sinks and dead letter with their live file names. */
  public List<SinkFiles> sinks() {
    return commit.map(Commit::sinks).orElse(List.of());
  }

  /** The inputs the live data holds. */
  public List<IngestedInput> ledger() {
    return commit.map(Commit::ledger).orElse(List.of());
  }

  /** The live files of sink (or dead letter) {@code name} as full paths, in order; empty when it has none. */
  public List<String> files(String name) {
    ResourceId dir = Layout.published(output, name);
    return commit.flatMap(c -> c.sink(name)).map(SinkFiles::files).orElse(List.of()).stream()
        .map(f -> dir.resolve(f, StandardResolveOptions.RESOLVE_FILE).toString())
        .toList();
  }
}
