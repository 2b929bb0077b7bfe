package dev.cauce.dedupe;

import dev.cauce.model.CauceRecord;
import dev.cauce.model.SourceRecord;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Keep-one-per-key logic, independent of Beam: the key of a record, the bucket it hashes into,
 * and which of two records with the same key is kept. The choice is a total order, so the result
 * never depends on the runner, the parallelism or the order records arrive in:
 *
 * <ul>
 *   <li>{@code first}: the earliest in source order (source path, then line);
 *   <li>{@code latest}: the greatest {@code order_by} value (null is the oldest); on a tie, the
 *       later in source order.
 * </ul>
 */
public final class Deduper {
  private static final char SEPARATOR = '\u001f';
  private static final char NULL_MARK = '\u0000';

  private final int[] keyIndexes;
  private final int orderByIndex;
  private final DedupeSpec spec;

  public Deduper(DedupeSpec spec, Schema typedSchema) {
    this.spec = spec;
    List<String> key = spec.key();
    this.keyIndexes = key.stream().mapToInt(typedSchema::indexOf).toArray();
    this.orderByIndex = spec.keep() == DedupeSpec.Keep.LATEST ? typedSchema.indexOf(spec.orderBy()) : -1;
  }

  /** The record's key as one string: the key fields' values, separated by U+001F; null marked. */
  public String keyOf(Row row) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keyIndexes.length; i++) {
      if (i > 0) {
        sb.append(SEPARATOR);
      }
      Object v = row.getValue(keyIndexes[i]);
      if (v == null) {
        sb.append(NULL_MARK);
      } else {
        sb.append(v instanceof java.math.BigDecimal d ? d.stripTrailingZeros().toPlainString() : v.toString());
      }
    }
    return sb.toString();
  }

  /** The bucket a key belongs to; String.hashCode is specified, so every JVM agrees. */
  public int bucketOf(String key) {
    return Math.floorMod(key.hashCode(), spec.buckets());
  }

  /**
   * A 64-bit hash of a key (FNV-1a over its chars, then murmur3's finalizer): what records are grouped
   * by on runners that sort to group, 8 bytes to compare instead of the key's text. Specified here, so
   * every JVM agrees; keys that collide share a group, and the keep step tells them apart.
   */
  public static long hashOf(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /** Of two records with the same key, the one to keep. */
  public CauceRecord keep(CauceRecord a, CauceRecord b) {
    if (orderByIndex < 0) {
      return SOURCE_ORDER.compare(a.origin(), b.origin()) <= 0 ? a : b;
    }
    int byValue = compareOrder(a.row(), b.row());
    if (byValue != 0) {
      return byValue > 0 ? a : b;
    }
    return SOURCE_ORDER.compare(a.origin(), b.origin()) >= 0 ? a : b;
  }

  /**
   * Whether {@code replayed} wins over {@code live}, a published record with the same key of which
   * only the key and {@code order_by} fields are known. {@code first}: never (the live record was
   * there first); {@code latest}: when its {@code order_by} value is greater (a tie keeps the live one).
   */
  public boolean replacesLive(Row live, Row replayed) {
    return orderByIndex >= 0 && compareOrder(replayed, live) > 0;
  }

  /** Of two live records with the same key, the one a replayed record is compared with: the latest. */
  public Row latestLive(Row a, Row b) {
    return orderByIndex >= 0 && compareOrder(b, a) > 0 ? b : a;
  }

  /** The key and {@code order_by} fields' indexes in the typed schema: what {@link #replacesLive} reads. */
  public int[] decidingFields() {
    return orderByIndex < 0 ? keyIndexes.clone() : IntStream.concat(IntStream.of(keyIndexes), IntStream.of(orderByIndex)).toArray();
  }

  /** The key for a person: {@code field=value} per key field, e.g. {@code id=3, region=EU}. */
  public String describeKey(Row row) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keyIndexes.length; i++) {
      sb.append(i > 0 ? ", " : "").append(spec.key().get(i)).append('=').append(String.valueOf((Object) row.getValue(keyIndexes[i])));
    }
    return sb.toString();
  }

  /** The {@code order_by} field's value, null with {@code first}. */
  public Object orderOf(Row row) {
    return orderByIndex < 0 ? null : row.getValue(orderByIndex);
  }

  private int compareOrder(Row a, Row b) {
    return compareNullsFirst(a.getValue(orderByIndex), b.getValue(orderByIndex));
  }

  private static final Comparator<SourceRecord> SOURCE_ORDER =
      Comparator.comparing(SourceRecord::source).thenComparingLong(SourceRecord::line);

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareNullsFirst(Object x, Object y) {
    if (x == null || y == null) {
      return x == null ? (y == null ? 0 : -1) : 1;
    }
    return ((Comparable) x).compareTo(y);
  }
}
