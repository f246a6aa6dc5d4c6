package io.nines.channels;

import static io.nines.channels.Fixtures.await;
import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.Notification.Kind;
import io.nines.channels.SmtpSettings.StartTls;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Channel;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Email against a real SMTP server: GreenMail on 127.0.0.1, with authentication. GreenMail's SMTP
 * server does not offer STARTTLS, so the STARTTLS case shows that REQUIRED refuses to send in the
 * clear; TLS itself is covered over SMTPS (implicit TLS) with GreenMail's self-signed certificate.
 */
class EmailChannelTest {
  static final Channel.Email ONCALL =
      new Channel.Email(List.of("oncall@payments.test", "lead@payments.test"));
  static final Template PASSWORD =
      new Template(
          "${env:SMTP_PASSWORD}",
          List.of(new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "SMTP_PASSWORD"))));

  static Vertx vertx;
  static GreenMail greenMail;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
    ServerSetup smtps = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort();
    // TLS set-up can take seconds on a busy machine; GreenMail's default allows 2.
    smtp.setServerStartupTimeout(20_000);
    smtps.setServerStartupTimeout(20_000);
    greenMail =
        new GreenMail(new ServerSetup[] {smtp, smtps})
            .withConfiguration(
                GreenMailConfiguration.aConfig()
                    .withUser("nines@nines.test", "nines", "s3cret-pass"));
    greenMail.start();
  }

  @BeforeEach
  void emptyMailboxes() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  @AfterAll
  static void stop() {
    greenMail.stop();
    await(vertx.close());
  }

  Channels channels(SmtpSettings smtp, String password) {
    return Channels.create(
        vertx,
        new SimpleMeterRegistry(),
        new ManualTimeSource(Fixtures.START),
        ChannelOptions.defaults().withSmtp(smtp),
        ref -> ref.resolve(Map.of("SMTP_PASSWORD", password)));
  }

  SmtpSettings smtp(StartTls starttls) {
    return new SmtpSettings(
        "127.0.0.1",
        greenMail.getSmtp().getPort(),
        "nines@nines.test",
        starttls,
        "nines",
        PASSWORD,
        false,
        false);
  }

  @Test
  void whenAnOutageIsSentWithLogin_thenEachRecipientGetsAShortSubjectAndTheFacts()
      throws Exception {
    Channels channels = channels(smtp(StartTls.OPTIONAL), "s3cret-pass");

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), ONCALL));
    await(channels.close());

    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.code()).isEqualTo(250);
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(2); // one per recipient mailbox
    MimeMessage mail = received[0];
    assertThat(mail.getSubject())
        .isEqualTo("[Nines] DOWN Checkout: step 'pay' got status 503 in eu-west and us-east");
    assertThat(mail.getFrom()[0].toString()).isEqualTo("nines@nines.test");
    assertThat(mail.getAllRecipients())
        .extracting(Object::toString)
        .containsExactly("oncall@payments.test", "lead@payments.test");
    assertThat(mail.getHeader("X-Nines-Idempotency-Key"))
        .containsExactly("inc-42/payments:pager/trigger");
    assertThat(mail.getHeader("X-Nines-Incident")).containsExactly("inc-42");
    String body = GreenMailUtil.getBody(mail).replace("\r\n", "\n");
    assertThat(body)
        .contains("Service:      Checkout (checkout), tier gold\n")
        .contains("Where:        eu-west, us-east\n")
        .contains("Since:        2025-03-01 03:12:00 UTC\n")
        .contains("Failing step: pay\n")
        .contains("Actual value: status 503\n")
        .contains("Availability: 99.82 % this month (target 99.9 %)\n")
        .contains("Incident:     http://nines.test/incidents/inc-42\n")
        .contains("Runbook:      http://wiki.test/runbooks/checkout\n");
  }

  @Test
  void whenThePasswordIsWrong_thenTheResultIsAPermanent535AndHidesThePassword() {
    Channels channels = channels(smtp(StartTls.OPTIONAL), "wrong-pass");

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), ONCALL));
    await(channels.close());

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.code()).isEqualTo(535);
    assertThat(r.message()).startsWith("email 127.0.0.1:").doesNotContain("wrong-pass");
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void whenStartTlsIsRequiredButTheServerDoesNotOfferIt_thenNothingIsSentInTheClear() {
    Channels channels = channels(smtp(StartTls.REQUIRED), "s3cret-pass");

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), ONCALL));
    await(channels.close());

    assertThat(r.ok()).isFalse();
    assertThat(r.message()).containsIgnoringCase("starttls");
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void whenTheRelayTalksTlsFromTheFirstByte_thenTheMailGoesThroughSmtps() {
    SmtpSettings smtps =
        new SmtpSettings(
            "127.0.0.1",
            greenMail.getSmtps().getPort(),
            "nines@nines.test",
            StartTls.DISABLED,
            "nines",
            PASSWORD,
            true,
            true); // GreenMail's certificate is self-signed
    Channels channels = channels(smtps, "s3cret-pass");

    DeliveryResult r = await(channels.send(checkout(Kind.RESOLVE), ONCALL));
    await(channels.close());

    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(greenMail.getReceivedMessages()).hasSize(2);
  }

  @Test
  void whenNoRelayIsConfigured_thenTheResultIsPermanentAndSaysWhatIsMissing() {
    Channels channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            new ManualTimeSource(Fixtures.START),
            ChannelOptions.defaults(),
            ref -> null);

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), ONCALL));
    await(channels.close());

    assertThat(r.retryable()).isFalse();
    assertThat(r.message()).contains("no SMTP relay is configured");
  }
}
