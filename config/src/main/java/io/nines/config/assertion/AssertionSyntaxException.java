package io.nines.config.assertion;

/** An assertion that does not parse or type-check, with where in the text. */
public final class AssertionSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int column;

  /**
   * @param column 1-based column of the problem in the assertion's text
   * @param message what is wrong and what was expected
   */
  public AssertionSyntaxException(int column, String message) {
    super(message, null, false, false);
    this.column = column;
  }

  public int column() {
    return column;
  }
}
