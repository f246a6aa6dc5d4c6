package io.nines.channels;

import io.nines.common.Checks;
import java.time.Duration;

/**
 * How channels send.
 *
 * @param sendTimeout the longest one send may take, connection and answer included; a send that
 *     takes longer ends as a retryable failure and counts against the endpoint's breaker
 * @param breakerMaxFailures failures within {@code breakerFailureWindow} that open an endpoint's
 *     breaker
 * @param breakerFailureWindow the rolling window in which failures are counted
 * @param breakerResetTimeout how long an open breaker fails fast before it lets one trial send
 *     through (half-open)
 * @param smtp the SMTP relay for email channels, or null when email is not set up
 * @param userAgent the {@code User-Agent} of HTTP requests, such as {@code nines/0.1.0}
 */
public record ChannelOptions(
    Duration sendTimeout,
    int breakerMaxFailures,
    Duration breakerFailureWindow,
    Duration breakerResetTimeout,
    SmtpSettings smtp,
    String userAgent) {

  public ChannelOptions {
    Checks.notNull(sendTimeout, "sendTimeout");
    Checks.checkPositive(sendTimeout.toMillis(), "sendTimeoutMillis");
    Checks.checkPositive(breakerMaxFailures, "breakerMaxFailures");
    Checks.notNull(breakerFailureWindow, "breakerFailureWindow");
    Checks.checkPositive(breakerFailureWindow.toMillis(), "breakerFailureWindowMillis");
    Checks.notNull(breakerResetTimeout, "breakerResetTimeout");
    Checks.checkPositive(breakerResetTimeout.toMillis(), "breakerResetTimeoutMillis");
    Checks.checkNotBlank(userAgent, "userAgent");
  }

  /**
   * Defaults: 10 s per send; a breaker opens after 5 failures within 60 s and tries again after 30
   * s; no SMTP relay.
   */
  public static ChannelOptions defaults() {
    return new ChannelOptions(
        Duration.ofSeconds(10), 5, Duration.ofSeconds(60), Duration.ofSeconds(30), null, "nines");
  }

  /** These options with {@code smtp} as the relay. */
  public ChannelOptions withSmtp(SmtpSettings smtp) {
    return new ChannelOptions(
        sendTimeout,
        breakerMaxFailures,
        breakerFailureWindow,
        breakerResetTimeout,
        smtp,
        userAgent);
  }

  /** These options with another send timeout. */
  public ChannelOptions withSendTimeout(Duration sendTimeout) {
    return new ChannelOptions(
        sendTimeout,
        breakerMaxFailures,
        breakerFailureWindow,
        breakerResetTimeout,
        smtp,
        userAgent);
  }

  /** These options with other breaker settings. */
  public ChannelOptions withBreaker(
      int maxFailures, Duration failureWindow, Duration resetTimeout) {
    return new ChannelOptions(
        sendTimeout, maxFailures, failureWindow, resetTimeout, smtp, userAgent);
  }
}
