package io.nines.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.testing.TestResults;
import io.nines.availability.testing.TestResults.Run;
import io.nines.common.TimeRange;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TimelinePropertiesTest {
  static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");

  /** A result as (seconds after T0, ok). */
  record Sample(int atSecond, boolean ok) {}

  @Provide
  Arbitrary<Sample> sample() {
    return Arbitraries.integers()
        .between(-300, 4000)
        .flatMap(s -> Arbitraries.of(true, false).map(ok -> new Sample(s, ok)));
  }

  @Provide
  Arbitrary<TimeRange> range() {
    return Arbitraries.integers()
        .between(-100, 3700)
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, 1200)
                    .map(
                        len ->
                            new TimeRange(T0.plusSeconds(s), T0.plusSeconds(s).plusSeconds(len))));
  }

  static List<Run> results(List<Sample> samples, String location) {
    List<Run> out = new ArrayList<>();
    long seq = 1;
    for (Sample s : samples) {
      Instant at = T0.plusSeconds(s.atSecond());
      out.add(
          s.ok()
              ? TestResults.ok("agent-" + location, seq++, "c", location, at)
              : TestResults.fail("agent-" + location, seq++, "c", location, at));
    }
    return out;
  }

  @Property(tries = 300)
  void secondsByStateAlwaysSumToTheWindowLength(
      @ForAll @Size(max = 60) List<@net.jqwik.api.From("sample") Sample> eu,
      @ForAll @Size(max = 60) List<@net.jqwik.api.From("sample") Sample> us,
      @ForAll @IntRange(min = 1, max = 600) int staleSeconds,
      @ForAll @IntRange(min = 1, max = 3600) int windowSeconds) {
    TimeRange span = new TimeRange(T0, T0.plusSeconds(windowSeconds));
    Duration stale = Duration.ofSeconds(staleSeconds);

    Timeline a = Timelines.forLocation(results(eu, "eu"), stale, span);
    Timeline b = Timelines.forLocation(results(us, "us"), stale, span);
    Timeline check = Timelines.forCheck(List.of(a, b), new DownWhen(2), span);

    for (Timeline t : List.of(a, b, check)) {
      assertThat(t.durations().values().stream().reduce(Duration.ZERO, Duration::plus))
          .isEqualTo(span.length());
    }
  }

  @Property(tries = 300)
  void arrivalOrderNeverChangesALocationTimeline(
      @ForAll @Size(max = 60) List<@net.jqwik.api.From("sample") Sample> samples,
      @ForAll long seed) {
    TimeRange span = new TimeRange(T0, T0.plusSeconds(3600));
    List<Run> results = results(samples, "eu");
    List<Run> shuffled = new ArrayList<>(results);
    Collections.shuffle(shuffled, new Random(seed));

    assertThat(Timelines.forLocation(shuffled, Duration.ofSeconds(120), span))
        .isEqualTo(Timelines.forLocation(results, Duration.ofSeconds(120), span));
  }

  @Property(tries = 300)
  void availabilityIsAFractionAndDowntimeIsMaintenancePlusOutages(
      @ForAll @Size(max = 60) List<@net.jqwik.api.From("sample") Sample> samples,
      @ForAll @Size(max = 5) List<@net.jqwik.api.From("range") TimeRange> maintenance,
      @ForAll("range") TimeRange window) {
    if (window.isEmpty()) {
      return;
    }
    Timeline t =
        Timelines.forLocation(
            results(samples, "eu"),
            Duration.ofSeconds(90),
            new TimeRange(T0, T0.plusSeconds(3600)));

    AvailabilityReport r = Availability.report(t, window, maintenance);

    if (!r.hasData()) {
      // Nothing but stale time, maintenance or not: no figure (it used to read 100%); the
      // maintenance is still reported, as downtime.
      assertThat(r.unknown().plus(r.maintenance())).isEqualTo(r.total());
      assertThat(r.down()).isEqualTo(r.maintenance());
      assertThat(r.availabilityExcludingMaintenance()).isEmpty();
      return;
    }
    assertThat(r.availability()).isBetween(0.0, 1.0);
    assertThat(r.nines()).isBetween(0.0, Nines.MAX);
    Duration outages =
        r.outages().stream().map(TimeRange::length).reduce(Duration.ZERO, Duration::plus);
    assertThat(r.down()).isEqualTo(r.maintenance().plus(outages));
    assertThat(r.down().plus(r.unknown()).plus(r.degraded())).isLessThanOrEqualTo(r.total());
    assertThat(r.maintenance()).isLessThanOrEqualTo(r.total());
    if (r.availabilityExcludingMaintenance().isPresent()) {
      assertThat(r.availabilityExcludingMaintenance().getAsDouble())
          .isBetween(0.0, 1.0)
          .isGreaterThanOrEqualTo(r.availability() - 1e-12);
    }
  }
}
