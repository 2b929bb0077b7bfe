package dev.cauce.beam;

import dev.cauce.model.Rejection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a source or a stage transform yields: its records and the rejections it produced (every
 * source, files, HTTP API or replay, yields one). Call sites chain the {@link #output()} and hand
 * every {@link #rejections()} to the dead letter.
 */
public record Staged<T>(PCollection<T> output, PCollection<Rejection> rejections) implements POutput {
  private static final TupleTag<?> OUTPUT = new TupleTag<>("output");
  private static final TupleTag<?> REJECTIONS = new TupleTag<>("rejections");

  @Override
  public Pipeline getPipeline() {
    return output.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new LinkedHashMap<>();
    m.put(OUTPUT, output);
    m.put(REJECTIONS, rejections);
    return m;
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
}
