package io.nines.channels;

import io.nines.common.Checks;

/**
 * How one send ended.
 *
 * @param ok whether the endpoint accepted the notification
 * @param code the endpoint's answer: an HTTP status or an SMTP reply code; 0 when there was none
 *     (connection refused, timeout, open circuit, bad settings)
 * @param message what happened, for the delivery log; names the channel kind and endpoint ({@code
 *     host:port}), never a URL path or a resolved secret
 * @param retryable whether sending the same notification again later may succeed: true for 5xx,
 *     408, 429, timeouts, connection errors and open circuits; false for permanent problems such as
 *     a 4xx rejection, bad credentials or settings that can't be resolved. Always false when {@code
 *     ok}.
 */
public record DeliveryResult(boolean ok, int code, String message, boolean retryable) {
  public DeliveryResult {
    Checks.notNull(message, "message");
    Checks.checkArgument(!(ok && retryable), "retryable: true (expected: false when ok)");
  }

  /** The endpoint accepted the notification. */
  public static DeliveryResult delivered(int code, String message) {
    return new DeliveryResult(true, code, message, false);
  }

  /** A failure that a later retry may fix. */
  public static DeliveryResult retryable(int code, String message) {
    return new DeliveryResult(false, code, message, true);
  }

  /** A failure that sending again will not fix until someone changes something. */
  public static DeliveryResult permanent(int code, String message) {
    return new DeliveryResult(false, code, message, false);
  }
}
