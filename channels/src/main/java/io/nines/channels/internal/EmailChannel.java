package io.nines.channels.internal;

import io.nines.channels.DeliveryResult;
import io.nines.channels.Notification;
import io.nines.channels.NotificationChannel;
import io.nines.channels.SmtpSettings;
import io.nines.config.Channel;
import io.nines.config.Redaction;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Email over SMTP with the Vert.x mail client (non-blocking), through the relay of {@link
 * SmtpSettings}. The subject is {@link Texts#subject one short line}; the plain-text body has the
 * facts and links. The headers {@code X-Nines-Idempotency-Key} and {@code X-Nines-Incident} let
 * mail rules and humans spot a repeated delivery.
 *
 * <p>A 5xx SMTP reply (such as 535, bad credentials, or 550, unknown mailbox) is permanent; a 4xx
 * reply, a connection error, a missing STARTTLS when it is required and a timeout are retryable.
 * The password is resolved when the first mail is sent, and again whenever it changes.
 */
public final class EmailChannel implements NotificationChannel<Channel.Email> {
  static final String KIND = "email";

  /** The header carrying the idempotency key. */
  public static final String IDEMPOTENCY_HEADER = "X-Nines-Idempotency-Key";

  /** The header carrying the incident id. */
  public static final String INCIDENT_HEADER = "X-Nines-Incident";

  private final Vertx vertx;
  private final SmtpSettings smtp;
  private final Breakers breakers;
  private final Secrets secrets;
  private final Duration timeout;
  private final String endpoint;
  private Client client; // guarded by this

  /**
   * @param smtp the relay, or null when email is not set up: every send then fails permanently with
   *     a message saying so
   */
  public EmailChannel(
      Vertx vertx, SmtpSettings smtp, Breakers breakers, Secrets secrets, Duration timeout) {
    this.vertx = vertx;
    this.smtp = smtp;
    this.breakers = breakers;
    this.secrets = secrets;
    this.timeout = timeout;
    this.endpoint = smtp == null ? null : smtp.host() + ":" + smtp.port();
  }

  @Override
  public Future<DeliveryResult> send(Notification n, Channel.Email config) {
    return Settle.settle(KIND, () -> sendUnsettled(n, config));
  }

  private Future<DeliveryResult> sendUnsettled(Notification n, Channel.Email config) {
    if (smtp == null) {
      return Future.succeededFuture(
          DeliveryResult.permanent(
              0,
              "email: no SMTP relay is configured (expected: the coordinator's smtp settings with"
                  + " host, port and from)"));
    }
    if (config.to().isEmpty()) {
      return Future.succeededFuture(
          DeliveryResult.permanent(
              0, "email: the channel has no recipients (expected: to: [...])"));
    }
    MailMessage message = message(n, smtp.from(), config.to());
    return secrets
        .render(smtp.password(), "smtp password")
        .compose(
            password ->
                breakers
                    .call(KIND, endpoint, () -> attempt(client(password.value()), message))
                    .map(r -> redact(r, password.redaction())));
  }

  private Future<DeliveryResult> attempt(MailClient mail, MailMessage message) {
    return mail.sendMail(message)
        .map(
            result ->
                DeliveryResult.delivered(
                    250,
                    "email "
                        + endpoint
                        + " accepted for "
                        + result.getRecipients().size()
                        + " recipient(s)"))
        .recover(t -> Future.succeededFuture(fromFailure(t)));
  }

  private DeliveryResult fromFailure(Throwable t) {
    if (t instanceof SMTPException e) {
      String message = "email " + endpoint + " answered " + Texts.excerpt(e.getReplyMessage());
      return e.isPermanent()
          ? DeliveryResult.permanent(e.getReplyCode(), message)
          : DeliveryResult.retryable(e.getReplyCode(), message);
    }
    return DeliveryResult.retryable(0, "email " + endpoint + ": " + Texts.describe(t));
  }

  static MailMessage message(Notification n, String from, List<String> to) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add(IDEMPOTENCY_HEADER, n.idempotencyKey())
            .add(INCIDENT_HEADER, n.incidentId());
    return new MailMessage()
        .setFrom(from)
        .setTo(List.copyOf(to))
        .setSubject(Texts.subject(n))
        .setText(Texts.body(n))
        .setHeaders(headers);
  }

  /** The mail client for {@code password}; a new one when the password changed. */
  private synchronized MailClient client(String password) {
    if (client == null || !Objects.equals(client.password, password)) {
      if (client != null) {
        client.mail.close();
      }
      client = new Client(password, MailClient.create(vertx, config(smtp, password, timeout)));
    }
    return client.mail;
  }

  static MailConfig config(SmtpSettings smtp, String password, Duration timeout) {
    MailConfig config =
        new MailConfig()
            .setHostname(smtp.host())
            .setPort(smtp.port())
            .setSsl(smtp.ssl())
            .setTrustAll(smtp.trustAll())
            .setStarttls(StartTLSOptions.valueOf(smtp.starttls().name()))
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    if (smtp.username() != null) {
      config.setLogin(LoginOption.REQUIRED).setUsername(smtp.username()).setPassword(password);
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    if (!smtp.trustAll()) {
      config.setHostnameVerificationAlgorithm("HTTPS");
    }
    return config;
  }

  /** Closes the mail client, if one was made. */
  public synchronized Future<Void> close() {
    Future<Void> closed = client == null ? Future.succeededFuture() : client.mail.close();
    client = null;
    return closed;
  }

  private static DeliveryResult redact(DeliveryResult r, Redaction redaction) {
    String message = redaction.apply(r.message());
    return new DeliveryResult(r.ok(), r.code(), message, r.retryable());
  }

  private record Client(String password, MailClient mail) {}
}
