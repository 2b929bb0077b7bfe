package dev.cauce.write;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.WritableByteChannel;
import java.util.UUID;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes each bundle's elements into one new file (a part) in {@code folder}, through a {@link
 * FileIO.Sink} (the same sinks FileIO uses: text lines, Parquet), and outputs the name of every part
 * it completed. A bundle that fails leaves at most an unnamed part behind, never listed: {@link
 * FinalizeParts} turns only the listed parts into the sink's files, and the publish deletes the
 * run's staging folder with whatever else is in it.
 *
 * <p>This is what Beam's {@code WriteFiles} does for runner-decided sharding, without a step the
 * Direct runner adds to it: it replaces runner-decided sharding with a fixed shard count and a
 * GroupByKey of every row, whose in-memory state it copies on every bundle (a quarter of the Direct
 * runner's samples, and every row held in memory twice).
 */
final class BundleFiles<T> extends PTransform<PCollection<T>, PCollection<String>> {
  /** Makes the sink of one file; serializable so Beam can ship it. */
  @FunctionalInterface
  interface SinkFactory<T> extends Serializable {
    FileIO.Sink<T> create();
  }

  private final String folder;
  private final String extension;
  private final String mimeType;
  private final SinkFactory<T> sinks;

  BundleFiles(String folder, String extension, String mimeType, SinkFactory<T> sinks) {
    this.folder = folder;
    this.extension = extension;
    this.mimeType = mimeType;
    this.sinks = sinks;
  }

  @Override
  public PCollection<String> expand(PCollection<T> input) {
    return input.apply("Write parts", ParDo.of(new WriteFn<>(folder, extension, mimeType, sinks))).setCoder(StringUtf8Coder.of());
  }

  static final class WriteFn<T> extends DoFn<T, String> {
    private final String folder;
    private final String extension;
    private final String mimeType;
    private final SinkFactory<T> sinks;
    private transient FileIO.Sink<T> sink;
    private transient WritableByteChannel channel;
    private transient ResourceId file;

    WriteFn(String folder, String extension, String mimeType, SinkFactory<T> sinks) {
      this.folder = folder;
      this.extension = extension;
      this.mimeType = mimeType;
      this.sinks = sinks;
    }

    @StartBundle
    public void start() throws IOException {
      abandon();
    }

    @ProcessElement
    public void process(@Element T element) throws IOException {
      if (sink == null) {
        file = FileSystems.matchNewResource(folder, true)
            .resolve(UUID.randomUUID() + extension, StandardResolveOptions.RESOLVE_FILE);
        channel = FileSystems.create(file, mimeType);
        sink = sinks.create();
        sink.open(channel);
      }
      sink.write(element);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      if (sink == null) {
        return;
      }
      sink.flush();
      channel.close();
      c.output(file.toString(), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      sink = null;
      channel = null;
      file = null;
    }

    @Teardown
    public void teardown() throws IOException {
      abandon();
    }

    /** A part left open by a failed bundle: closed, never listed. */
    private void abandon() throws IOException {
      if (channel != null) {
        try {
          channel.close();
        } finally {
          channel = null;
          sink = null;
          file = null;
        }
      }
    }
  }
}
