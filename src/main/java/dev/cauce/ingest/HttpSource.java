package dev.cauce.ingest;

import dev.cauce.metrics.CountingFn;
import dev.cauce.beam.Staged;
import dev.cauce.coders.Coders;
import dev.cauce.ingest.http.EnvPlaceholders;
import dev.cauce.ingest.http.HttpEvent;
import dev.cauce.ingest.http.HttpPager;
import dev.cauce.ingest.http.Masker;
import dev.cauce.ingest.http.Paging;
import dev.cauce.metrics.CauceMetrics;
import dev.cauce.model.Rejection;
import dev.cauce.model.SourceRecord;
import dev.cauce.secrets.Secrets;
import dev.cauce.spec.HttpSourceSpec;
import dev.cauce.spec.PipelineSpec;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage for an HTTP API ({@code source.type: http}): one seed element, then one DoFn
 * that reads every page in order with {@link HttpPager} (sequential per source: paging is a chain),
 * then {@code Reshuffle} so that parsing, cleaning and writing run in parallel on any runner.
 * Yields the records and the ingest rejections ({@code malformed_page}, {@code record_too_long}).
 *
 * <p>Counters: {@code read} +1 for every record and every ingest rejection; {@code http.*} (see
 * {@link HttpEvent}). When the API cannot be read (breaker open, retries exhausted, 401/403/404...)
 * the DoFn throws {@link dev.cauce.ingest.http.HttpSourceException}: the job fails and nothing is
 * published. Header and parameter values with {@code ${env:NAME}} are read from the environment of
 * the worker that fetches (on a Flink cluster: the TaskManager's).
 */
public final class HttpSource extends PTransform<PBegin, Staged<SourceRecord>> {
  private static final TupleTag<SourceRecord> RECORDS = new TupleTag<>("records") {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>("rejections") {};

  private final PipelineSpec spec;
  private final String runId;
  private final int maxRecordBytes;

  public HttpSource(PipelineSpec spec, String runId, int maxRecordBytes) {
    super("HttpSource");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.runId = Objects.requireNonNull(runId, "runId");
    if (!spec.source().isHttp()) {
      throw new IllegalArgumentException("spec " + spec.name() + " has no http source");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive, got " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * The source's first page URL, for reports and logs: parameters read from the environment show as
   * {@value Secrets#MASK}, and {@link Secrets#maskText} masks the rest.
   */
  public static String describe(HttpSourceSpec http) {
    Map<String, String> params = new LinkedHashMap<>(http.params());
    params.replaceAll((k, v) -> HttpSourceSpec.ENV_PLACEHOLDER.matcher(v).find() ? Secrets.MASK : v);
    return Masker.none().mask(new Paging(http, params, Masker.none()).first().toString());
  }

  /** Problems that would stop the source before it reads anything (unset environment variables). */
  public static List<String> check(HttpSourceSpec http, Function<String, String> env) {
    return EnvPlaceholders.missing(http, env);
  }

  @Override
  public Staged<SourceRecord> expand(PBegin begin) {
    PCollectionTuple fetched =
        begin
            .apply("Seed", Create.of(describe(spec.source().http())).withCoder(StringUtf8Coder.of()))
            .apply("FetchPages", ParDo.of(new FetchPagesFn(spec, runId, maxRecordBytes))
                .withOutputTags(RECORDS, TupleTagList.of(REJECTIONS)));
    fetched.get(RECORDS).setCoder(Coders.sourceRecord());
    fetched.get(REJECTIONS).setCoder(Coders.rejection());
    PCollection<SourceRecord> spread =
        fetched.get(RECORDS).apply("Redistribute", Reshuffle.viaRandomKey()).setCoder(Coders.sourceRecord());
    return new Staged<>(spread, fetched.get(REJECTIONS));
  }

  /** Reads every page of the source; the element is only a trigger. */
  static final class FetchPagesFn extends CountingFn<String, SourceRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(FetchPagesFn.class);

    private final PipelineSpec spec;
    private final String runId;
    private final int maxRecordBytes;
    private transient Map<HttpEvent, Counter> httpCounters;
    private transient IngestOutputs outputs;

    FetchPagesFn(PipelineSpec spec, String runId, int maxRecordBytes) {
      this.spec = spec;
      this.runId = runId;
      this.maxRecordBytes = maxRecordBytes;
    }

    @Setup
    public void setup() {
      outputs = new IngestOutputs(runId, spec.name(), RECORDS, REJECTIONS);
      httpCounters = new EnumMap<>(HttpEvent.class);
      for (HttpEvent e : HttpEvent.values()) {
        httpCounters.put(e, CauceMetrics.counter(e.counter()));
      }
    }

    @ProcessElement
    public void process(@Element String source, MultiOutputReceiver out) {
      HttpPager pager = new HttpPager(spec.source().http(), System::getenv, e -> httpCounters.get(e).inc(), maxRecordBytes);
      LOG.info("reading {} (pagination {})", source, spec.source().http().pagination().style().specName());
      HttpPager.Outcome outcome = pager.run(outputs.into(out));
      LOG.info("read {}: {} record(s) from {} page(s) ({} malformed) in {} request(s)", source, outcome.records(),
          outcome.pages(), outcome.malformedPages(), outcome.requests());
    }
  }
}
