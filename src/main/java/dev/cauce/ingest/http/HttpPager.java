package dev.cauce.ingest.http;

import dev.cauce.model.RecordSink;
import dev.cauce.model.Reasons;
import dev.cauce.model.SourceRecord;
import dev.cauce.model.Violation;
import dev.cauce.ingest.RecordReader;
import dev.cauce.ingest.http.ResilientHttp.Fetched;
import dev.cauce.spec.HttpSourceSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an HTTP source from its first page to its last, one page at a time, and hands every record
 * to a {@link RecordSink} as a {@link SourceRecord}: its source is the page's URL (secrets masked), its
 * line the record's 1-based index within that page, its text the record's JSON exactly as sent. A
 * page that stays malformed after retries becomes one {@link Reasons#MALFORMED_PAGE} rejection (line
 * 0, raw: the body, or its first {@value RecordReader#PREVIEW_CHARS} characters when longer than
 * {@code maxRecordBytes}); a record longer than {@code maxRecordBytes} a {@link
 * Reasons#RECORD_TOO_LONG} one. Paging stops as {@link Paging} says, when the API sends a page
 * already read (a loop), or after {@code max_pages} pages: then, if the API had more, {@link
 * HttpEvent#MAX_PAGES_REACHED} is counted and a warning logged. Anything that ends the source
 * early is an {@link HttpSourceException}.
 */
public final class HttpPager {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPager.class);

  /** Receives records and ingest rejections. */

  /** How a source's reading ended. */
  public record Outcome(long pages, long records, long malformedPages, long requests, String stop, boolean truncated) {}

  private final HttpSourceSpec spec;
  private final Masker masker;
  private final Consumer<HttpEvent> events;
  private final int maxRecordBytes;
  private final ResilientHttp http;
  private final Paging paging;

  /**
   * @param env the environment the {@code ${env:NAME}} placeholders are read from (System::getenv)
   * @param events receives every counted event
   * @param maxRecordBytes longer records are rejected (record_too_long)
   */
  public HttpPager(HttpSourceSpec spec, Function<String, String> env, Consumer<HttpEvent> events, int maxRecordBytes) {
    EnvPlaceholders.Resolved resolved = EnvPlaceholders.resolve(spec, env);
    this.spec = spec;
    this.masker = resolved.masker();
    this.events = events;
    this.maxRecordBytes = maxRecordBytes;
    this.http = new ResilientHttp(spec, resolved.headers(), masker, events);
    this.paging = new Paging(spec, resolved.params(), masker);
  }

  public Masker masker() {
    return masker;
  }

  /** Reads every page; throws {@link HttpSourceException} when the source cannot go on. */
  public Outcome run(RecordSink sink) {
    URI uri = paging.first();
    Set<URI> seen = new HashSet<>();
    long pages = 0;
    long records = 0;
    long malformed = 0;
    int maxPages = spec.pagination().maxPages();
    while (true) {
      seen.add(uri);
      Fetched f = http.get(uri);
      pages++;
      events.accept(HttpEvent.PAGE);
      String shown = masker.mask(uri.toString());
      Paging.Next next = paging.next(f);
      if (f.page().isMalformed()) {
        malformed++;
        String why = "the page stayed malformed after " + f.attempts() + " attempt" + (f.attempts() == 1 ? "" : "s")
            + ": " + f.page().problem() + (next.isEnd() ? "; paging stopped here: " + next.endReason() : "");
        LOG.warn("GET {}: {}", shown, why);
        sink.reject(new SourceRecord(shown, 0, preview(f.page().text()), null), Violation.of(Reasons.MALFORMED_PAGE, why));
      } else {
        List<String> texts = f.page().records();
        for (int i = 0; i < texts.size(); i++) {
          String text = texts.get(i);
          int bytes = text.length() <= maxRecordBytes / 3 ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
          if (bytes > maxRecordBytes) {
            sink.reject(new SourceRecord(shown, i + 1, preview(text), null), Violation.of(Reasons.RECORD_TOO_LONG,
                "record is " + bytes + " bytes, longer than the limit of " + maxRecordBytes
                    + " bytes (--maxRecordBytes); it was skipped"));
          } else {
            sink.record(new SourceRecord(shown, i + 1, text, null));
          }
          records++;
        }
      }
      if (next.isEnd()) {
        LOG.info("{}: {} page(s), {} record(s); paging ended at {}", masker.mask(spec.url()), pages, records, next.endReason());
        return new Outcome(pages, records, malformed, http.requests(), next.endReason(), false);
      }
      if (seen.contains(next.uri())) {
        String why = "the API sent a link to a page already read (" + masker.mask(next.uri().toString()) + ")";
        LOG.warn("{}: paging stopped after {} page(s): {}", masker.mask(spec.url()), pages, why);
        return new Outcome(pages, records, malformed, http.requests(), why, false);
      }
      if (pages >= maxPages) {
        events.accept(HttpEvent.MAX_PAGES_REACHED);
        String why = "max_pages " + maxPages + " while the API had more pages (next: " + masker.mask(next.uri().toString()) + ")";
        LOG.warn("{}: paging stopped at {}; raise source.http.pagination.max_pages to read them all",
            masker.mask(spec.url()), why);
        return new Outcome(pages, records, malformed, http.requests(), why, true);
      }
      uri = next.uri();
    }
  }

  /** The text if it fits {@code maxRecordBytes}, else its first characters and an ellipsis. */
  private String preview(String text) {
    if (text.length() <= maxRecordBytes / 3 || text.getBytes(StandardCharsets.UTF_8).length <= maxRecordBytes) {
      return text;
    }
    int cut = Math.min(text.length(), RecordReader.PREVIEW_CHARS);
    if (cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut) + "…";
  }
}
