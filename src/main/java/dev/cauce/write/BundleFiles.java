package dev.cauce.write;

import dev.cauce.fault.FaultPoints;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.UUID;
import dev.cauce.metrics.CauceMetrics;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
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
 * Writes each bundle's elements into one new file (a part) per target, every element into every
 * target (the sinks of one pipeline get the same rows: one step writes them all, so a row is
 * handed over once, not once per sink), through a {@link FileIO.Sink} (the sinks FileIO uses: text
 * lines, Parquet), counting each target's elements in its counter, and outputs {@code (target name,
 * part)} for every part it completed. A bundle that fails leaves at most unnamed parts behind, never
 * listed: {@link FinalizeParts} turns only the listed parts into the sink's files, and the publish
 * deletes the run's staging folder with whatever else is in it.
 *
 * <p>This is what Beam's {@code WriteFiles} does for runner-decided sharding, without a step the
 * Direct runner adds to it: it replaces runner-decided sharding with a fixed shard count and a
 * GroupByKey of every row, whose in-memory state it copies on every bundle (a quarter of the Direct
 * runner's samples, and every row held in memory twice).
 */
final class BundleFiles<T> extends PTransform<PCollection<T>, PCollection<KV<String, String>>> {
  /** Makes the sink of one file; serializable so Beam can ship it. */
  @FunctionalInterface
  interface SinkFactory<T> extends Serializable {
    FileIO.Sink<T> create();
  }

  /** Where one target's parts go ({@code folder}, files {@code <uuid><extension>}), how they are written, what counts them. */
  record Target<T>(String name, String folder, String extension, String mimeType, SinkFactory<T> sinks, String counter)
      implements Serializable {}

  private final List<Target<T>> targets;

  BundleFiles(List<Target<T>> targets) {
    this.targets = List.copyOf(targets);
  }

  /** The parts of one target, of {@code parts}. */
  static PCollection<String> partsOf(PCollection<KV<String, String>> parts, String target) {
    return parts
        .apply("Parts of " + target, Filter.by(kv -> kv.getKey().equals(target)))
        .apply("Names of " + target, Values.create());
  }

  @Override
  public PCollection<KV<String, String>> expand(PCollection<T> input) {
    return input
        .apply("Write parts", ParDo.of(new WriteFn<>(targets)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  static final class WriteFn<T> extends DoFn<T, KV<String, String>> {
    private final List<Target<T>> targets;
    private transient Counter[] counters;
    private transient FileIO.Sink<T>[] sinks;
    private transient WritableByteChannel[] channels;
    private transient ResourceId[] files;

    WriteFn(List<Target<T>> targets) {
      this.targets = targets;
    }

    @Setup
    @SuppressWarnings("unchecked")
    public void setup() {
      int n = targets.size();
      counters = new Counter[n];
      for (int i = 0; i < n; i++) {
        counters[i] = CauceMetrics.counter(targets.get(i).counter());
      }
      sinks = new FileIO.Sink[n];
      channels = new WritableByteChannel[n];
      files = new ResourceId[n];
    }

    @StartBundle
    public void start() throws IOException {
      CauceMetrics.startBundle();
      abandon();
    }

    @ProcessElement
    public void process(@Element T element) throws IOException {
      for (int i = 0; i < sinks.length; i++) {
        if (sinks[i] == null) {
          Target<T> t = targets.get(i);
          files[i] = FileSystems.matchNewResource(t.folder(), true)
              .resolve(UUID.randomUUID() + t.extension(), StandardResolveOptions.RESOLVE_FILE);
          channels[i] = FileSystems.create(files[i], t.mimeType());
          sinks[i] = t.sinks().create();
          sinks[i].open(channels[i]);
        }
        sinks[i].write(element);
        FaultPoints.noSpace("write:staging");
        counters[i].inc();
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      for (int i = 0; i < sinks.length; i++) {
        if (sinks[i] == null) {
          continue;
        }
        sinks[i].flush();
        channels[i].close();
        c.output(KV.of(targets.get(i).name(), files[i].toString()), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
        sinks[i] = null;
        channels[i] = null;
        files[i] = null;
      }
      CauceMetrics.finishBundle(); // after every file closed: a bundle that fails to close counts nothing
    }

    @Teardown
    public void teardown() throws IOException {
      CauceMetrics.abandonBundle();
      abandon();
    }

    /** Parts left open by a failed bundle: closed, never listed. */
    private void abandon() throws IOException {
      if (channels == null) {
        return;
      }
      IOException first = null;
      for (int i = 0; i < channels.length; i++) {
        if (channels[i] != null) {
          try {
            channels[i].close();
          } catch (IOException e) {
            first = first == null ? e : first;
          }
        }
        channels[i] = null;
        sinks[i] = null;
        files[i] = null;
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
