package io.nines.store.checklog;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The timeline history a {@link CheckLog} keeps per location: built as results arrive, spliced by
 * late results, kept past the raw retention, compacted and dropped by age. Pure; time is the {@code
 * now} each batch is applied at.
 */
class CheckLogHistoryTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");
  static final Duration STALE = Duration.ofSeconds(60);
  static final CheckRules RULES =
      new CheckRules(
          Duration.ofHours(1), Duration.ofMinutes(5), STALE, new DownWhen(1), Duration.ofDays(2));

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  static Timeline timelineOf(CheckLog log, String location, TimeRange span) {
    return log.locationTimelines(span)
        .getOrDefault(location, Timeline.constant(span, State.UNKNOWN));
  }

  @Test
  void whenResultsArriveInAnyOrderAndLeaveTheRawRetention_thenTheHistoryIsTheTimelineOfThemAll() {
    Random random = new Random(42);
    List<ProbeResult> all = new ArrayList<>();
    long seq = 0;
    // 6 hours at 30 s, a failure now and then, and a silent stretch (UNKNOWN) in hour 3.
    for (long s = 0; s < 6 * 3600; s += 30) {
      if (s >= 3 * 3600 && s < 3 * 3600 + 600) {
        continue;
      }
      boolean failing = random.nextInt(40) == 0;
      seq++;
      all.add(failing ? fail("a", seq, "home", "eu", t(s)) : ok("a", seq, "home", "eu", t(s)));
    }
    CheckLog log = new CheckLog("home");
    // Batches of 20 in time order, each shuffled, and every fifth result held back and sent with
    // the next batch (late, but within the raw retention of one hour).
    List<ProbeResult> late = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 20) {
      List<ProbeResult> batch = new ArrayList<>(late);
      late.clear();
      for (ProbeResult r : all.subList(i, Math.min(all.size(), i + 20))) {
        (r.sequence() % 5 == 0 ? late : batch).add(r);
      }
      Collections.shuffle(batch, random);
      Instant now = all.get(Math.min(all.size(), i + 20) - 1).startedAt();
      log.apply(batch, RULES, now, "m");
    }
    Instant end = all.get(all.size() - 1).startedAt();
    log.apply(late, RULES, end, "m");

    assertThat(log.size()).as("raw results older than an hour are gone").isLessThan(130);
    int exact = 0;
    for (Instant h = T0; h.isBefore(end); h = h.plus(Duration.ofHours(1))) {
      TimeRange hour = new TimeRange(h, h.plus(Duration.ofHours(1)));
      Timeline expected = Timelines.forLocation(all, STALE, hour);
      Timeline actual = timelineOf(log, "eu", hour);
      long stretches =
          expected.intervals().stream().filter(i -> i.state() != State.UNKNOWN).count();
      boolean compactable = hour.end().isBefore(end.minus(RULES.retention()));
      if (stretches <= CheckLog.MAX_STRETCHES_PER_HOUR || !compactable) {
        assertThat(actual).as("hour %s", h).isEqualTo(expected);
        exact++;
      } else {
        assertThat(actual.durations()).as("compacted hour %s", h).isEqualTo(expected.durations());
        assertThat(actual.intervals().size()).isLessThanOrEqualTo(3);
      }
    }
    assertThat(exact).as("hours kept exactly").isGreaterThanOrEqualTo(3);
    TimeRange open = new TimeRange(end.minus(Duration.ofMinutes(90)), end.plusSeconds(300));
    assertThat(timelineOf(log, "eu", open)).isEqualTo(Timelines.forLocation(all, STALE, open));
  }

  @Test
  void whenALateFailureArrives_thenOnlyTheTimeFromItUntilTheNextResultChanges() {
    CheckLog log = new CheckLog("home");
    log.apply(
        List.of(
            ok("a", 1, "home", "eu", t(0)),
            ok("a", 2, "home", "eu", t(30)),
            ok("a", 4, "home", "eu", t(90)),
            ok("a", 5, "home", "eu", t(300))),
        RULES,
        t(300),
        "m");
    TimeRange span = new TimeRange(t(0), t(320));
    assertThat(timelineOf(log, "eu", span).intervals())
        .containsExactly(
            new Interval(t(0), t(150), State.UP),
            new Interval(t(150), t(300), State.UNKNOWN),
            new Interval(t(300), t(320), State.UP));

    CheckLog.Applied applied =
        log.apply(List.of(fail("a", 3, "home", "eu", t(60))), RULES, t(310), "m");

    assertThat(timelineOf(log, "eu", span).intervals())
        .containsExactly(
            new Interval(t(0), t(60), State.UP),
            new Interval(t(60), t(90), State.DOWN),
            new Interval(t(90), t(150), State.UP),
            new Interval(t(150), t(300), State.UNKNOWN),
            new Interval(t(300), t(320), State.UP));
    assertThat(applied.change().history())
        .as("the change carries the rewritten hour, whole")
        .containsExactly(
            new HistorySlice(
                "eu",
                T0,
                T0.plus(Duration.ofHours(1)),
                List.of(
                    new Interval(t(0), t(60), State.UP),
                    new Interval(t(60), t(90), State.DOWN),
                    new Interval(t(90), t(150), State.UP),
                    new Interval(t(300), t(360), State.UP))));
  }

  @Test
  void whenAResultRunsAtTheSameInstantAsAnother_thenTheFailureWinsWhicheverCameFirst() {
    CheckLog passFirst = new CheckLog("home");
    passFirst.apply(List.of(ok("a", 1, "home", "eu", t(0))), RULES, t(10), "m");
    passFirst.apply(List.of(fail("b", 1, "home", "eu", t(0))), RULES, t(10), "m");
    CheckLog failFirst = new CheckLog("home");
    failFirst.apply(List.of(fail("b", 1, "home", "eu", t(0))), RULES, t(10), "m");
    failFirst.apply(List.of(ok("a", 1, "home", "eu", t(0))), RULES, t(10), "m");

    assertThat(passFirst.history()).isEqualTo(failFirst.history());
    assertThat(passFirst.history().get("eu"))
        .containsExactly(new Interval(t(0), t(60), State.DOWN));
  }

  @Test
  void whenHistoryPassesTheRollupRetention_thenItIsDroppedAndTheBackupDropsItToo() {
    CheckLog owner = new CheckLog("home");
    CheckLog backup = new CheckLog("home");
    List<CheckLog.Change> changes = new ArrayList<>();
    changes.add(owner.apply(List.of(fail("a", 1, "home", "eu", t(0))), RULES, t(10), "m").change());
    Instant later = t(0).plus(Duration.ofDays(2)).plusSeconds(120);
    changes.add(owner.apply(List.of(ok("a", 2, "home", "eu", later)), RULES, later, "m").change());
    changes.forEach(backup::replay);

    assertThat(owner.history().get("eu"))
        .containsExactly(new Interval(later, later.plus(STALE), State.UP));
    assertThat(backup.history()).isEqualTo(owner.history());
    assertThat(changes.get(1).historyFrom()).isEqualTo(later.minus(Duration.ofDays(2)));
  }

  @Test
  void whenAFlappingHourLeavesTheRawRetention_thenItIsCompactedKeepingItsTimeInEachState() {
    CheckLog owner = new CheckLog("home");
    CheckLog backup = new CheckLog("home");
    List<ProbeResult> flapping = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      long s = i * 30L;
      flapping.add(
          i % 2 == 0 ? ok("a", i + 1, "home", "eu", t(s)) : fail("a", i + 1, "home", "eu", t(s)));
    }
    backup.replay(owner.apply(flapping, RULES, t(3600), "m").change());
    TimeRange hour = new TimeRange(T0, t(3600));
    assertThat(owner.history().get("eu")).hasSize(120);

    CheckLog.Applied applied =
        owner.apply(List.of(ok("a", 200, "home", "eu", t(7300))), RULES, t(7300), "m");
    backup.replay(applied.change());

    Timeline compacted = timelineOf(owner, "eu", hour);
    assertThat(compacted.intervals())
        .containsExactly(
            new Interval(T0, t(1800), State.DOWN), new Interval(t(1800), t(3600), State.UP));
    assertThat(compacted.durations())
        .isEqualTo(Timelines.forLocation(flapping, STALE, hour).durations());
    assertThat(backup.history()).isEqualTo(owner.history());
    assertThat(owner.historySize()).isLessThanOrEqualTo(CheckLog.MAX_STRETCHES_PER_HOUR + 2);
  }

  @Test
  void whenTheHourHasFewStateChanges_thenItIsKeptExactly() {
    CheckLog log = new CheckLog("home");
    log.apply(
        List.of(
            ok("a", 1, "home", "eu", t(0)),
            fail("a", 2, "home", "eu", t(30)),
            ok("a", 3, "home", "eu", t(60))),
        RULES,
        t(60),
        "m");
    List<Interval> before = log.history().get("eu");

    log.apply(List.of(ok("a", 4, "home", "eu", t(3 * 3600))), RULES, t(3 * 3600), "m");

    assertThat(log.history().get("eu")).startsWith(before.toArray(new Interval[0]));
  }

  @Test
  void whenALogIsCopiedOrRestoredFromItsHistory_thenItHoldsTheSameHistory() {
    CheckLog log = new CheckLog("home");
    log.apply(
        List.of(ok("a", 1, "home", "eu", t(0)), fail("a", 2, "home", "us", t(10))),
        RULES,
        t(20),
        "m");
    CheckLog restored = CheckLog.restore("home", List.of(), java.util.Map.of(), null);
    log.history().forEach(restored::restoreHistory);

    assertThat(log.copy().history()).isEqualTo(log.history());
    assertThat(restored.history()).isEqualTo(log.history());
  }
}
