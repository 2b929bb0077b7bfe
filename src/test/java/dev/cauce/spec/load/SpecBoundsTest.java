package dev.cauce.spec.load;

import static dev.cauce.spec.load.SpecTesting.BASE;
import static dev.cauce.spec.load.SpecTesting.assertOnlyProblem;
import static dev.cauce.spec.load.SpecTesting.loadFails;
import static dev.cauce.spec.load.SpecTesting.parse;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import dev.cauce.spec.SpecException;
import dev.cauce.spec.read.SpecProblem;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Hostile specs end in one problem, quickly: too large (refused before reading), nested too deep. */
public class SpecBoundsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void aSpecLargerThanTheLimitIsRefusedFromItsSizeBeforeItIsRead() throws Exception {
    Path big = tmp.getRoot().toPath().resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(50L << 20); // 52,428,800 bytes, sparse: the loader must not read them to refuse them
    }
    long started = System.nanoTime();
    SpecException e = loadFails(big);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(e.problems().size(), equalTo(1));
    SpecProblem p = e.problems().get(0);
    assertThat(p.line(), equalTo(0));
    assertThat(p.message(), equalTo("is 52428800 bytes; a spec may be at most 1048576 bytes (1 MiB)"));
    assertThat("refused in " + millis + " ms", millis, lessThan(1000L));
  }

  @Test
  public void aSpecAtTheLimitIsRead() throws Exception {
    // exactly 1 MiB: the base spec padded with comment lines is still a spec
    String line = "# a comment line\n";
    int room = SpecLoader.MAX_SPEC_BYTES - BASE.length();
    String padded = BASE + line.repeat(room / line.length()) + "#".repeat(room % line.length());
    Path file = tmp.getRoot().toPath().resolve("padded.yaml");
    Files.writeString(file, padded);
    assertThat(Files.size(file), equalTo((long) SpecLoader.MAX_SPEC_BYTES));
    assertThat(SpecLoader.load(file), equalTo(parse(BASE)));
  }

  @Test
  public void specTextLargerThanTheLimitIsRefusedToo() {
    String text = BASE + "#" + "x".repeat(SpecLoader.MAX_SPEC_BYTES) + "\n";
    assertOnlyProblem(text, "(file)", 0, "a spec may be at most 1048576 bytes (1 MiB)");
  }

  @Test
  public void aSpecNested100kLevelsDeepIsOneProblemWithItsLine() {
    int depth = 100_000;
    String deep = BASE + "clean:\n  all: " + "{a: ".repeat(depth) + "1" + "}".repeat(depth) + "\n";
    assertOnlyProblem(deep, "(file)", 13, "nested deeper than 50 levels");
    String deepList = BASE + "validate:\n  - " + "[".repeat(60) + "]".repeat(60) + "\n";
    assertOnlyProblem(deepList, "(file)", 13, "nested deeper than 50 levels");
  }

  @Test
  public void fiftyLevelsAreStillRead() {
    // 49 flow maps inside clean (the root map is level 1): a shape problem, not a depth problem
    String text = BASE + "clean: " + "{a: ".repeat(49) + "1" + "}".repeat(49) + "\n";
    SpecException e = SpecTesting.fails(text);
    assertThat(e.getMessage(), e.getMessage().contains("nested deeper"), equalTo(false));
  }
}
