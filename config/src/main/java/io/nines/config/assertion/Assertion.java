package io.nines.config.assertion;

/**
 * One parsed assertion, such as {@code status in [200, 204]}. Parsed and type-checked once, when
 * the configuration loads; agents only evaluate it.
 *
 * @param subject what is observed
 * @param operator how it is compared
 * @param expected what it is compared with
 */
public record Assertion(Subject subject, Operator operator, Literal expected) {

  /** The canonical text; parsing it gives an equal assertion. */
  public String print() {
    return subject.print() + " " + operator.symbol() + " " + expected.print();
  }

  @Override
  public String toString() {
    return print();
  }
}
