package io.nines.channels;

import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.channels.Notification.Kind;
import io.nines.channels.internal.Texts;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTest {

  @Test
  void whenAKeyIsMade_thenItJoinsIncidentRecipientAndStep() {
    assertThat(Notification.key("inc-7", "payments:pager", "2"))
        .isEqualTo("inc-7/payments:pager/2");
    assertThatThrownBy(() -> Notification.key("inc-7", " ", "2"))
        .hasMessage("recipient: ' ' (expected: a non-blank string)");
  }

  @Test
  void whenDetailsAreGiven_thenTheirOrderIsKeptAndTheMapCannotChange() {
    Notification n = checkout(Kind.TRIGGER);

    assertThat(n.details().keySet())
        .containsExactly("location", "failing_step", "actual", "availability", "target");
    assertThatThrownBy(() -> n.details().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void whenADetailIsNull_thenTheErrorNamesIt() {
    Map<String, String> details = new HashMap<>();
    details.put("actual", null);
    Notification n = checkout(Kind.TRIGGER);

    assertThatThrownBy(
            () ->
                new Notification(
                    n.idempotencyKey(),
                    n.incidentId(),
                    n.kind(),
                    n.topic(),
                    n.serviceId(),
                    null,
                    null,
                    null,
                    n.severity(),
                    n.summary(),
                    n.startedAt(),
                    n.at(),
                    details,
                    null))
        .hasMessage("details.actual: null (expected: a value)");
  }

  @Test
  void whenTheKindChanges_thenTheHeadlineSaysWhatHappened() {
    assertThat(Texts.headline(checkout(Kind.TRIGGER))).startsWith("DOWN Checkout: ");
    assertThat(Texts.headline(checkout(Kind.ACKNOWLEDGE))).startsWith("ACKNOWLEDGED Checkout: ");
    assertThat(Texts.headline(checkout(Kind.RESOLVE))).startsWith("RECOVERED Checkout: ");
    assertThat(Texts.facts(checkout(Kind.ACKNOWLEDGE))).containsEntry("Acknowledged by", "alice");
    assertThat(Texts.facts(checkout(Kind.RESOLVE)))
        .containsEntry("Recovered", "2025-03-01 03:24:00 UTC");
  }

  @Test
  void whenTheFailureHasAScreenshot_thenTheEmailSlackAndWebhookLinkToIt() {
    Notification plain = checkout(Kind.TRIGGER);
    String url = "http://nines.test/ui/#/screenshot/0123456789abcdef0123456789abcdef";
    Notification n =
        new Notification(
            plain.idempotencyKey(),
            plain.incidentId(),
            plain.kind(),
            plain.topic(),
            plain.serviceId(),
            plain.serviceName(),
            plain.tier(),
            plain.teamId(),
            plain.severity(),
            plain.summary(),
            plain.startedAt(),
            plain.at(),
            plain.details(),
            new Notification.Links(
                plain.links().incident(), plain.links().timeline(), plain.links().runbook(), url));

    assertThat(Texts.links(n)).containsEntry("Screenshot", url);
    assertThat(Texts.body(n)).contains(url);
    assertThat(Texts.slackMarkdown(n)).contains(url);
    assertThat(
            io.nines.channels.internal.WebhookChannel.body(n, 0)
                .getJsonObject("links")
                .getString("screenshot"))
        .isEqualTo(url);
    assertThat(Texts.links(plain)).doesNotContainKey("Screenshot");
  }

  @Test
  void whenTextIsCut_thenItEndsWithAnEllipsisAndNeverSplitsASurrogatePair() {
    assertThat(Texts.truncate("abcdef", 6)).isEqualTo("abcdef");
    assertThat(Texts.truncate("abcdef", 4)).isEqualTo("abc\u2026");
    String emoji = "ab\uD83D\uDE00cd"; // a, b, one emoji (two chars), c, d
    assertThat(Texts.truncate(emoji, 4)).isEqualTo("ab\u2026");
    assertThat(Texts.subject(checkout(Kind.TRIGGER))).hasSizeLessThanOrEqualTo(150);
  }
}
