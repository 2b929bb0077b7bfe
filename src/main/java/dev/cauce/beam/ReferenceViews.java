package dev.cauce.beam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The run's reference tables as side inputs: each table (rows by key, read once by the launcher and
 * bounded by its {@code max_rows}/{@code max_bytes}) becomes a {@code View.asMap} that every worker
 * holds in memory and {@link FusedStages} hands to the lookups and {@code in_reference} rules.
 */
public final class ReferenceViews {
  private ReferenceViews() {}

  /** One side input per table, by reference name; keys are unique (the loader settled duplicates). */
  public static Map<String, PCollectionView<Map<String, List<String>>>> of(Pipeline p, Map<String, Map<String, List<String>>> tables) {
    Map<String, PCollectionView<Map<String, List<String>>>> views = new LinkedHashMap<>();
    KvCoder<String, List<String>> coder = KvCoder.of(StringUtf8Coder.of(), ListCoder.of(NullableCoder.of(StringUtf8Coder.of())));
    tables.forEach((name, rows) -> {
      List<KV<String, List<String>>> kvs = new ArrayList<>(rows.size());
      rows.forEach((key, row) -> kvs.add(KV.of(key, row)));
      views.put(name, p.apply("Reference " + name, Create.of(kvs).withCoder(coder)).apply("Reference " + name + " as map", View.asMap()));
    });
    return views;
  }
}
