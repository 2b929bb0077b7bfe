package dev.cauce.clean;

/**
 * A {@link CharSequence} view of a string that allows a bounded number of character reads, so that
 * a regex with catastrophic backtracking on some value fails fast with {@link BudgetExceeded}
 * instead of stalling a worker. {@link java.util.regex.Matcher} reads its input only through
 * {@link #charAt}, so the number of reads is a fair measure of the work a match does.
 *
 * <p>The budget is {@code max(10,000,000, 1,000 × length)} reads per use, tens of milliseconds at
 * most; linear patterns on ordinary values use a tiny fraction of it. Not thread-safe: make one per
 * match.
 */
public final class BoundedText implements CharSequence {
  /** Thrown when a match reads more characters than its budget allows. */
  public static final class BudgetExceeded extends RuntimeException {
    BudgetExceeded(long budget) {
      super("regex gave up after " + budget + " character reads (catastrophic backtracking?)");
    }
  }

  static final long MIN_BUDGET = 10_000_000L;
  static final long BUDGET_PER_CHAR = 1_000L;

  private final String text;
  private final long budget;
  private long remaining;

  private BoundedText(String text, long budget) {
    this.text = text;
    this.budget = budget;
    this.remaining = budget;
  }

  /** A view of {@code text} with the default budget. */
  public static BoundedText of(String text) {
    return new BoundedText(text, Math.max(MIN_BUDGET, BUDGET_PER_CHAR * text.length()));
  }

  static BoundedText of(String text, long budget) {
    return new BoundedText(text, budget);
  }

  @Override
  public char charAt(int index) {
    if (--remaining < 0) {
      throw new BudgetExceeded(budget);
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.substring(start, end);
  }

  @Override
  public String toString() {
    return text;
  }
}
