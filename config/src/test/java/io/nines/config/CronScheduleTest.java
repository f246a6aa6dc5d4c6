package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Five-field cron as Vixie cron reads it, and when it fires in a time zone. */
class CronScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId UTC = ZoneOffset.UTC;

  private static Instant next(String cron, String after, ZoneId zone) {
    return CronSchedule.parse(cron).next(Instant.parse(after), zone);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 2 * * *       | 2026-03-10T12:00:00Z | 2026-03-11T02:00:00Z",
        "0 2 * * *       | 2026-03-11T02:00:00Z | 2026-03-12T02:00:00Z",
        "*/15 * * * *    | 2026-03-10T12:07:00Z | 2026-03-10T12:15:00Z",
        "5,35 9-17 * * * | 2026-03-10T17:36:00Z | 2026-03-11T09:05:00Z",
        "0 9 * * MON-FRI | 2026-03-06T10:00:00Z | 2026-03-09T09:00:00Z",
        "0 0 1 JAN,jul * | 2026-03-06T10:00:00Z | 2026-07-01T00:00:00Z",
        "0 0 * * 7       | 2026-03-02T00:00:00Z | 2026-03-08T00:00:00Z",
        "0 0 * * 0       | 2026-03-02T00:00:00Z | 2026-03-08T00:00:00Z",
        "0 8-18/4 * * *  | 2026-03-10T12:00:00Z | 2026-03-10T16:00:00Z",
        "@hourly         | 2026-03-10T12:00:00Z | 2026-03-10T13:00:00Z",
        "@weekly         | 2026-03-10T12:00:00Z | 2026-03-15T00:00:00Z",
        "@monthly        | 2026-03-10T12:00:00Z | 2026-04-01T00:00:00Z",
      })
  void whenTheScheduleIsPlain_thenItFiresAtTheNextMatchingMinute(
      String cron, String after, String expected) {
    assertThat(next(cron, after, UTC)).isEqualTo(Instant.parse(expected));
  }

  @Test
  void whenBothDayFieldsAreRestricted_thenEitherOneMatches() {
    // 2026-03-10 is a Tuesday: the 13th (a Friday) comes before Monday the 16th.
    assertThat(next("0 0 13 * MON", "2026-03-10T00:00:00Z", UTC))
        .isEqualTo(Instant.parse("2026-03-13T00:00:00Z"));
    // 2026-03-01 is a Sunday: Monday the 2nd comes before the 13th.
    assertThat(next("0 0 13 * MON", "2026-03-01T00:00:00Z", UTC))
        .isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
  }

  @Test
  void whenADayFieldStartsWithAStar_thenOnlyTheOtherDecides() {
    // */2 is every odd day, and with a star both must hold: the first odd-dated Monday.
    assertThat(next("0 0 */2 * MON", "2026-03-01T00:00:00Z", UTC))
        .isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));
  }

  @Test
  void whenTheScheduleAsksForFebruary29_thenItWaitsForTheNextLeapYear() {
    assertThat(next("0 0 29 2 *", "2026-01-01T00:00:00Z", UTC))
        .isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
    assertThat(next("0 0 29 2 *", "2096-03-01T00:00:00Z", UTC))
        .as("2100 is not a leap year")
        .isEqualTo(Instant.parse("2104-02-29T00:00:00Z"));
  }

  @Test
  void whenTheLocalTimeFallsInASpringForwardGap_thenItFiresOnceWhenTheClocksJump() {
    // Europe/Berlin jumps from 02:00 CET to 03:00 CEST on 2026-03-29 (01:00Z).
    assertThat(next("30 2 * * *", "2026-03-28T12:00:00Z", BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(next("30 2 * * *", "2026-03-29T01:00:00Z", BERLIN))
        .isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
    // A job every 15 minutes: the skipped quarters collapse into one fire at the jump.
    assertThat(next("*/15 * * * *", "2026-03-29T00:45:00Z", BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(next("*/15 * * * *", "2026-03-29T01:00:00Z", BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T01:15:00Z"));
  }

  @Test
  void whenTheLocalTimeRepeatsInAFallBackOverlap_thenAFixedHourFiresOnlyTheFirstTime() {
    // Europe/Berlin goes back from 03:00 CEST to 02:00 CET on 2026-10-25 (01:00Z).
    Instant first = next("30 2 * * *", "2026-10-24T12:00:00Z", BERLIN);
    assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(CronSchedule.parse("30 2 * * *").next(first, BERLIN))
        .isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void whenTheLocalTimeRepeatsAndTheHourIsAStar_thenItFiresInBothHours() {
    assertThat(next("30 * * * *", "2026-10-25T00:30:00Z", BERLIN))
        .isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
    assertThat(next("30 * * * *", "2026-10-25T01:30:00Z", BERLIN))
        .isEqualTo(Instant.parse("2026-10-25T02:30:00Z"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 24 * * *     | hour                | '24' but 24 is out of range; it must be 0-23",
        "60 * * * *     | minute              | must be 0-59",
        "0 0 0 * *      | day-of-month        | must be 1-31",
        "0 0 * 13 *     | month               | must be 1-12 or JAN-DEC",
        "0 0 * FOO *    | month               | 'FOO' must be a number 1-12 or JAN-DEC",
        "0 0 * * 8      | day-of-week         | must be 0-7 or SUN-SAT",
        "5/15 * * * *   | minute              | a step needs a range or *: write 5-59/15 or */15",
        "0 5-2 * * *    | hour                | a range must go upwards",
        "0 0 30 2 *     | day-of-month        | never fires",
        "0 0 1,,2 * *   | day-of-month        | empty list item",
        "* * * *        |                     | had 4 fields but it must have five",
        "@reboot        |                     | the only shorthands are",
      })
  void whenAFieldIsWrong_thenTheErrorNamesItAndWhatWouldBeRight(
      String cron, String field, String message) {
    CronSchedule.InvalidCronException e =
        catchThrowableOfType(
            CronSchedule.InvalidCronException.class, () -> CronSchedule.parse(cron));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
    if (field != null) {
      assertThat(e.getMessage()).startsWith(field + " field");
    }
  }

  @Test
  void whenFebruary30IsAskedWithADayOfWeek_thenTheDayOfWeekStillFires() {
    // February has no 30th, but its Mondays fire: the first is 2027-02-01.
    assertThat(next("0 0 30 2 MON", "2026-03-01T00:00:00Z", UTC))
        .isEqualTo(Instant.parse("2027-02-01T00:00:00Z"));
  }

  @Test
  void whenTheScheduleIsWeekdaysOnly_thenTheLongestGapIsTheWeekend() {
    CronSchedule c = CronSchedule.parse("0 2 * * MON-FRI");
    assertThat(c.longestGap(Instant.parse("2025-01-01T00:00:00Z"), UTC))
        .isEqualTo(Duration.ofDays(3));
    // The weekend the clocks go back is an hour longer.
    assertThat(c.longestGap(Instant.parse("2025-01-01T00:00:00Z"), BERLIN))
        .isEqualTo(Duration.ofHours(73));
    assertThat(c.shortestGap(Instant.parse("2025-01-01T00:00:00Z"), UTC))
        .isEqualTo(Duration.ofDays(1));
  }

  @Provide
  Arbitrary<String> expressions() {
    Arbitrary<String> minute = Arbitraries.of("*", "0", "*/5", "7,23,59", "10-20", "0-59/15", "30");
    Arbitrary<String> hour = Arbitraries.of("*", "2", "*/3", "0,12", "9-17", "1-23/2");
    Arbitrary<String> dom = Arbitraries.of("*", "1", "*/2", "13", "1-7", "15,28");
    Arbitrary<String> month = Arbitraries.of("*", "*", "JAN-JUN", "2,3,10", "*/4");
    Arbitrary<String> dow = Arbitraries.of("*", "*", "MON-FRI", "0", "SAT,SUN", "3");
    return net.jqwik.api.Combinators.combine(minute, hour, dom, month, dow)
        .as((a, b, c, d, e) -> a + " " + b + " " + c + " " + d + " " + e);
  }

  /**
   * Against a brute-force minute-by-minute scan: the next fire is the first minute after {@code
   * after} whose local time matches, in zones and at times where no clock change interferes.
   */
  @Property(tries = 300)
  void nextIsTheFirstMatchingMinuteAfter(
      @ForAll("expressions") String cron,
      @ForAll("zones") String zoneId,
      @ForAll("instants") long epochMinute) {
    CronSchedule c = CronSchedule.parse(cron);
    String[] f = cron.split(" ");
    CronSchedule clock = CronSchedule.parse(f[0] + " " + f[1] + " * * *");
    ZoneId zone = ZoneId.of(zoneId);
    Instant after = Instant.ofEpochSecond(epochMinute * 60 + 17);
    Instant fire = c.next(after, zone);
    assertThat(fire).isAfter(after);
    // The zones have no clock changes, so local minutes and instants correspond one to one.
    Instant t = after.plusSeconds(43);
    while (t.isBefore(fire)) {
      LocalDateTime local = LocalDateTime.ofInstant(t, zone);
      if (c.matches(local.toLocalDate())) {
        assertThat(matchesClock(clock, local))
            .as("%s fires at %s in %s, before %s", cron, t, zone, fire)
            .isFalse();
        t = t.plusSeconds(60);
      } else {
        t = local.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
      }
    }
    LocalDateTime local = LocalDateTime.ofInstant(fire, zone);
    assertThat(c.matches(local.toLocalDate()) && matchesClock(clock, local))
        .as("%s at %s", cron, fire)
        .isTrue();
  }

  private static boolean matchesClock(CronSchedule clock, LocalDateTime local) {
    Instant minute = local.withSecond(0).withNano(0).toInstant(ZoneOffset.UTC);
    return clock.next(minute.minusSeconds(1), ZoneOffset.UTC).equals(minute);
  }

  @Provide
  Arbitrary<String> zones() {
    return Arbitraries.of("UTC", "Asia/Tokyo", "Asia/Kolkata");
  }

  @Provide
  Arbitrary<Long> instants() {
    // 2024-01-01 .. 2030-01-01, in minutes
    return Arbitraries.longs().between(28_401_120L, 31_556_160L);
  }
}
