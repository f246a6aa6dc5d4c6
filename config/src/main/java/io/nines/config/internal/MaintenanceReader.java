package io.nines.config.internal;

import io.nines.config.MaintenanceWindow;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code maintenance:}: weekly or one-off windows over services, each id defined once. */
final class MaintenanceReader {
  static final List<String> MAINTENANCE_KEYS =
      List.of("id", "services", "every", "for", "timezone", "from", "to", "reason");

  private static final Pattern WEEKLY =
      Pattern.compile("(MON|TUE|WED|THU|FRI|SAT|SUN) ([01][0-9]|2[0-3]):([0-5][0-9])");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Duration WEEK = Duration.ofDays(7);

  private final LoadContext ctx;
  private final List<At> sections;

  MaintenanceReader(LoadContext ctx, List<At> sections) {
    this.ctx = ctx;
    this.sections = sections;
  }

  List<MaintenanceWindow> read() {
    List<MaintenanceWindow> out = new ArrayList<>();
    Map<String, At> defined = new HashMap<>();
    for (At section : sections) {
      for (At item : section.items()) {
        String id = Definitions.rawId(item, "id");
        boolean duplicate =
            id != null && Definitions.twice(defined, id, item, "maintenance window");
        MaintenanceWindow w = maintenance(item);
        if (w != null && !duplicate) {
          out.add(w);
        }
      }
    }
    return out;
  }

  private MaintenanceWindow maintenance(At at) {
    Fields f = at.fields(MAINTENANCE_KEYS);
    if (f == null) {
      return null;
    }
    At idAt = f.require("id", "a unique id such as catalog-weekly");
    String id = idAt == null ? null : idAt.id();
    At servicesAt = f.require("services", "the ids of the services it covers");
    List<String> services = new ArrayList<>();
    if (servicesAt != null) {
      for (At item : servicesAt.items()) {
        String s = item.id();
        if (s != null && !ctx.serviceIds.contains(s)) {
          LoadContext.unknown(item, "service", "services", s, ctx.serviceIds);
        } else if (s != null) {
          services.add(s);
        }
      }
      if (servicesAt.isSequence() && servicesAt.items().isEmpty()) {
        servicesAt.mustBe("a list of at least one service");
      }
    }
    String reason = f.has("reason") ? f.get("reason").anyString() : "";
    MaintenanceWindow.Schedule schedule = schedule(f, at);
    if (id == null || schedule == null) {
      return null;
    }
    return new MaintenanceWindow(id, services, schedule, reason);
  }

  private MaintenanceWindow.Schedule schedule(Fields f, At at) {
    boolean weekly = f.has("every") || f.has("for") || f.has("timezone");
    boolean once = f.has("from") || f.has("to");
    if (weekly && once) {
      at.error(
          "mixes a weekly window (every, for, timezone) with a one-off window (from, to); write"
              + " one or the other");
      return null;
    }
    if (!weekly && !once) {
      at.error(
          "has no schedule; write every: \"SUN 02:00\" and for: 2h for a weekly window, or from:"
              + " and to: (ISO-8601 instants) for a one-off window");
      return null;
    }
    if (once) {
      At fromAt = f.require("from", "when it starts, e.g. 2026-05-01T02:00:00Z");
      At toAt = f.require("to", "when it ends, e.g. 2026-05-01T04:00:00Z");
      Instant from = fromAt == null ? null : instant(fromAt);
      Instant to = toAt == null ? null : instant(toAt);
      if (from != null && to != null && !to.isAfter(from)) {
        toAt.mustBe("after from (" + from + ")");
        return null;
      }
      return from == null || to == null ? null : new MaintenanceWindow.Once(from, to);
    }
    At everyAt = f.require("every", "the weekly start, e.g. \"SUN 02:00\"");
    At forAt = f.require("for", "how long it lasts, e.g. 2h");
    DayOfWeek day = null;
    LocalTime time = null;
    if (everyAt != null) {
      String s = everyAt.string();
      Matcher m = s == null ? null : WEEKLY.matcher(s);
      if (m != null && m.matches()) {
        day = dayOf(m.group(1));
        time = LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      } else if (s != null) {
        everyAt.mustBe("a day and a 24-hour time such as \"SUN 02:00\" (MON, TUE, ... SUN)");
      }
    }
    Duration length = null;
    if (forAt != null) {
      length = forAt.duration();
      if (length != null && (length.isZero() || length.compareTo(WEEK) >= 0)) {
        forAt.mustBe("above 0 and less than 7d");
        length = null;
      }
    }
    ZoneId zone = ZoneId.of("UTC");
    if (f.has("timezone")) {
      String z = f.get("timezone").string();
      try {
        zone = z == null ? zone : ZoneId.of(z);
      } catch (RuntimeException e) {
        f.get("timezone").mustBe("a time zone id such as UTC or Europe/Paris");
      }
    }
    if (day == null || length == null) {
      return null;
    }
    return new MaintenanceWindow.Weekly(day, time, length, zone);
  }

  private static DayOfWeek dayOf(String s) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().startsWith(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException(s);
  }

  private static Instant instant(At at) {
    String s = at.string();
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      at.mustBe("an ISO-8601 date and time with an offset, such as 2026-05-01T02:00:00Z");
      return null;
    }
  }
}
