package dev.cauce.spec.read;

import java.io.Serializable;

/**
 * One problem found in a pipeline spec: the file, the path of the offending node in it (such as
 * {@code validate[3].pattern}, or {@code (file)} for the file as a whole), its 1-based line (0 when
 * unknown) and what is wrong and what is allowed.
 */
public record SpecProblem(String file, String path, int line, String message) implements Serializable {

  /** Like {@code validate[3].pattern (line 41): invalid regex "[a-": Unclosed character class near index 2}. */
  @Override
  public String toString() {
    return line > 0 ? path + " (line " + line + "): " + message : path + ": " + message;
  }
}
