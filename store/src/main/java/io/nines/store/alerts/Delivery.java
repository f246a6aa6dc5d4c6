package io.nines.store.alerts;

import java.time.Instant;

/**
 * One attempt to deliver a notification.
 *
 * @param at when it was made
 * @param ok whether the receiver accepted it
 * @param code the receiver's answer: an HTTP status, an SMTP reply code, or a short word such as
 *     {@code timeout} or {@code circuit-open}
 * @param message what went wrong, for people; never contains a secret
 * @param retryable whether trying again may succeed
 */
public record Delivery(Instant at, boolean ok, String code, String message, boolean retryable) {}
