package io.nines.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) as Vixie cron
 * reads it, and when it fires in a time zone. Immutable and thread-safe.
 *
 * <p>Each field takes {@code *}, a number, a range {@code a-b}, a step {@code *}/n or {@code
 * a-b/n}, and comma-separated lists of those. Months take {@code JAN}..{@code DEC}, days of the
 * week {@code SUN}..{@code SAT} (0 and 7 are both Sunday). {@code @hourly}, {@code @daily}
 * ({@code @midnight}), {@code @weekly}, {@code @monthly} and {@code @yearly} ({@code @annually})
 * stand for their usual expressions.
 *
 * <p>Day of month and day of week: when both are restricted (neither starts with {@code *}), a day
 * matches when <em>either</em> does ({@code 0 0 1 * MON} fires on the 1st and on every Monday);
 * when one starts with {@code *}, only the other decides.
 *
 * <p>Daylight saving time, as cronie does it: a local time that a spring-forward gap skips fires
 * once, at the end of the gap (the moment the clocks jump); a local time that a fall-back overlap
 * repeats fires once, at its first occurrence, unless the hour field starts with {@code *}, in
 * which case it fires in both (a job every 15 minutes keeps running every 15 minutes).
 */
public final class CronSchedule {
  /** The fields in order, as named in error messages. */
  public static final List<String> FIELDS =
      List.of("minute", "hour", "day-of-month", "month", "day-of-week");

  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  /** How many days ahead {@link #next} looks: long enough for Feb 29 over a non-leap century. */
  private static final int MAX_DAYS = 366 * 9;

  private final String source;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;
  private final boolean hourStar;

  private CronSchedule(String source, BitSet[] sets, boolean[] star) {
    this.source = source;
    this.minutes = sets[0];
    this.hours = sets[1];
    this.daysOfMonth = sets[2];
    this.months = sets[3];
    this.daysOfWeek = sets[4];
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0);
    }
    this.hourStar = star[1];
    this.domStar = star[2];
    this.dowStar = star[4];
  }

  /** A field that does not parse: which one, and why. */
  public static final class InvalidCronException extends IllegalArgumentException {
    private final String field;

    InvalidCronException(String field, String message) {
      super(field == null ? message : field + " field " + message);
      this.field = field;
    }

    /** The field at fault ({@code minute}, ... {@code day-of-week}), or null for the whole. */
    public String field() {
      return field;
    }
  }

  /**
   * Parses an expression.
   *
   * @throws InvalidCronException naming the field and what it must be, e.g. {@code hour field was
   *     '24' but it must be 0-23}; or when the schedule never fires ({@code 0 0 30 2 *})
   */
  public static CronSchedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidCronException(
          null, "was empty but it must be five fields: minute hour day-of-month month day-of-week");
    }
    String trimmed = expression.strip();
    String text = trimmed;
    if (trimmed.startsWith("@")) {
      text = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
      if (text == null) {
        throw new InvalidCronException(
            null,
            "was '"
                + trimmed
                + "' but the only shorthands are @hourly, @daily, @midnight, @weekly, @monthly,"
                + " @yearly and @annually");
      }
    }
    String[] parts = text.split("\\s+");
    if (parts.length != 5) {
      throw new InvalidCronException(
          null,
          "had "
              + parts.length
              + (parts.length == 1 ? " field" : " fields")
              + " but it must have five: minute hour day-of-month month day-of-week (e.g. '0 2 *"
              + " * *' for 02:00 every day)");
    }
    BitSet[] sets = new BitSet[5];
    boolean[] star = new boolean[5];
    for (int i = 0; i < 5; i++) {
      sets[i] = field(i, parts[i]);
      star[i] = parts[i].startsWith("*");
    }
    CronSchedule c = new CronSchedule(trimmed, sets, star);
    c.checkFires();
    return c;
  }

  private static BitSet field(int index, String text) {
    String name = FIELDS.get(index);
    BitSet set = new BitSet(MAX[index] + 1);
    for (String item : text.split(",", -1)) {
      if (item.isEmpty()) {
        throw new InvalidCronException(
            name, "was '" + text + "' but it has an empty list item; write e.g. 1,15");
      }
      int slash = item.indexOf('/');
      String range = slash < 0 ? item : item.substring(0, slash);
      int step = 1;
      if (slash >= 0) {
        step = number(name, item, item.substring(slash + 1), 1, MAX[index] - MIN[index] + 1);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = MIN[index];
        to = index == 4 ? 6 : MAX[index];
      } else {
        int dash = range.indexOf('-');
        if (dash < 0) {
          from = value(index, item, range);
          to = from;
          if (slash >= 0) {
            throw new InvalidCronException(
                name,
                "was '"
                    + item
                    + "' but a step needs a range or *: write "
                    + range
                    + "-"
                    + MAX[index]
                    + item.substring(slash)
                    + " or *"
                    + item.substring(slash));
          }
        } else {
          from = value(index, item, range.substring(0, dash));
          to = value(index, item, range.substring(dash + 1));
          if (from > to) {
            throw new InvalidCronException(
                name,
                "was '" + item + "' but a range must go upwards (from " + from + " to " + to + ")");
          }
        }
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int value(int index, String item, String text) {
    String name = FIELDS.get(index);
    List<String> names = index == 3 ? MONTHS : index == 4 ? DAYS : List.of();
    int named = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return index == 3 ? named + 1 : named;
    }
    return number(name, item, text, MIN[index], MAX[index]);
  }

  private static int number(String name, String item, String text, int min, int max) {
    String expected =
        min
            + "-"
            + max
            + (name.equals("month")
                ? " or JAN-DEC"
                : name.equals("day-of-week") ? " or SUN-SAT (0 and 7 are Sunday)" : "");
    if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
      throw new InvalidCronException(
          name, "was '" + item + "' but '" + text + "' must be a number " + expected);
    }
    int v = Integer.parseInt(text);
    if (v < min || v > max) {
      throw new InvalidCronException(
          name, "was '" + item + "' but " + v + " is out of range; it must be " + expected);
    }
    return v;
  }

  /** Rejects a day-of-month that no chosen month has, when the day of week cannot save it. */
  private void checkFires() {
    if (domStar || !dowStar) {
      // Any day of month, or (by the OR rule) every chosen day of the week: it fires.
      return;
    }
    int[] longest = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = months.nextSetBit(1); m >= 0; m = months.nextSetBit(m + 1)) {
      int first = daysOfMonth.nextSetBit(1);
      if (first >= 0 && first <= longest[m - 1]) {
        return;
      }
    }
    throw new InvalidCronException(
        "day-of-month",
        "asks for day "
            + daysOfMonth.nextSetBit(1)
            + " but none of the chosen months has it, so the schedule never fires");
  }

  /** The expression as written. */
  public String source() {
    return source;
  }

  /** Whether the schedule fires on {@code date} (day of month, month and day of week). */
  boolean matches(LocalDate date) {
    if (!months.get(date.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(date.getDayOfMonth());
    boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
    if (domStar || dowStar) {
      return dom && dow;
    }
    return dom || dow;
  }

  /**
   * The first time the schedule fires strictly after {@code after}, in {@code zone}; see the class
   * comment for daylight saving time.
   *
   * @throws IllegalStateException when it does not fire in the next nine years (cannot happen for a
   *     parsed schedule)
   */
  public Instant next(Instant after, ZoneId zone) {
    // Start a day early: a fall-back overlap may map an earlier local date-time after `after`.
    LocalDate day = LocalDateTime.ofInstant(after, zone).toLocalDate().minusDays(1);
    for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
      if (!matches(day)) {
        continue;
      }
      Instant best = null;
      for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
        for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
          LocalDateTime local = LocalDateTime.of(day, LocalTime.of(h, m));
          Instant fire = firstAfter(local, zone, after);
          if (fire != null && (best == null || fire.isBefore(best))) {
            best = fire;
          }
        }
        if (best != null) {
          // Later hours of the same day map later, except across an overlap, which the
          // earlier-hour candidate already covered.
          return best;
        }
      }
    }
    throw new IllegalStateException(
        "cron '" + source + "' does not fire within " + MAX_DAYS + " days after " + after);
  }

  /** The earliest instant {@code local} fires at that lies after {@code after}, or null. */
  private Instant firstAfter(LocalDateTime local, ZoneId zone, Instant after) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = zone.getRules().getTransition(local);
      Instant fire = gap.getInstant();
      return fire.isAfter(after) ? fire : null;
    }
    Instant first = local.toInstant(offsets.get(0));
    if (first.isAfter(after)) {
      return first;
    }
    if (offsets.size() == 2 && hourStar) {
      Instant second = local.toInstant(offsets.get(1));
      return second.isAfter(after) ? second : null;
    }
    return null;
  }

  /**
   * The longest time between two consecutive fires over a year from {@code from} (at most 2000
   * fires are looked at): how long a healthy job may stay silent.
   */
  public java.time.Duration longestGap(Instant from, ZoneId zone) {
    Instant end = from.plus(400, ChronoUnit.DAYS);
    Instant previous = next(from, zone);
    java.time.Duration longest = java.time.Duration.ZERO;
    for (int i = 0; i < 2000 && previous.isBefore(end); i++) {
      Instant n = next(previous, zone);
      java.time.Duration gap = java.time.Duration.between(previous, n);
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
      previous = n;
    }
    return longest;
  }

  /** The shortest time between two consecutive fires over the same span as {@link #longestGap}. */
  public java.time.Duration shortestGap(Instant from, ZoneId zone) {
    Instant end = from.plus(400, ChronoUnit.DAYS);
    Instant previous = next(from, zone);
    java.time.Duration shortest = null;
    for (int i = 0; i < 2000 && previous.isBefore(end); i++) {
      Instant n = next(previous, zone);
      java.time.Duration gap = java.time.Duration.between(previous, n);
      if (shortest == null || gap.compareTo(shortest) < 0) {
        shortest = gap;
      }
      previous = n;
    }
    return shortest;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule c && c.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
