package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.MergingValue;
import io.nines.availability.State;
import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsMergePolicyTest {
  static final Instant T = Instant.parse("2026-04-07T10:00:00Z");

  final AlertsMergePolicy policy = new AlertsMergePolicy();

  static MergingValue<Object> value(Object value, Object raw) {
    return new MergingValue<>() {
      @Override
      public Object getValue() {
        return value;
      }

      @Override
      public Object getRawValue() {
        return raw;
      }
    };
  }

  /** The state of one side that opened {@code checkout@start} and paged it. */
  static String side(Instant start) {
    String id = "checkout@" + start.getEpochSecond();
    Notification page =
        new Notification(
            id + "/shop/pagerduty/step-1",
            id,
            "checkout",
            "shop",
            "pagerduty",
            Notification.Kind.PAGE,
            start,
            "checkout is DOWN",
            Map.of());
    Incident open =
        new Incident(
            id,
            "checkout",
            start,
            null,
            null,
            null,
            null,
            Map.of("shop", new Incident.Paging(false, start, 1, 0)),
            List.of(page));
    return AlertJson.encode(
        new ServiceAlerts(
            "checkout", State.DOWN, open, List.of(start), false, start, null, null, List.of()));
  }

  @Test
  void whenOnlyOneSideHasTheService_thenItsValueIsKeptAsIs() {
    Object raw = new Object();
    assertThat(policy.merge(value(side(T), raw), null)).isSameAs(raw);
    assertThat(policy.merge(value(null, null), value(side(T), raw))).isSameAs(raw);
  }

  @Test
  void whenBothSidesOpenedAnIncident_thenTheMergedJsonKeepsTheEarlierAndSupersedesTheOther() {
    String merged = (String) policy.merge(value(side(T), "x"), value(side(T.plusSeconds(1)), "y"));
    ServiceAlerts s = AlertJson.decodeServiceAlerts(merged);
    assertThat(s.incident().id()).isEqualTo("checkout@" + T.getEpochSecond());
    assertThat(s.superseded())
        .extracting(Incident::id)
        .containsExactly("checkout@" + (T.getEpochSecond() + 1));
    assertThat(AlertsMergePolicy.union(merged, side(T.plusSeconds(1)))).isEqualTo(merged);
  }
}
