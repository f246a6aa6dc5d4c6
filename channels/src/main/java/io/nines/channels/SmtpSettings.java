package io.nines.channels;

import io.nines.common.Checks;
import io.nines.config.Template;

/**
 * The SMTP relay that email channels send through; one per coordinator.
 *
 * @param host the relay's host name or address
 * @param port its port: usually 587 (submission with STARTTLS), 465 (implicit TLS) or 25
 * @param from the envelope and header sender, such as {@code nines@example.com}
 * @param starttls whether to upgrade a plain connection with STARTTLS; ignored when {@code ssl}
 * @param username the login, or null to send without authentication
 * @param password the password, normally a secret reference; resolved at send time; null without a
 *     username
 * @param ssl whether the connection is TLS from the first byte (port 465)
 * @param trustAll whether to accept any server certificate. Only for tests and relays on loopback
 *     with self-signed certificates: it gives up the protection TLS exists for.
 */
public record SmtpSettings(
    String host,
    int port,
    String from,
    StartTls starttls,
    String username,
    Template password,
    boolean ssl,
    boolean trustAll) {

  public SmtpSettings {
    Checks.checkNotBlank(host, "smtp.host");
    Checks.checkArgument(port > 0 && port <= 65535, "smtp.port: %s (expected: 1 to 65535)", port);
    Checks.checkNotBlank(from, "smtp.from");
    Checks.notNull(starttls, "smtp.starttls");
    Checks.checkArgument(
        username != null || password == null,
        "smtp.password is set but smtp.username is not (expected: both or neither)");
  }

  /** Settings for a relay on {@code host:port} without TLS or authentication. */
  public static SmtpSettings plain(String host, int port, String from) {
    return new SmtpSettings(host, port, from, StartTls.OPTIONAL, null, null, false, false);
  }

  /** Whether to use STARTTLS, as in Vert.x's {@code StartTLSOptions}. */
  public enum StartTls {
    /** Never upgrade; the connection stays plain text. */
    DISABLED,
    /** Upgrade when the server offers STARTTLS; else send in plain text. */
    OPTIONAL,
    /** Upgrade, and refuse to send when the server does not offer STARTTLS. */
    REQUIRED
  }
}
