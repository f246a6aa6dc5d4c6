package io.nines.coordinator.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.CronSchedule;
import io.nines.config.DownWhen;
import io.nines.config.HeartbeatPlan;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Heartbeats#overdue}: which failing results a heartbeat's deadlines call for. */
class OverdueTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");
  static final Duration RETENTION = Duration.ofDays(7);

  static HeartbeatPlan every(Duration every, Duration grace, Duration maxRuntime) {
    return new HeartbeatPlan(every, null, null, grace, maxRuntime);
  }

  static Check check(HeartbeatPlan plan) {
    return new Check(
        "job",
        "jobs",
        Duration.ofDays(1),
        plan.grace(),
        List.of(HeartbeatPlan.LOCATION),
        DownWhen.MAJORITY,
        0,
        new CheckSpec.Heartbeat(plan));
  }

  static ProbeResult ping(Instant at) {
    return TestFleets.ok(Heartbeats.PING_AGENT, at.getEpochSecond(), "job", "push", at);
  }

  @Test
  void whenTheCoordinatorWasAwayForDays_thenEveryMissedDueTimeIsRecordedWithItsOwnId() {
    HeartbeatPlan plan = every(Duration.ofDays(1), Duration.ofMinutes(30), null);
    List<ProbeResult> out =
        Heartbeats.overdue(
            check(plan),
            plan,
            List.of(ping(T0)),
            null,
            null,
            T0.plus(Duration.ofDays(3)).plus(Duration.ofHours(1)),
            RETENTION);
    assertThat(out)
        .extracting(ProbeResult::startedAt)
        .containsExactly(
            T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(3)));
    assertThat(out)
        .extracting(ProbeResult::id)
        .containsExactly(
            "heartbeat-monitor/" + T0.plus(Duration.ofDays(1)).getEpochSecond(),
            "heartbeat-monitor/" + T0.plus(Duration.ofDays(2)).getEpochSecond(),
            "heartbeat-monitor/" + T0.plus(Duration.ofDays(3)).getEpochSecond());
  }

  @Test
  void whenTwoMembersLookAtTheSameStore_thenTheyComputeTheSameResults() {
    HeartbeatPlan plan =
        new HeartbeatPlan(
            null,
            CronSchedule.parse("0 2 * * *"),
            ZoneId.of("Europe/Berlin"),
            Duration.ofMinutes(30),
            null);
    Instant now = Instant.parse("2026-04-12T01:00:00Z");
    List<ProbeResult> a =
        Heartbeats.overdue(check(plan), plan, List.of(), null, T0, now, RETENTION);
    List<ProbeResult> b =
        Heartbeats.overdue(check(plan), plan, List.of(), null, T0, now, RETENTION);
    assertThat(a).isEqualTo(b);
    assertThat(a)
        .extracting(ProbeResult::startedAt)
        .containsExactly(
            Instant.parse("2026-04-11T00:00:00Z"), Instant.parse("2026-04-12T00:00:00Z"));
  }

  @Test
  void whenAMissIsRecorded_thenTheNextSweepGoesOnFromIt() {
    HeartbeatPlan plan = every(Duration.ofHours(1), Duration.ofMinutes(5), null);
    List<ProbeResult> recent = new ArrayList<>(List.of(ping(T0)));
    Instant now = T0.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(5));
    List<ProbeResult> first =
        Heartbeats.overdue(check(plan), plan, recent, null, null, now, RETENTION);
    assertThat(first).hasSize(1);
    recent.addAll(first);
    assertThat(Heartbeats.overdue(check(plan), plan, recent, null, null, now, RETENTION)).isEmpty();
    assertThat(
            Heartbeats.overdue(
                check(plan), plan, recent, null, null, now.plus(Duration.ofHours(1)), RETENTION))
        .extracting(ProbeResult::startedAt)
        .containsExactly(T0.plus(Duration.ofHours(2)));
  }

  @Test
  void whenMissesWouldGoBackPastRetention_thenOnlyRecentDueTimesAreRecorded() {
    HeartbeatPlan plan = every(Duration.ofMinutes(1), Duration.ofSeconds(30), null);
    Instant now = T0.plus(Duration.ofDays(30));
    List<ProbeResult> out =
        Heartbeats.overdue(check(plan), plan, List.of(ping(T0)), null, null, now, RETENTION);
    assertThat(out).hasSize(Heartbeats.MAX_MISSES_PER_SWEEP);
    assertThat(out.get(0).startedAt()).isAfterOrEqualTo(now.minus(RETENTION.dividedBy(2)));
  }

  @Test
  void whenAStartedRunIsUnderWay_thenNoMissIsRecordedUntilItsMaxRuntime() {
    HeartbeatPlan plan = every(Duration.ofDays(1), Duration.ofMinutes(30), Duration.ofHours(2));
    Instant start = T0.plus(Duration.ofDays(1));
    List<ProbeResult> recent = List.of(ping(T0));
    assertThat(
            Heartbeats.overdue(
                check(plan),
                plan,
                recent,
                start,
                null,
                start.plus(Duration.ofHours(2)).minusSeconds(1),
                RETENTION))
        .isEmpty();
    List<ProbeResult> over =
        Heartbeats.overdue(
            check(plan), plan, recent, start, null, start.plus(Duration.ofHours(2)), RETENTION);
    assertThat(over)
        .singleElement()
        .matches(
            r -> r.id().equals("heartbeat-overrun/" + start.plusSeconds(7200).getEpochSecond()));
  }
}
