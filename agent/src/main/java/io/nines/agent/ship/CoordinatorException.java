package io.nines.agent.ship;

/**
 * A coordinator answered a post with a status other than 2xx.
 *
 * <p>{@link #isPermanent()} tells whether posting the same batch again can ever succeed: a 400, 413
 * or 422 says the batch itself is wrong; 401, 403, 408, 429 and 5xx may pass later (a token fixed,
 * a coordinator back).
 */
public final class CoordinatorException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int statusCode;

  public CoordinatorException(String url, int statusCode, String body) {
    super("coordinator " + url + " answered " + statusCode + ": " + body, null, false, false);
    this.statusCode = statusCode;
  }

  public int statusCode() {
    return statusCode;
  }

  /** Whether the coordinator refused the batch itself, so that a retry can't succeed. */
  public boolean isPermanent() {
    return statusCode == 400 || statusCode == 413 || statusCode == 422;
  }
}
