package io.nines.channels;

import io.nines.channels.Notification.Kind;
import io.nines.channels.Notification.Links;
import io.nines.channels.Notification.Severity;
import io.nines.channels.Notification.Topic;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Notifications and helpers shared by the channel tests. */
public final class Fixtures {
  public static final Instant START = Instant.parse("2025-03-01T03:12:00Z");

  private Fixtures() {}

  /** The checkout outage of the examples, as {@code kind}. */
  public static Notification checkout(Kind kind) {
    return checkout(kind, "inc-42", START);
  }

  public static Notification checkout(Kind kind, String incidentId, Instant start) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put(Notification.DETAIL_LOCATION, "eu-west, us-east");
    details.put(Notification.DETAIL_FAILING_STEP, "pay");
    details.put(Notification.DETAIL_ACTUAL, "status 503");
    details.put(Notification.DETAIL_AVAILABILITY, "99.82 %");
    details.put(Notification.DETAIL_TARGET, "99.9 %");
    if (kind == Kind.ACKNOWLEDGE) {
      details.put(Notification.DETAIL_ACKNOWLEDGED_BY, "alice");
    }
    Instant at = kind == Kind.TRIGGER ? start : start.plus(Duration.ofMinutes(12));
    return new Notification(
        Notification.key(incidentId, "payments:pager", kind.wire()),
        incidentId,
        kind,
        Topic.OUTAGE,
        "checkout",
        "Checkout",
        "gold",
        "payments",
        Severity.CRITICAL,
        "step 'pay' got status 503 in eu-west and us-east",
        start,
        at,
        details,
        new Links(
            "http://nines.test/incidents/" + incidentId,
            "http://nines.test/services/checkout/timeline",
            "http://wiki.test/runbooks/checkout"));
  }

  /** The result of {@code f}, waiting at most 15 s; the test fails past that. */
  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete well within 15 s: " + e, e);
    }
  }
}
