package io.nines.coordinator.internal;

import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ad hoc maintenance windows, created through the API next to the configured ones.
 *
 * <p>They take effect through {@link #overlay}: the fleet that the API, the dashboard and alerting
 * read carries them as {@link MaintenanceWindow.Once} windows, so availability counts them as
 * downtime (reported apart as maintenance) and no incident opens or pages during one, exactly as
 * for configured windows. Nothing else needs to know they exist.
 *
 * <p>History is kept: a window that has started can be ended early but not erased, and one that has
 * ended cannot be deleted, because availability already reported counted it.
 *
 * <p>In memory, on this coordinator only: lost on restart, and in a cluster not seen by the other
 * members, until the durable store keeps them. Thread-safe.
 */
public final class MaintenanceRegistry {
  /** The most windows kept; ended ones older than the fleet's roll-up retention are dropped. */
  public static final int MAX_WINDOWS = 1000;

  /** The longest ad hoc window. */
  public static final Duration MAX_LENGTH = Duration.ofDays(31);

  /** How far in the past a window may start: a client's clock a little behind is not an error. */
  public static final Duration START_TOLERANCE = Duration.ofMinutes(1);

  /** The id prefix that sets ad hoc windows apart from configured ones. */
  public static final String ID_PREFIX = "adhoc-";

  /**
   * One ad hoc window, {@code [from, to)}.
   *
   * @param createdAt when it was created
   */
  public record AdHoc(
      String id,
      List<String> services,
      Instant from,
      Instant to,
      String reason,
      Instant createdAt) {
    public AdHoc {
      services = List.copyOf(services);
    }
  }

  /** What {@link #remove} did. */
  public enum Removal {
    /** It had not started: it is gone. */
    REMOVED,
    /** It was under way: it now ends now, and what was maintenance stays so. */
    ENDED_EARLY,
    /** It had ended already; it stays, as part of the availability record. */
    ALREADY_ENDED,
    NOT_FOUND
  }

  private final TimeSource time;
  private final Map<String, AdHoc> windows = new LinkedHashMap<>();
  private long nextId = 1;
  private long generation;

  public MaintenanceRegistry(TimeSource time) {
    this.time = time;
  }

  /**
   * Validates and adds a window.
   *
   * @param fleet the configuration its services must be in
   * @param from its start; null for now
   * @throws IllegalArgumentException naming the field, its value and what would be right
   * @throws IllegalStateException when {@value #MAX_WINDOWS} windows are kept already
   */
  public synchronized AdHoc add(
      Fleet fleet, List<String> services, Instant from, Instant to, String reason) {
    Instant now = time.now();
    if (services.isEmpty()) {
      throw new IllegalArgumentException(
          "services was [] but it must name at least one service (GET /api/v1/services lists"
              + " them)");
    }
    for (int i = 0; i < services.size(); i++) {
      if (!fleet.services().containsKey(services.get(i))) {
        throw new IllegalArgumentException(
            "services["
                + i
                + "] was '"
                + services.get(i)
                + "' but it must be a service of the fleet (GET /api/v1/services lists them)");
      }
    }
    Instant start = from == null ? now : from;
    if (to == null) {
      throw new IllegalArgumentException(
          "to was missing but it must be given, as an ISO-8601 UTC instant after from");
    }
    if (!start.isBefore(to)) {
      throw new IllegalArgumentException(
          "from was '" + start + "' but it must be before to '" + to + "'");
    }
    if (start.isBefore(now.minus(START_TOLERANCE))) {
      throw new IllegalArgumentException(
          "from was '"
              + start
              + "' but it must not be in the past (now is "
              + now
              + "): maintenance cannot rewrite availability already measured; leave from out to"
              + " start now");
    }
    if (Duration.between(start, to).compareTo(MAX_LENGTH) > 0) {
      throw new IllegalArgumentException(
          "to was '"
              + to
              + "' but the window must last at most "
              + MAX_LENGTH.toDays()
              + " days; configure recurring maintenance in the fleet instead");
    }
    prune(fleet, now);
    if (windows.size() >= MAX_WINDOWS) {
      throw new IllegalStateException(
          "this coordinator already keeps " + MAX_WINDOWS + " ad hoc windows, the most it allows");
    }
    String id;
    do {
      id = ID_PREFIX + nextId++;
    } while (windows.containsKey(id) || configured(fleet, id));
    AdHoc w =
        new AdHoc(id, List.copyOf(services), start, to, reason == null ? "" : reason, time.now());
    windows.put(id, w);
    generation++;
    return w;
  }

  private static boolean configured(Fleet fleet, String id) {
    return fleet.maintenance().stream().anyMatch(m -> m.id().equals(id));
  }

  private void prune(Fleet fleet, Instant now) {
    Instant horizon = now.minus(fleet.settings().retentionRollup());
    if (windows.values().removeIf(w -> w.to().isBefore(horizon))) {
      generation++;
    }
  }

  /** Deletes a window that has not started, or ends one under way now; see {@link Removal}. */
  public synchronized Removal remove(String id) {
    AdHoc w = windows.get(id);
    if (w == null) {
      return Removal.NOT_FOUND;
    }
    Instant now = time.now();
    if (!w.to().isAfter(now)) {
      return Removal.ALREADY_ENDED;
    }
    generation++;
    if (w.from().isAfter(now)) {
      windows.remove(id);
      return Removal.REMOVED;
    }
    windows.put(id, new AdHoc(w.id(), w.services(), w.from(), now, w.reason(), w.createdAt()));
    return Removal.ENDED_EARLY;
  }

  /** Every window kept, in the order created. */
  public synchronized List<AdHoc> windows() {
    return List.copyOf(windows.values());
  }

  /**
   * {@code raw}'s fleets with the ad hoc windows added to their maintenance (those of services the
   * fleet still has). Cheap: the merged fleet is built once per fleet and change of windows; with
   * no ad hoc windows, the raw fleet is returned as it is.
   *
   * @param raw the configuration as loaded; may return null (so does the overlay then)
   */
  public Supplier<Fleet> overlay(Supplier<Fleet> raw) {
    return new Supplier<>() {
      private Fleet cachedRaw;
      private long cachedGeneration = -1;
      private Fleet cachedMerged;

      @Override
      public Fleet get() {
        Fleet f = raw.get();
        if (f == null) {
          return null;
        }
        synchronized (MaintenanceRegistry.this) {
          if (windows.isEmpty()) {
            return f;
          }
          if (f != cachedRaw || generation != cachedGeneration) {
            cachedMerged = merge(f, windows.values());
            cachedRaw = f;
            cachedGeneration = generation;
          }
          return cachedMerged;
        }
      }
    };
  }

  private static Fleet merge(Fleet f, Iterable<AdHoc> adHoc) {
    List<MaintenanceWindow> maintenance = new ArrayList<>(f.maintenance());
    for (AdHoc w : adHoc) {
      List<String> services = w.services().stream().filter(f.services()::containsKey).toList();
      if (!services.isEmpty()) {
        maintenance.add(
            new MaintenanceWindow(
                w.id(), services, new MaintenanceWindow.Once(w.from(), w.to()), w.reason()));
      }
    }
    return new Fleet(
        f.version(),
        f.locations(),
        f.teams(),
        f.services(),
        f.checks(),
        maintenance,
        f.settings(),
        f.vars(),
        f.warnings());
  }
}
