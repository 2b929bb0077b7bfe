package dev.cauce.dedupe;

import dev.cauce.model.CauceRecord;
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
 * What a dedupe step yields: the records kept, and one {@link DroppedLines} line per record it
 * counted in {@code duplicates} (null unless the spec sets {@code dedupe.dropped}).
 */
public record Deduped(PCollection<CauceRecord> kept, PCollection<String> dropped) implements POutput {
  private static final TupleTag<?> KEPT = new TupleTag<>("kept");
  private static final TupleTag<?> DROPPED = new TupleTag<>("dropped");

  @Override
  public Pipeline getPipeline() {
    return kept.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new LinkedHashMap<>();
    m.put(KEPT, kept);
    if (dropped != null) {
      m.put(DROPPED, dropped);
    }
    return m;
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
}
