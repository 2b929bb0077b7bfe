package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.e2e.FaultSuite.Live;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.model.RunnerScheduler;
import org.junit.runners.Parameterized.Parameters;

/**
 * Fault suite, publish: the real cauce JVM is killed (SIGKILL) at each step of its publish, and once
 * while its job runs, for a spec with two file sinks (JSON Lines, CSV) and the dead letter, in
 * overwrite and in append mode. The run adds input {@code in-2} to an output that holds {@code in-1}.
 * After the kill, the live dataset (every sink's and the dead letter's row multiset, through the
 * commit), the records the commit counts and the ledger are exactly the previous run's before the
 * commit step and exactly the new run's from it on; a re-run (a new JVM, no pause) takes the dead
 * run's lock over, exits 0 with exactly the reference result (one uninterrupted run of both inputs
 * on a fresh folder) and leaves no data file that the commit does not list.
 */
@RunWith(FaultPublishKillTest.TwoAtATime.class)
public class FaultPublishKillTest {
  /** Runs two cases at a time: each waits mostly on its own cauce JVM, and they share nothing but the prepared workspace. */
  public static final class TwoAtATime extends Parameterized {
    public TwoAtATime(Class<?> klass) throws Throwable {
      super(klass);
      setScheduler(new RunnerScheduler() {
        private final ExecutorService pool = Executors.newFixedThreadPool(2);

        @Override
        public void schedule(Runnable child) {
          pool.submit(child);
        }

        @Override
        public void finished() {
          pool.shutdown();
          try {
            if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
              throw new IllegalStateException("the publish kill cases did not end within 30 minutes");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
    }
  }

  /** The job just started; each publish step (commit-temp: the new commit written beside the live one, not yet renamed over it). */
  private static final List<String> STEPS = List.of("job:running", "publish:before-move", "publish:moved:rows",
      "publish:moved-all", "publish:commit-temp", "publish:committed", "publish:cleaned");

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final Timeout timeout = Timeout.seconds(300); // a safety net: the test waits on pause lines and exits

  @Parameters(name = "{0}, killed at {1}")
  public static List<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (String mode : List.of("overwrite", "append")) {
      STEPS.forEach(step -> cases.add(new Object[] {mode, step}));
    }
    return cases;
  }

  private final String mode;
  private final String step;

  public FaultPublishKillTest(String mode, String step) {
    this.mode = mode;
    this.step = step;
  }

  @Test
  public void theLiveDatasetIsThePreviousOrTheNewOneAndARerunGivesTheReference() throws Exception {
    FaultSuite.Workspace ws = FaultSuite.shared();
    Live reference = ws.reference(mode);
    Path work = tmp.getRoot().toPath();
    Path out = work.resolve("out");
    Live previous = ws.previousInto(mode, out);
    boolean committed = step.equals("publish:committed") || step.equals("publish:cleaned");

    long t0 = System.nanoTime();
    try (CauceProcess killed = FaultSuite.start(work, ws.spec(mode), out, "run-2", step)) {
      killed.awaitPause(step);
      killed.kill();
      assertThat(killed.exitCode(), equalTo(137));
    }
    long killedMillis = FaultSuite.millisSince(t0);
    Live after = FaultSuite.live(out);
    assertThat("live after a kill at " + step, after, equalTo(committed ? reference : previous));
    assertThat(after.ledger(), equalTo(committed ? FaultSuite.ledgerOf(ws.in1, ws.in2) : FaultSuite.ledgerOf(ws.in1)));
    FaultSuite.assertRecordsMatch(out, after);

    long t1 = System.nanoTime();
    try (CauceProcess rerun = FaultSuite.run(work, ws.spec(mode), out, "run-3")) {
      assertThat(FaultSuite.describe(rerun), rerun.exitCode(), equalTo(0));
      // the killed run's lock: its process is gone, so the re-run takes it over at once
      assertThat(rerun.stderr(), containsString("cauce: warning: took over the stale lock of pipeline faults from run run-2 "));
      if (committed) {
        assertThat(rerun.stdout(), containsString("nothing new to ingest"));
      }
    }
    Live again = FaultSuite.live(out);
    assertThat("live after the re-run", again, equalTo(reference));
    FaultSuite.assertRecordsMatch(out, again);
    // a run killed in its job never published: its staging is kept, as a failed run's is
    FaultSuite.assertOnlyCommittedFiles(out, step.startsWith("job:") ? new String[] {"run-2"} : new String[0]);
    ws.figure("publish killed at %s (%s): exit 137 after %d ms; live rows/rejected %d/%d (%s), ledger %s; re-run exit 0 in %d ms:"
            + " rows/rejected %d/%d = reference, no unlisted file", step, mode, killedMillis, after.count("rows"),
        after.count("rejected"), committed ? "the new run's" : "the previous run's", committed ? "in-1 + in-2" : "in-1",
        FaultSuite.millisSince(t1), again.count("rows"), again.count("rejected"));
  }
}
