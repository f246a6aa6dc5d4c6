package io.nines.store.checklog;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.Interval;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A hot {@link CheckLog} (one with a database behind it): bounded by {@link CheckLog#HOT_RAW} and
 * the open hours whatever {@code retention.raw} is, late results still accepted, and closed hours
 * handed to the database to recompute from the raw results. The database is played here by {@link
 * FakeDatabase}, which keeps what a change asks it to (the raw results, each hour's slice, and
 * hours recomputed from the raw results); the history it and the log hold together must equal the
 * timeline of every result.
 */
class CheckLogHotTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");
  static final Duration STALE = Duration.ofSeconds(60);
  static final CheckRules RULES =
      new CheckRules(
          Duration.ofDays(7), Duration.ofMinutes(5), STALE, new DownWhen(1), Duration.ofDays(400));

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** What the database holds: raw results, and history hour by hour. */
  static final class FakeDatabase {
    final Map<String, ProbeResult> results = new LinkedHashMap<>();
    final Map<HourRef, List<Interval>> hours = new HashMap<>();
    int recomputed;

    void write(CheckLog.Change c) {
      c.accepted().forEach(r -> results.putIfAbsent(r.id(), r));
      for (HistorySlice s : c.history()) {
        hours.put(new HourRef(s.location(), s.from()), s.intervals());
      }
      for (HourRef h : c.recompute()) {
        recomputed++;
        TimeRange hour = new TimeRange(h.hour(), h.hour().plus(Duration.ofHours(1)));
        List<ProbeResult> of =
            results.values().stream().filter(r -> r.location().equals(h.location())).toList();
        hours.put(h, Timelines.forLocation(of, c.staleAfter(), hour).intervals());
      }
    }

    /** The location's timeline over {@code span}: closed hours from here, the rest from memory. */
    Timeline timeline(CheckLog log, String location, TimeRange span) {
      long open = log.openFromNanos();
      List<Interval> parts = new ArrayList<>();
      hours.forEach(
          (h, intervals) -> {
            if (h.location().equals(location) && LocationHistory.nanos(h.hour()) < open) {
              intervals.stream()
                  .filter(iv -> iv.state() != io.nines.availability.State.UNKNOWN)
                  .forEach(parts::add);
            }
          });
      for (HistorySlice s : log.historySlices(LocationHistory.instant(open), span.end())) {
        if (s.location().equals(location)) {
          parts.addAll(s.intervals());
        }
      }
      return Timeline.of(span, clip(parts, span));
    }

    static List<Interval> clip(List<Interval> parts, TimeRange span) {
      List<Interval> out = new ArrayList<>();
      for (Interval iv : parts) {
        Instant s = iv.start().isBefore(span.start()) ? span.start() : iv.start();
        Instant e = iv.end().isAfter(span.end()) ? span.end() : iv.end();
        if (s.isBefore(e)) {
          out.add(new Interval(s, e, iv.state()));
        }
      }
      return out;
    }
  }

  static CheckLog.Change apply(
      CheckLog log, List<ProbeResult> batch, Instant now, FakeDatabase db, CheckLog backup) {
    CheckLog.Applied applied = log.apply(batch, RULES, now, "m", true);
    if (applied.change() != null) {
      db.write(applied.change());
      if (backup != null) {
        backup.replay(applied.change());
      }
    }
    return applied.change();
  }

  @Test
  void whenAHotLogTakesDaysOfResults_thenItHoldsOnlyTheHotWindowAndTheOpenHours() {
    CheckLog log = new CheckLog("home");
    FakeDatabase db = new FakeDatabase();
    long seq = 0;
    for (long s = 0; s < 2 * 24 * 3600; s += 30) {
      apply(log, List.of(ok("a", ++seq, "home", "eu", t(s))), t(s), db, null);
    }
    Instant now = t(2 * 24 * 3600 - 30);

    assertThat(log.size()).as("results of the last 5 minutes").isLessThanOrEqualTo(11);
    assertThat(log.results())
        .allSatisfy(r -> assertThat(r.startedAt()).isAfterOrEqualTo(now.minus(CheckLog.HOT_RAW)));
    assertThat(log.history().get("eu").get(0).start())
        .as("history only from the open hour")
        .isAfterOrEqualTo(LocationHistory.instant(log.openFromNanos()));
    assertThat(log.agents().get("a").aboveCount()).isLessThanOrEqualTo(11);
    assertThat(db.results).hasSize(2 * 24 * 120);
    TimeRange span = new TimeRange(t(0), now);
    assertThat(db.timeline(log, "eu", span))
        .isEqualTo(Timelines.forLocation(db.results.values(), STALE, span));
  }

  @Test
  void whenResultsArriveLateAndOutOfOrder_thenDatabaseAndMemoryTogetherHoldTheTimelineOfThemAll() {
    Random random = new Random(7);
    List<ProbeResult> all = new ArrayList<>();
    long seq = 0;
    for (long s = 0; s < 6 * 3600; s += 30) {
      if (s >= 3 * 3600 && s < 3 * 3600 + 600) {
        continue;
      }
      seq++;
      all.add(
          random.nextInt(15) == 0
              ? fail("a", seq, "home", "eu", t(s))
              : ok("a", seq, "home", "eu", t(s)));
    }
    CheckLog log = new CheckLog("home");
    CheckLog backup = new CheckLog("home");
    FakeDatabase db = new FakeDatabase();
    // Live in order, except one result in seven, held back and sent 2 to 90 minutes late, some
    // into hours that have closed, some into the open hour before the hot window.
    TreeMap<Long, List<ProbeResult>> delayed = new TreeMap<>();
    for (ProbeResult r : all) {
      long s = r.startedAt().getEpochSecond() - T0.getEpochSecond();
      if (random.nextInt(7) == 0) {
        delayed.computeIfAbsent(s + 120 + random.nextInt(88 * 60), k -> new ArrayList<>()).add(r);
      } else {
        delayed.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
      }
    }
    Instant now = T0;
    for (Map.Entry<Long, List<ProbeResult>> en : delayed.entrySet()) {
      now = t(en.getKey());
      List<ProbeResult> batch = new ArrayList<>(en.getValue());
      Collections.shuffle(batch, random);
      apply(log, batch, now, db, backup);
    }

    TimeRange span = new TimeRange(t(0), now);
    assertThat(db.results).hasSize(all.size());
    assertThat(db.recomputed).as("closed hours were recomputed").isPositive();
    assertThat(db.timeline(log, "eu", span)).isEqualTo(Timelines.forLocation(all, STALE, span));
    assertThat(backup.results()).isEqualTo(log.results());
    assertThat(backup.history()).isEqualTo(log.history());
    assertThat(backup.dirtyHours()).isEqualTo(log.dirtyHours());
    assertThat(backup.heldFromNanos()).isEqualTo(log.heldFromNanos());
  }

  @Test
  void whenALateResultFallsInAClosedHour_thenTheChangeAsksTheDatabaseToRecomputeIt() {
    CheckLog log = new CheckLog("home");
    FakeDatabase db = new FakeDatabase();
    long seq = 0;
    for (long s = 0; s < 3 * 3600; s += 30) {
      apply(log, List.of(ok("a", ++seq, "home", "eu", t(s))), t(s), db, null);
    }
    Instant now = t(3 * 3600);

    // A failure of another agent that ran at 00:59:50, hours ago: its 60 s reach into 01:00.
    CheckLog.Change change =
        apply(log, List.of(fail("b", 1, "home", "eu", t(3590))), now, db, null);

    assertThat(change.accepted()).hasSize(1);
    assertThat(change.recompute())
        .containsExactly(new HourRef("eu", t(0)), new HourRef("eu", t(3600)));
    assertThat(change.history()).as("closed hours are not written from memory").isEmpty();
    assertThat(log.results()).as("nothing held from before the hot window").hasSize(10);
    TimeRange span = new TimeRange(t(0), now);
    assertThat(db.timeline(log, "eu", span))
        .isEqualTo(Timelines.forLocation(db.results.values(), STALE, span));
  }

  @Test
  void whenALateResultFallsInTheOpenHourBeforeTheHotWindow_thenTheHourIsRecomputedWhenItCloses() {
    CheckLog log = new CheckLog("home");
    FakeDatabase db = new FakeDatabase();
    long seq = 0;
    for (long s = 0; s < 3600 + 1800; s += 30) {
      apply(log, List.of(ok("a", ++seq, "home", "eu", t(s))), t(s), db, null);
    }
    // 01:30: the open hour is 01:00; a failure from 01:10 arrives.
    CheckLog.Change late =
        apply(log, List.of(fail("b", 1, "home", "eu", t(3600 + 600))), t(5400), db, null);
    assertThat(late.dirty()).containsExactly(new HourRef("eu", t(3600)));
    assertThat(late.recompute()).isEmpty();

    CheckLog.Change closing = null;
    for (long s = 5400; s < 2 * 3600 + 600; s += 30) {
      CheckLog.Change c = apply(log, List.of(ok("a", ++seq, "home", "eu", t(s))), t(s), db, null);
      if (c != null && !c.recompute().isEmpty()) {
        closing = c;
      }
    }

    assertThat(closing).as("the hour's recompute when it closed").isNotNull();
    assertThat(closing.recompute()).containsExactly(new HourRef("eu", t(3600)));
    assertThat(log.dirtyHours()).isEmpty();
    TimeRange span = new TimeRange(t(0), t(2 * 3600 + 570));
    assertThat(db.timeline(log, "eu", span))
        .isEqualTo(Timelines.forLocation(db.results.values(), STALE, span));
  }

  @Test
  void whenAResultWhoseSequenceTheLogForgotIsSentAgain_thenItIsAcceptedForTheDatabaseToKeepOnce() {
    CheckLog log = new CheckLog("home");
    FakeDatabase db = new FakeDatabase();
    long seq = 0;
    for (long s = 0; s < 3600; s += 30) {
      apply(log, List.of(ok("a", ++seq, "home", "eu", t(s))), t(s), db, null);
    }
    ProbeResult old = ok("a", 3, "home", "eu", t(60));
    ProbeResult recent = ok("a", seq, "home", "eu", t(3570));

    CheckLog.Applied again = log.apply(List.of(old, recent), RULES, t(3600), "m", true);

    assertThat(again.outcome().accepted()).as("the old one: the database dedupes it").isEqualTo(1);
    assertThat(again.outcome().duplicates()).as("the held one").isEqualTo(1);
    db.write(again.change());
    assertThat(db.results).hasSize(120);
  }

  @Test
  void whenTheLogIsNotHot_thenItHoldsAllOfTheRawRetentionAsBefore() {
    CheckLog log = new CheckLog("home");
    long seq = 0;
    for (long s = 0; s < 3600; s += 30) {
      log.apply(List.of(ok("a", ++seq, "home", "eu", t(s))), RULES, t(s), "m");
    }

    assertThat(log.size()).isEqualTo(120);
    assertThat(log.heldFromNanos()).isEqualTo(Long.MIN_VALUE);
  }
}
