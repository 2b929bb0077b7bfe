package dev.cauce.beam;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a source or a stage transform yields: its records and the rejections it produced (every
 * source, files, HTTP API or replay, yields one). Call sites chain the {@link #output()} and hand
 * every {@link #rejections()} to the dead letter. The record stages also yield {@link #warned()}: each
 * record they kept with warnings, with those warnings (null for a source, and unless the spec sets
 * {@code dead_letter.warned}).
 */
public record Staged<T>(PCollection<T> output, PCollection<Rejection> rejections,
    PCollection<KV<CauceRecord, List<Violation>>> warned) implements POutput {
  private static final TupleTag<?> OUTPUT = new TupleTag<>("output");
  private static final TupleTag<?> REJECTIONS = new TupleTag<>("rejections");
  private static final TupleTag<?> WARNED = new TupleTag<>("warned");

  /** A source's output: records and rejections. */
  public Staged(PCollection<T> output, PCollection<Rejection> rejections) {
    this(output, rejections, null);
  }

  @Override
  public Pipeline getPipeline() {
    return output.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new LinkedHashMap<>();
    m.put(OUTPUT, output);
    m.put(REJECTIONS, rejections);
    if (warned != null) {
      m.put(WARNED, warned);
    }
    return m;
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
}
