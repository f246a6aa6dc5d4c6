package io.nines.config.assertion;

/**
 * The outcome of evaluating one assertion.
 *
 * @param ok whether it held
 * @param assertion the assertion's canonical text
 * @param expected what would have satisfied it, for people, e.g. {@code one of [200, 204]}
 * @param actual what was observed, shortened to at most 200 characters, e.g. {@code 503}
 */
public record Verdict(boolean ok, String assertion, String expected, String actual) {

  /** {@code status in [200, 204]: expected one of [200, 204], got 503}. */
  public String message() {
    return assertion + ": expected " + expected + ", got " + actual;
  }
}
