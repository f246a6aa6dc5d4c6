package io.nines.config.assertion;

/** The comparison in an assertion. */
public enum Operator {
  EQ("=="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  IN("in"),
  NOT_IN("not in"),
  CONTAINS("contains"),
  NOT_CONTAINS("not contains"),
  MATCHES("matches");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in the language. */
  public String symbol() {
    return symbol;
  }
}
