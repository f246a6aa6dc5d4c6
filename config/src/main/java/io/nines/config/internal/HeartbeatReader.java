package io.nines.config.internal;

import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.CronSchedule;
import io.nines.config.DownWhen;
import io.nines.config.HeartbeatPlan;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * Reads a check with {@code heartbeat:}: a passive check that its job reports to. It takes no
 * check-level timing, locations or other type; its results carry the one location {@value
 * HeartbeatPlan#LOCATION}.
 */
final class HeartbeatReader {
  static final List<String> KEYS = List.of("every", "schedule", "timezone", "grace", "max-runtime");
  static final Duration MIN_EVERY = Duration.ofMinutes(1);
  static final Duration MAX_DEFAULT_GRACE = Duration.ofHours(1);

  /** Where the longest gap of a schedule is measured from: a fixed year, so loads agree. */
  private static final Instant GAP_REFERENCE = Instant.parse("2025-01-01T00:00:00Z");

  private HeartbeatReader() {}

  /**
   * Reads the check whose fields are {@code f} and that has a {@code heartbeat} key.
   *
   * @return the check, or null when it is too broken to build (problems were reported)
   */
  static Check read(Fields f, String id, String service) {
    for (String key : f.keys()) {
      String why =
          switch (key) {
            case "id", "service", "heartbeat" -> null;
            case "every" ->
                "belongs inside heartbeat: for a heartbeat check (heartbeat: {every: 1d, grace:"
                    + " 30m})";
            case "locations", "down-when" ->
                "does not apply to a heartbeat check: its job reports to the coordinator, so it"
                    + " has the one location '"
                    + HeartbeatPlan.LOCATION
                    + "'";
            case "timeout", "retries", "options" ->
                "does not apply to a heartbeat check: nothing probes it (use heartbeat.grace and"
                    + " heartbeat.max-runtime)";
            default -> "is a second check type besides 'heartbeat'; a check has exactly one";
          };
      if (why != null) {
        f.owner().keyAt(key).error(why);
      }
    }
    HeartbeatPlan plan = plan(f.get("heartbeat"));
    if (plan == null || id == null || service == null) {
      return null;
    }
    Duration period =
        plan.every() != null
            ? plan.every()
            : plan.schedule().longestGap(GAP_REFERENCE, plan.zone());
    return new Check(
        id,
        service,
        period,
        plan.grace(),
        List.of(HeartbeatPlan.LOCATION),
        DownWhen.MAJORITY,
        0,
        new CheckSpec.Heartbeat(plan));
  }

  private static HeartbeatPlan plan(At at) {
    Fields f = at.fields(KEYS);
    if (f == null) {
      return null;
    }
    boolean broken = false;
    Duration every = null;
    CronSchedule schedule = null;
    if (f.has("every") && f.has("schedule")) {
      f.owner()
          .keyAt("schedule")
          .error(
              "is set together with every; a heartbeat has either every (e.g. every: 1d) or a cron"
                  + " schedule (e.g. schedule: \"0 2 * * *\"), not both");
      broken = true;
    } else if (!f.has("every") && !f.has("schedule")) {
      at.error(
          "has neither every nor schedule; add one, e.g. heartbeat: {every: 1d, grace: 30m} or"
              + " heartbeat: {schedule: \"0 2 * * *\", grace: 30m}");
      broken = true;
    }
    if (f.has("every")) {
      every = f.get("every").duration();
      if (every != null && every.compareTo(MIN_EVERY) < 0) {
        f.get("every").mustBe("at least 1m");
        every = null;
      }
      broken |= every == null;
    }
    if (f.has("schedule")) {
      String text = f.get("schedule").string();
      if (text != null) {
        try {
          schedule = CronSchedule.parse(text);
        } catch (CronSchedule.InvalidCronException e) {
          f.get("schedule").error("was '" + text + "': " + e.getMessage());
        }
      }
      broken |= schedule == null;
    }
    ZoneId zone = ZoneId.of("UTC");
    if (f.has("timezone")) {
      if (!f.has("schedule")) {
        f.owner()
            .keyAt("timezone")
            .error("applies only with schedule (every counts from the last ping, in any zone)");
      }
      String text = f.get("timezone").string();
      if (text != null) {
        try {
          zone = ZoneId.of(text);
        } catch (DateTimeException e) {
          f.get("timezone")
              .mustBe("an IANA time zone such as UTC, Europe/Berlin or America/New_York");
          broken = true;
        }
      }
    }
    Duration grace = null;
    if (f.has("grace")) {
      grace = positive(f.get("grace"));
      broken |= grace == null;
    }
    Duration maxRuntime = null;
    if (f.has("max-runtime")) {
      maxRuntime = positive(f.get("max-runtime"));
      broken |= maxRuntime == null;
    }
    if (broken) {
      return null;
    }
    if (grace == null) {
      Duration period = every != null ? every : schedule.shortestGap(GAP_REFERENCE, zone);
      grace = period.compareTo(MAX_DEFAULT_GRACE) < 0 ? period : MAX_DEFAULT_GRACE;
    }
    return new HeartbeatPlan(every, schedule, zone, grace, maxRuntime);
  }

  private static Duration positive(At at) {
    Duration d = at.duration();
    if (d != null && d.isZero()) {
      at.mustBe("above 0, e.g. 30m");
      return null;
    }
    return d;
  }
}
