package io.nines.config.assertion;

import java.util.Objects;

/**
 * One parsed assertion, such as {@code status in [200, 204]}. Parsed and type-checked once, when
 * the configuration loads ({@link AssertionParser#parse}); agents only evaluate it ({@link
 * Evaluator}).
 *
 * @param subject what is observed
 * @param operator how it is compared
 * @param expected what it is compared with
 */
public record Assertion(Subject subject, Operator operator, Literal expected) {

  public Assertion {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(expected, "expected");
  }

  /**
   * The canonical text: single spaces between subject, operator and value, strings in double
   * quotes, durations in their largest whole unit. For every assertion that {@link
   * AssertionParser#parse} accepts, parsing its print gives an equal assertion.
   */
  public String print() {
    return subject.print() + " " + operator.symbol() + " " + expected.print();
  }

  @Override
  public String toString() {
    return print();
  }
}
