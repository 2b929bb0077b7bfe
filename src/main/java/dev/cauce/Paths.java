package dev.cauce;

/** Where a run's files go, under the pipeline's output folder. The write package uses the same layout. */
public final class Paths {
  private Paths() {}

  public static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** {@code <output>/_runs/<runId>/}: the run report (and later, its log). */
  public static String runDir(String output, String runId) {
    return join(join(output, "_runs"), runId);
  }

  /** {@code <output>/_staging/<runId>/}: everything the run wrote before publishing. */
  public static String stagingDir(String output, String runId) {
    return join(join(output, "_staging"), runId);
  }
}
