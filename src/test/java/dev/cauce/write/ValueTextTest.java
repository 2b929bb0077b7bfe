package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.Test;

/** {@link ValueText#timestampMillis} writes exactly the formatter's text, for every instant. */
public class ValueTextTest {
  private static final DateTimeFormatter FORMATTER =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static void same(long millis) {
    assertThat("epoch millis " + millis, ValueText.timestampMillis(millis), equalTo(FORMATTER.format(Instant.ofEpochMilli(millis))));
  }

  @Test
  public void timestampsAreTheFormattersText() {
    long[] edges = {0, -1, 1, 999, -999, -1000, 86_399_999L, -86_400_000L, 951_782_400_000L /* 2000-02-29 */,
        Instant.parse("0000-01-01T00:00:00Z").toEpochMilli(), Instant.parse("0000-01-01T00:00:00Z").toEpochMilli() - 1,
        Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(), Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli() + 1,
        Instant.parse("1969-12-31T23:59:59.999Z").toEpochMilli(), Instant.parse("1600-06-15T12:34:56.789Z").toEpochMilli(),
        Instant.parse("2262-04-11T23:47:16.854Z").toEpochMilli(), Long.MAX_VALUE / 1000, Long.MIN_VALUE / 1000};
    for (long m : edges) {
      same(m);
    }
    SplittableRandom rnd = new SplittableRandom(16);
    for (int i = 0; i < 200_000; i++) {
      same(rnd.nextLong(-400_000_000_000_000L, 400_000_000_000_000L)); // years -10700 to 14600
      same(rnd.nextLong(-5_000_000_000_000L, 5_000_000_000_000L)); // 1811 to 2128
    }
  }
}
