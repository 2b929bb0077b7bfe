package dev.cauce;

import dev.cauce.monitor.RunOutcome;
import dev.cauce.runner.RunnerProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A clean stop on SIGTERM or Ctrl-C (SIGINT): a JVM shutdown hook, there from the run's start to its
 * end, cancels the job ({@link PipelineResult#cancel}, where the runner can) and lets the driver end
 * the run as {@link RunOutcome.Cancelled}: no commit starts after a stop was asked, and a commit
 * under way ends first, never cut. When the driver has not ended the run within {@code
 * --stopTimeoutSeconds} (a runner that cannot cancel, a stuck thread) the hook ends it itself
 * (report, run record, lock) and halts the JVM. The exit code is the JVM's for the signal: 143 or 130.
 */
final class RunStop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunStop.class);

  private final RunPlan plan;
  private final PrintStream err;
  private final long timeoutMillis;
  private final Thread hook;
  private final Object commitGuard = new Object();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicBoolean finishing = new AtomicBoolean(); // claimed by the driver's finish, or by the hook
  private volatile boolean requested;
  private volatile PipelineResult job;
  private boolean committing; // guarded by commitGuard
  private RunStart start;

  private RunStop(RunPlan plan, PrintStream err) {
    this.plan = plan;
    this.err = err;
    this.timeoutMillis = plan.options().getStopTimeoutSeconds() * 1000L;
    this.hook = new Thread(this::onShutdown, "cauce-stop");
  }

  /**
   * Registers the shutdown hook for the run of {@code plan}; {@link #close} removes it. Not in a JVM
   * a Flink client owns (its signals and shutdown are Flink's): a stop there is Flink's cancel.
   */
  static RunStop install(RunPlan plan, PrintStream err) {
    RunStop stop = new RunStop(plan, err);
    if (!RunnerProfile.hostedByFlink()) {
      Signals.watch();
      Runtime.getRuntime().addShutdownHook(stop.hook);
    }
    return stop;
  }

  /** The run the hook ends itself when the driver does not. */
  void running(RunStart start) {
    this.start = start;
  }

  /** Whether a stop was asked: the run must not commit. */
  boolean requested() {
    return requested;
  }

  /** The job the hook cancels; cancelled at once when a stop was asked before it started. */
  void watch(PipelineResult result) {
    job = result;
    if (requested) {
      cancel(result);
    }
  }

  /** Called right before the commit: false when a stop was asked (do not commit); else the hook waits for {@link #committed}. */
  boolean beginCommit() {
    synchronized (commitGuard) {
      committing = !requested;
      return committing;
    }
  }

  void committed() {
    synchronized (commitGuard) {
      committing = false;
      commitGuard.notifyAll();
    }
  }

  /** The driver's finish claims the run's end; false when the hook ended it already (the driver then writes nothing). */
  boolean claimFinish() {
    return finishing.compareAndSet(false, true);
  }

  /** The run as cancelled by the signal received (null counts: the job did not count). */
  RunOutcome.Cancelled cancelled(RunOutcome.Counted counted) {
    return new RunOutcome.Cancelled(plan.runId(), Signals.received(), counted, plan.stagingKept(), null);
  }

  private void onShutdown() {
    boolean inCommit;
    synchronized (commitGuard) {
      requested = true;
      inCommit = committing;
    }
    String signal = Signals.received() == null ? "a signal" : Signals.received();
    LOG.warn("{} received: stopping run {}", signal, plan.runId());
    if (inCommit) {
      err.println("cauce: " + signal + " during the commit of run " + plan.runId() + ": the commit ends first");
      err.flush();
    }
    PipelineResult j = job;
    if (j != null) {
      cancel(j);
    }
    try {
      if (ended.await(timeoutMillis, TimeUnit.MILLISECONDS) || awaitCommit()) {
        return; // the driver ended the run: the JVM exits with the signal's code
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String late = "cauce: run " + plan.runId() + " did not stop within " + timeoutMillis / 1000 + " s of " + signal;
    if (start != null && claimFinish()) {
      err.println(late + ": ended it from the shutdown hook");
      RunOutcome.Cancelled c = cancelled(null);
      start.abandon(c);
      err.println(c.line());
      start.close(); // the lock and the log
    } else {
      err.println(late + " (its finish or commit under way): halting; the next run recovers the output");
    }
    err.flush();
    Runtime.getRuntime().halt(cancelled(null).exitCode());
  }

  /** After the stop timeout: a commit under way gets one more timeout to end; true when the driver ended the run meanwhile. */
  private boolean awaitCommit() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (commitGuard) {
      if (!committing) {
        return false;
      }
      while (committing && System.nanoTime() < deadline) {
        commitGuard.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    }
    return ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private static void cancel(PipelineResult result) {
    try {
      result.cancel();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not cancel the job ({}): the run ends when the job does, or at the stop timeout", e.toString());
    }
  }

  /** The run ended (its lock released): the hook, if running, returns; else it is removed. */
  @Override
  public void close() {
    ended.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running and sees the run ended
    }
  }

  /**
   * Which signal started the JVM's shutdown: handlers for TERM and INT note the signal's name and
   * pass it on to the JVM's own handler (which runs the shutdown hooks and exits with 128 + its
   * number). A signal the JVM does not handle (ignored at start, or {@code -Xrs}) is left alone.
   */
  static final class Signals {
    private static volatile String received;
    private static boolean watching;

    private Signals() {}

    static synchronized void watch() {
      if (watching) {
        return;
      }
      watching = true;
      for (String name : new String[] {"TERM", "INT"}) {
        try {
          SignalHandler[] previous = new SignalHandler[1];
          previous[0] = Signal.handle(new Signal(name), s -> {
            received = "SIG" + s.getName();
            if (previous[0] == null || previous[0] == SignalHandler.SIG_DFL) {
              System.exit(128 + s.getNumber());
            } else {
              previous[0].handle(s);
            }
          });
          if (previous[0] == SignalHandler.SIG_IGN) {
            Signal.handle(new Signal(name), SignalHandler.SIG_IGN); // ignored at start (nohup, a background job): stays so
          }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
          LOG.debug("signal {} is not watched: {}", name, e.toString());
        }
      }
    }

    /** {@code SIGTERM} or {@code SIGINT}; null when no watched signal came. */
    static String received() {
      return received;
    }
  }
}
