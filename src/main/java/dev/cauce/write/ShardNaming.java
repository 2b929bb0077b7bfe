package dev.cauce.write;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;

/**
 * Names a run's shards {@code <runId>-SSSSS-of-NNNNN<ext>} (see {@link Layout#fileName}). cauce
 * writes bounded, globally windowed data: any other window is refused rather than given a name that
 * another window's shard would also get.
 */
public final class ShardNaming implements FileIO.Write.FileNaming {
  private final String runId;
  private final String extension;

  public ShardNaming(String runId, String extension) {
    this.runId = Layout.checkRunId(runId);
    this.extension = extension;
  }

  @Override
  public String getFilename(
      BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
    if (!(window instanceof GlobalWindow)) {
      throw new IllegalStateException("cauce writes globally windowed data only, got window " + window);
    }
    return Layout.fileName(runId, shardIndex, numShards, extension + compression.getSuggestedSuffix());
  }
}
