package io.nines.store;

/**
 * The store could not answer now, for a reason outside the request: the cluster is shutting down,
 * lost the members that held the data, or did not answer in time. Retrying later, or on another
 * member, may succeed; an {@link ResultStore#append} may always be retried.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
