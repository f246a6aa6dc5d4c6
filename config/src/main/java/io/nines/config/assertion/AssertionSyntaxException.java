package io.nines.config.assertion;

/**
 * An assertion that does not parse or type-check, with where in the text. The message reads {@code
 * at column 8: expected an operator (...) but found 'equals'}; {@link #reason()} is the part after
 * the column.
 */
public final class AssertionSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int column;
  private final String reason;

  /**
   * @param column 1-based column of the problem in the assertion's text
   * @param message what is wrong and what was expected
   */
  public AssertionSyntaxException(int column, String message) {
    super("at column " + column + ": " + message, null, false, false);
    this.column = column;
    this.reason = message;
  }

  /** The 1-based column of the problem in the assertion's text. */
  public int column() {
    return column;
  }

  /** What is wrong and what was expected, without the column. */
  public String reason() {
    return reason;
  }
}
