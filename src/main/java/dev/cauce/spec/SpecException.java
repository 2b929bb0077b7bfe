package dev.cauce.spec;

import dev.cauce.spec.read.SpecProblem;
import java.util.List;

/**
 * A pipeline spec that cannot be used: it lists every problem found (never only the first). Its
 * message is the whole report:
 *
 * <pre>
 * pipelines/orders.yaml: 2 problems
 *   - validate[3].pattern (line 41): invalid regex "[a-": Unclosed character class near index 2
 *   - dedupe.key[0] (line 50): "orderid" is not a schema field; schema fields: order_id, email, amount
 * </pre>
 */
public class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final List<SpecProblem> problems;

  public SpecException(String file, List<SpecProblem> problems) {
    super(format(file, problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a SpecException needs at least one problem");
    }
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  /** A spec with a single problem (a missing, unreadable, empty or syntactically invalid file). */
  public SpecException(SpecProblem problem) {
    this(problem.file(), List.of(problem));
  }

  public String file() {
    return file;
  }

  public List<SpecProblem> problems() {
    return problems;
  }

  static String format(String file, List<SpecProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(": ").append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
    for (SpecProblem p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
