package io.nines.coordinator.maintenance;

import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.store.StoreUnavailableException;
import io.nines.store.documents.Documents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * <p>Durable when given {@link Documents} (kind {@value #KIND}): in a single process the database's
 * table, written through; in a cluster the shared map {@code nines.maintenance}, written behind to
 * the database, whose changes every member applies to its own view through {@link #applied} (an
 * entry listener). {@link #load} reads them when the coordinator starts. Without documents they
 * live in this process's memory only.
 *
 * <p>{@link #add}, {@link #remove} and {@link #load} block on the documents: call them on a worker.
 * The view ({@link #windows}, {@link #overlay}) is memory and never blocks on I/O. Thread-safe.
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

  /** The documents' kind in the database. */
  public static final String KIND = "maintenance";

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
  private final Documents documents;
  private final Map<String, AdHoc> windows = new LinkedHashMap<>();
  private long nextId = 1;
  private long generation;

  /** Windows in memory only. */
  public MaintenanceRegistry(TimeSource time) {
    this(time, null);
  }

  /**
   * @param documents where the windows are kept; null for memory only
   */
  public MaintenanceRegistry(TimeSource time, Documents documents) {
    this.time = time;
    this.documents = documents;
  }

  /**
   * Reads the stored windows into the view, replacing it. Blocking; call once at start, on a worker
   * (in a cluster after the entry listener is registered, so no change is missed).
   */
  public void load() {
    if (documents == null) {
      return;
    }
    List<AdHoc> loaded = new ArrayList<>();
    for (String json : stored(() -> documents.all(), "reading them").values()) {
      loaded.add(decode(json));
    }
    loaded.sort(Comparator.comparing(AdHoc::createdAt).thenComparing(AdHoc::id));
    synchronized (this) {
      windows.clear();
      loaded.forEach(w -> windows.put(w.id(), w));
      generation++;
    }
  }

  /**
   * Applies a change another member made (or this one: applying twice is harmless) to the view.
   *
   * @param json the window's document, or null when it was deleted
   */
  public synchronized void applied(String id, String json) {
    if (json == null) {
      windows.remove(id);
    } else {
      windows.put(id, decode(json));
    }
    generation++;
  }

  private <T> T stored(Supplier<T> io, String doing) {
    try {
      return io.get();
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(
          "the ad hoc maintenance windows could not be stored ("
              + doing
              + "): "
              + e.getMessage()
              + "; retry shortly",
          e);
    }
  }

  /**
   * Validates and adds a window.
   *
   * @param fleet the configuration its services must be in
   * @param from its start; null for now
   * @throws IllegalArgumentException naming the field, its value and what would be right
   * @throws IllegalStateException when {@value #MAX_WINDOWS} windows are kept already
   * @throws StoreUnavailableException when the documents could not be written; nothing was added
   */
  public AdHoc add(Fleet fleet, List<String> services, Instant from, Instant to, String reason) {
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
    for (int tries = 0; ; tries++) {
      AdHoc w;
      synchronized (this) {
        if (windows.size() >= MAX_WINDOWS) {
          throw new IllegalStateException(
              "this coordinator already keeps "
                  + MAX_WINDOWS
                  + " ad hoc windows, the most it allows");
        }
        String id;
        do {
          id = ID_PREFIX + nextId++;
        } while (windows.containsKey(id) || configured(fleet, id));
        w = new AdHoc(id, List.copyOf(services), start, to, reason == null ? "" : reason, now);
      }
      String json = encode(w);
      // Another member may have taken the id meanwhile: its window arrives through applied().
      if (documents == null
          || stored(() -> documents.putIfAbsent(w.id(), json), "adding " + w.id())) {
        synchronized (this) {
          windows.put(w.id(), w);
          generation++;
        }
        return w;
      }
      if (tries >= 100) {
        throw new StoreUnavailableException(
            "no free ad hoc maintenance window id after 100 tries; retry shortly", null);
      }
    }
  }

  private static boolean configured(Fleet fleet, String id) {
    return fleet.maintenance().stream().anyMatch(m -> m.id().equals(id));
  }

  /** Forgets the windows that ended before the fleet's roll-up retention. */
  private void prune(Fleet fleet, Instant now) {
    Instant horizon = now.minus(fleet.settings().retentionRollup());
    List<String> old;
    synchronized (this) {
      old = windows.values().stream().filter(w -> w.to().isBefore(horizon)).map(AdHoc::id).toList();
    }
    for (String id : old) {
      forget(id);
    }
  }

  /** Deletes window {@code id} from the documents (first), then from memory. */
  private void forget(String id) {
    if (documents != null) {
      stored(
          () -> {
            documents.remove(id);
            return null;
          },
          "deleting " + id);
    }
    synchronized (this) {
      windows.remove(id);
      generation++;
    }
  }

  /**
   * Deletes a window that has not started, or ends one under way now; see {@link Removal}.
   *
   * @throws StoreUnavailableException when the documents could not be written; nothing changed
   */
  public Removal remove(String id) {
    AdHoc w;
    Instant now = time.now();
    synchronized (this) {
      w = windows.get(id);
    }
    if (w == null) {
      return Removal.NOT_FOUND;
    }
    if (!w.to().isAfter(now)) {
      return Removal.ALREADY_ENDED;
    }
    if (w.from().isAfter(now)) {
      forget(id);
      return Removal.REMOVED;
    }
    AdHoc ended = new AdHoc(w.id(), w.services(), w.from(), now, w.reason(), w.createdAt());
    if (documents != null) {
      String json = encode(ended);
      stored(
          () -> {
            documents.put(id, json);
            return null;
          },
          "ending " + id);
    }
    synchronized (this) {
      windows.put(id, ended);
      generation++;
    }
    return Removal.ENDED_EARLY;
  }

  /** A window as its document keeps it. */
  static String encode(AdHoc w) {
    return new JsonObject()
        .put("id", w.id())
        .put("services", new JsonArray(w.services()))
        .put("from", w.from().toString())
        .put("to", w.to().toString())
        .put("reason", w.reason())
        .put("createdAt", w.createdAt().toString())
        .encode();
  }

  static AdHoc decode(String json) {
    JsonObject j = new JsonObject(json);
    List<String> services = new ArrayList<>();
    j.getJsonArray("services").forEach(s -> services.add((String) s));
    return new AdHoc(
        j.getString("id"),
        services,
        Instant.parse(j.getString("from")),
        Instant.parse(j.getString("to")),
        j.getString("reason"),
        Instant.parse(j.getString("createdAt")));
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
