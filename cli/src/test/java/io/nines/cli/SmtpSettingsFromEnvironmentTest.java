package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.channels.SmtpSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's SMTP relay comes from {@code NINES_SMTP_*}: a setting that can't work is
 * refused at start with the variable's name and what it must be, never found out at the first
 * outage by an email that does not leave.
 */
class SmtpSettingsFromEnvironmentTest {

  @Test
  void whenNoHostIsSet_thenEmailIsNotSetUp() {
    assertThat(CoordinatorCommand.smtpSettings(Map.of())).isNull();
  }

  @Test
  void whenOnlyTheHostIsSet_thenTheDefaultsAreStartTlsRequiredOnPort587() {
    SmtpSettings s = CoordinatorCommand.smtpSettings(Map.of("NINES_SMTP_HOST", "smtp.example"));

    assertThat(s.port()).isEqualTo(587);
    assertThat(s.starttls()).isEqualTo(SmtpSettings.StartTls.REQUIRED);
    assertThat(s.ssl()).isFalse();
    assertThat(s.from()).isEqualTo("nines@smtp.example");
  }

  @Test
  void whenThePortIsNotANumber_thenTheMessageNamesTheVariable() {
    assertThatThrownBy(
            () ->
                CoordinatorCommand.smtpSettings(
                    Map.of("NINES_SMTP_HOST", "smtp.example", "NINES_SMTP_PORT", "submission")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("NINES_SMTP_PORT was 'submission' but it must be a port from 1 to 65535");
  }

  @Test
  void whenStartTlsIsWrittenInLowerCase_thenItIsAccepted() {
    SmtpSettings s =
        CoordinatorCommand.smtpSettings(
            Map.of("NINES_SMTP_HOST", "smtp.example", "NINES_SMTP_STARTTLS", "optional"));

    assertThat(s.starttls()).isEqualTo(SmtpSettings.StartTls.OPTIONAL);
  }

  @Test
  void whenStartTlsIsUnknown_thenTheMessageListsTheModes() {
    assertThatThrownBy(
            () ->
                CoordinatorCommand.smtpSettings(
                    Map.of("NINES_SMTP_HOST", "smtp.example", "NINES_SMTP_STARTTLS", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("NINES_SMTP_STARTTLS was 'yes' but it must be DISABLED, OPTIONAL or REQUIRED");
  }

  @Test
  void whenSslIsSet_thenTlsIsUsedFromTheFirstByteOnPort465() {
    SmtpSettings s =
        CoordinatorCommand.smtpSettings(
            Map.of("NINES_SMTP_HOST", "smtp.example", "NINES_SMTP_SSL", "true"));

    assertThat(s.ssl()).isTrue();
    assertThat(s.port()).isEqualTo(465);
  }

  @Test
  void whenAUsernameIsGivenWithoutAPassword_thenItIsRefused() {
    assertThatThrownBy(
            () ->
                CoordinatorCommand.smtpSettings(
                    Map.of("NINES_SMTP_HOST", "smtp.example", "NINES_SMTP_USERNAME", "nines")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("NINES_SMTP_USERNAME is set but NINES_SMTP_PASSWORD_FILE is not");
  }

  @Test
  void whenAPasswordFileIsGivenWithoutAUsername_thenTheMessageNamesTheVariables() {
    assertThatThrownBy(
            () ->
                CoordinatorCommand.smtpSettings(
                    Map.of(
                        "NINES_SMTP_HOST",
                        "smtp.example",
                        "NINES_SMTP_PASSWORD_FILE",
                        "/run/secrets/smtp")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("NINES_SMTP_PASSWORD_FILE is set but NINES_SMTP_USERNAME is not");
  }

  @Test
  void whenALoginIsGiven_thenThePasswordIsReadFromTheFileAtEachSend() {
    SmtpSettings s =
        CoordinatorCommand.smtpSettings(
            Map.of(
                "NINES_SMTP_HOST", "smtp.example",
                "NINES_SMTP_USERNAME", "nines",
                "NINES_SMTP_PASSWORD_FILE", "/run/secrets/smtp"));

    assertThat(s.username()).isEqualTo("nines");
    assertThat(s.password().hasSecrets()).isTrue();
  }
}
