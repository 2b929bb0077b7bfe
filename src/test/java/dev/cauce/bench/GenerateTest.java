package dev.cauce.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.Test;

/** The bench's generator: any seed works, and the same arguments give the same bytes as before. */
public class GenerateTest {
  @Test
  public void seedSevenReExportsTheFirstOrderAsItsSecondRecord() throws Exception {
    StringBuilder out = new StringBuilder();
    long bytes = Generate.write(out, 2000, 0.05, 0.05, 7);
    String[] lines = out.toString().split("\n", -1);
    assertThat(lines.length, equalTo(2001)); // 2,000 lines and the empty rest after the last newline
    assertThat(bytes, equalTo((long) out.length()));
    // seed 7 draws a duplicate at the second record, when order 0 is the only earlier one
    assertThat(lines[0], startsWith("{\"order_id\":\"ord-000000\""));
    assertThat(lines[1], startsWith("{\"order_id\":\"ord-000000\""));
  }

  @Test
  public void everySeedWorksWhenADuplicateIsDrawnAtOnce() throws Exception {
    for (long seed = 0; seed < 500; seed++) {
      StringBuilder out = new StringBuilder();
      Generate.write(out, 3, 0, 0.9, seed);
      assertThat("seed " + seed, out.toString().split("\n").length, equalTo(3));
    }
  }

  @Test
  public void theDefaultSeedStillGivesTheSameBytes() throws Exception {
    StringBuilder out = new StringBuilder();
    assertThat(Generate.write(out, 5000, 0.05, 0.05, 42), equalTo(1_408_736L));
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(out.toString().getBytes(StandardCharsets.US_ASCII));
    // the bench keeps generated files by their arguments: the fix must not change the bytes of any seed that worked
    assertThat(HexFormat.of().formatHex(sha), equalTo("b41d23135b479b0343ddb525ee3c12d845fad9b14054ad4456775e2dec225243"));
  }
}
