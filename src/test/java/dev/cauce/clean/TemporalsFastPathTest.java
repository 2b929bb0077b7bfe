package dev.cauce.clean;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.Test;

/** The fast path for {@code yyyy-MM-ddTHH:mm:ss[.f]Z} gives what the ISO formatter gives, and nothing else. */
public class TemporalsFastPathTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  public void readsTheCanonicalShapeLikeTheFormatter() {
    for (String s :
        new String[] {
          "2024-01-05T10:00:00Z", "2024-01-05T10:00:00.1Z", "2024-01-05T10:00:00.123Z", "2024-02-29T23:59:59.999999999Z",
          "0000-01-01T00:00:00Z", "2024-01-05t10:00:00z", "9999-12-31T23:59:59.5Z"
        }) {
      Instant fast = Temporals.utcFastPath(s);
      assertThat(s, fast, equalTo(Instant.parse(s.toUpperCase())));
      assertThat(s, Temporals.tryIsoInstant(s, UTC), equalTo(fast));
    }
  }

  @Test
  public void leavesEveryOtherShapeToTheFormatter() {
    for (String s :
        new String[] {
          "2024-01-05T10:00Z", "2024-01-05T10:00:00.Z", "2024-01-05T10:00:00+00:00", "2024-01-05 10:00:00Z",
          "2024-01-05T10:00:00.1234567890Z", "2024-02-30T10:00:00Z", "2023-02-29T10:00:00Z", "2024-13-01T10:00:00Z",
          "2024-01-05T24:00:00Z", "2024-01-05T10:00:60Z", "2024-01-05T1a:00:00Z", "+2024-01-05T10:00:00Z", "2024-01-05"
        }) {
      assertThat(s, Temporals.utcFastPath(s), nullValue());
    }
    // what the formatter makes of some of them is unchanged: impossible dates are refused, other shapes read
    assertThat(Temporals.tryIsoInstant("2024-01-05T10:00:00+00:00", UTC), equalTo(Instant.parse("2024-01-05T10:00:00Z")));
    assertThat(Temporals.tryIsoInstant("2024-01-05T10:00Z", UTC), equalTo(Instant.parse("2024-01-05T10:00:00Z")));
  }
}
