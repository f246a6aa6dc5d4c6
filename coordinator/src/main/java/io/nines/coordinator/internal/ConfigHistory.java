package io.nines.coordinator.internal;

import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.ConfigVersion;
import io.nines.config.Fleet;
import io.nines.config.FleetDiff;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The configuration versions this coordinator has applied, newest first, each with what changed
 * from the one before ({@link FleetDiff}), so that an outage can be read next to the change that
 * preceded it.
 *
 * <p>{@link #observe()} looks at the fleet supplier: a different {@link Fleet} object whose version
 * hash differs from the newest recorded one becomes a new version, applied now. The coordinator
 * calls it on a timer and before answering the configuration endpoints. A reload of identical files
 * (same hash) is not a new version. Fleets without a version are ignored.
 *
 * <p>In memory, at most {@value #MAX_VERSIONS} versions (the oldest are dropped); lost on restart
 * until the durable store keeps them. Thread-safe: every method is synchronized, and {@link
 * #observe()} computes a diff (proportional to the fleet's size), so call it off the event loop for
 * large fleets.
 */
public final class ConfigHistory {
  public static final int MAX_VERSIONS = 1000;

  /**
   * One applied version.
   *
   * @param version its hash and when it was loaded
   * @param appliedAt when this coordinator first served it
   * @param diff what changed from the previous version; null for the first one this coordinator saw
   * @param changes the diff's changes, each with the services it touches
   */
  public record Version(
      ConfigVersion version, Instant appliedAt, FleetDiff diff, List<Touch> changes) {
    public Version {
      changes = List.copyOf(changes);
    }

    public String hash() {
      return version.hash();
    }

    /** The changes that touch {@code serviceId}, in the diff's order. */
    public List<FleetDiff.Change> touching(String serviceId) {
      return changes.stream()
          .filter(t -> t.services().contains(serviceId))
          .map(Touch::change)
          .toList();
    }
  }

  /**
   * A change and the services it touches: a service's own change; a check's, for its service; a
   * maintenance window's, for its services; a team's, for the services it owns; a settings change
   * (tier targets, retention), for every service.
   */
  public record Touch(FleetDiff.Change change, Set<String> services) {
    public Touch {
      services = Set.copyOf(services);
    }
  }

  private final Supplier<Fleet> source;
  private final TimeSource time;
  private final Deque<Version> versions = new ArrayDeque<>();
  private Fleet lastSeen;
  private Fleet lastRecorded;

  /**
   * @param source the configuration as loaded (without ad hoc maintenance); may return null
   */
  public ConfigHistory(Supplier<Fleet> source, TimeSource time) {
    this.source = source;
    this.time = time;
  }

  /** Records the source's fleet as a new version if it is one; see the class comment. */
  public synchronized void observe() {
    Fleet f = source.get();
    if (f == null || f == lastSeen || f.version() == null) {
      return;
    }
    lastSeen = f;
    if (lastRecorded != null && lastRecorded.version().hash().equals(f.version().hash())) {
      return;
    }
    FleetDiff diff = lastRecorded == null ? null : FleetDiff.between(lastRecorded, f);
    List<Touch> touches = new ArrayList<>();
    if (diff != null) {
      for (FleetDiff.Change c : diff.changes()) {
        touches.add(new Touch(c, touched(c, lastRecorded, f)));
      }
    }
    versions.addFirst(new Version(f.version(), time.now(), diff, touches));
    while (versions.size() > MAX_VERSIONS) {
      versions.removeLast();
    }
    lastRecorded = f;
  }

  /** Every version kept, newest first. */
  public synchronized List<Version> newestFirst() {
    return List.copyOf(versions);
  }

  /**
   * The newest version with {@code hash}, or whose hash starts with it (at least 6 characters). A
   * configuration that was reverted to appears once per time it was applied; the newest is found.
   *
   * @throws IllegalArgumentException when a prefix matches more than one hash
   */
  public synchronized Optional<Version> find(String hash) {
    Optional<Version> exact = versions.stream().filter(v -> v.hash().equals(hash)).findFirst();
    if (exact.isPresent() || hash.length() < 6) {
      return exact;
    }
    List<Version> found = versions.stream().filter(v -> v.hash().startsWith(hash)).toList();
    long hashes = found.stream().map(Version::hash).distinct().count();
    if (hashes > 1) {
      throw new IllegalArgumentException(
          "hash was '" + hash + "' but it starts " + hashes + " versions' hashes; give more of it");
    }
    return found.stream().findFirst();
  }

  /**
   * The versions applied in {@code window} that touch {@code serviceId}, newest first. The first
   * version (no diff) touches nothing.
   */
  public synchronized List<Version> touching(String serviceId, TimeRange window) {
    return versions.stream()
        .filter(v -> window.contains(v.appliedAt()))
        .filter(v -> !v.touching(serviceId).isEmpty())
        .toList();
  }

  static Set<String> touched(FleetDiff.Change c, Fleet old, Fleet now) {
    Set<String> out = new LinkedHashSet<>();
    for (Fleet f : List.of(old, now)) {
      switch (c.kind()) {
        case "service" -> {
          if (f.services().containsKey(c.id())) {
            out.add(c.id());
          }
        }
        case "check" -> f.check(c.id()).ifPresent(check -> out.add(check.service()));
        case "maintenance" -> {
          for (MaintenanceWindow w : f.maintenance()) {
            if (w.id().equals(c.id())) {
              out.addAll(w.services());
            }
          }
        }
        case "team" -> {
          for (Service s : f.services().values()) {
            if (s.owners().contains(c.id())) {
              out.add(s.id());
            }
          }
        }
        case "settings" -> out.addAll(f.services().keySet());
        default -> {
          // Locations and variables reach services through their checks, whose own changes show.
        }
      }
    }
    return out;
  }
}
