package dev.cauce.validate.rules;

import dev.cauce.regex.UserRegex;
import java.math.MathContext;
import org.apache.commons.jexl3.JexlArithmetic;

/**
 * JEXL's arithmetic with {@code =~} and {@code !~} matching through {@link UserRegex} (RE2/J, linear
 * time) instead of {@link java.util.regex}, which JEXL would use and which can backtrack for minutes.
 */
final class ExpressionArithmetic extends JexlArithmetic {
  ExpressionArithmetic(boolean strict, MathContext context, int scale) {
    super(strict, context, scale);
  }

  /** {@code value =~ container}: a text container is a regex the whole value must match. */
  @Override
  public Boolean contains(Object container, Object value) {
    if (value != null && (container instanceof CharSequence || container instanceof java.util.regex.Pattern)) {
      String regex = container instanceof java.util.regex.Pattern p ? p.pattern() : container.toString();
      return UserRegex.cachedMatcher(regex).matches(value.toString());
    }
    return super.contains(container, value);
  }

  @Override
  protected JexlArithmetic createWithOptions(boolean strict, MathContext context, int scale) {
    return new ExpressionArithmetic(strict, context, scale);
  }
}
