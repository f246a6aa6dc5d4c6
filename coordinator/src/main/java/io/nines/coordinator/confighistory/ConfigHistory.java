package io.nines.coordinator.confighistory;

import io.nines.availability.report.Lives;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.ConfigVersion;
import io.nines.config.Fleet;
import io.nines.config.FleetDiff;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import io.nines.store.documents.Documents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>At most {@value #MAX_VERSIONS} versions are kept (the oldest are dropped). Durable when given
 * {@link Documents} (kind {@value #KIND}), one document per version under its sequence number: the
 * database's table in a single process, written through; in a cluster the shared map {@code
 * nines.config}, written behind to the database. {@link #load} reads them at start, so the history
 * from before a restart is still listed. In a cluster the members share one history: the first
 * member to notice a new hash records it (under the next sequence number, with compare-and-set),
 * and each member's {@link #observe()} reads the versions others recorded.
 *
 * <p>After a restart the coordinator knows the previous version's hash but not its fleet: a
 * configuration that changed while no coordinator ran is recorded with {@code previous} set and no
 * diff. A restart with the same configuration records nothing.
 *
 * <p>Thread-safe: every method is synchronized but {@link #lives()}, which reads a volatile. {@link
 * #observe()} and {@link #load()} block on the documents and compute a diff (proportional to the
 * fleet's size): call them on a worker. The readers ({@link #newestFirst()}, {@link #find}, {@link
 * #touching}) only read memory.
 */
public final class ConfigHistory {
  public static final int MAX_VERSIONS = 1000;

  /** The documents' kind in the database. */
  public static final String KIND = "config";

  /**
   * One applied version.
   *
   * @param version its hash and when it was loaded
   * @param appliedAt when a coordinator first served it
   * @param previous the hash of the version before; null for the first one recorded
   * @param diff what changed from the previous version; null for the first one recorded, and when
   *     the previous version's fleet was not known (it changed while no coordinator ran)
   * @param changes the diff's changes, each with the services it touches
   * @param born what this version applied for the first time: {@code check:<id>} for a check never
   *     seen before, {@code maintenance:<id>} for a configured window that is new or whose schedule
   *     or services changed; null in versions recorded before this was kept
   * @param windows each configured maintenance window's fingerprint (its services and schedule);
   *     null in versions recorded before this was kept
   */
  public record Version(
      ConfigVersion version,
      Instant appliedAt,
      String previous,
      FleetDiff diff,
      List<Touch> changes,
      List<String> born,
      Map<String, String> windows) {
    public Version {
      changes = List.copyOf(changes);
      born = born == null ? null : List.copyOf(born);
      windows = windows == null ? null : Map.copyOf(windows);
    }

    public Version(
        ConfigVersion version,
        Instant appliedAt,
        String previous,
        FleetDiff diff,
        List<Touch> changes) {
      this(version, appliedAt, previous, diff, changes, null, null);
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
  private final Documents documents;
  private final Deque<Version> versions = new ArrayDeque<>();

  /** The sequence number of the newest version in {@link #versions}; 0 when there is none. */
  private long newestSeq;

  private Fleet lastSeen;

  /** The fleet of the newest version, when this coordinator has seen it; else null. */
  private Fleet lastRecorded;

  /**
   * A history in memory only.
   *
   * @param source the configuration as loaded (without ad hoc maintenance); may return null
   */
  public ConfigHistory(Supplier<Fleet> source, TimeSource time) {
    this(source, time, null);
  }

  /**
   * @param source the configuration as loaded (without ad hoc maintenance); may return null
   * @param documents where versions are kept; null for memory only
   */
  public ConfigHistory(Supplier<Fleet> source, TimeSource time, Documents documents) {
    this.source = source;
    this.time = time;
    this.documents = documents;
  }

  /** Reads the stored versions, replacing what is in memory. Blocking: once at start. */
  public synchronized void load() {
    if (documents == null) {
      return;
    }
    TreeMap<Long, String> bySeq = new TreeMap<>();
    for (Map.Entry<String, String> e : documents.all().entrySet()) {
      bySeq.put(Long.parseLong(e.getKey()), e.getValue());
    }
    versions.clear();
    newestSeq = 0;
    bySeq.forEach(
        (seq, json) -> {
          versions.addFirst(decode(json));
          newestSeq = seq;
        });
    trim();
    lastRecorded = null;
    lastSeen = null;
    refreshLives();
  }

  /**
   * Records the source's fleet as a new version if it is one; see the class comment. Blocking when
   * durable.
   *
   * @throws IllegalStateException when the documents cannot be read or written
   */
  public synchronized void observe() {
    try {
      record();
    } finally {
      refreshLives();
    }
  }

  private void record() {
    catchUp();
    Fleet f = source.get();
    if (f == null || f == lastSeen || f.version() == null) {
      return;
    }
    // lastSeen is set only once the fleet is recorded (or known), so that a failed write is
    // tried again by the next call.
    for (int tries = 0; tries < 10; tries++) {
      Version newest = versions.peekFirst();
      if (newest != null && newest.hash().equals(f.version().hash())) {
        if (lastRecorded == null || !lastRecorded.version().hash().equals(newest.hash())) {
          lastRecorded = f;
        }
        lastSeen = f;
        return;
      }
      boolean known =
          newest != null
              && lastRecorded != null
              && lastRecorded.version().hash().equals(newest.hash());
      FleetDiff diff = known ? FleetDiff.between(lastRecorded, f) : null;
      List<Touch> touches = new ArrayList<>();
      if (diff != null) {
        for (FleetDiff.Change c : diff.changes()) {
          touches.add(new Touch(c, touched(c, lastRecorded, f)));
        }
      }
      Map<String, String> windows = fingerprints(f);
      Version v =
          new Version(
              f.version(),
              time.now(),
              newest == null ? null : newest.hash(),
              diff,
              touches,
              born(f, windows, diff),
              windows);
      long seq = newestSeq + 1;
      if (documents == null || documents.putIfAbsent(key(seq), encode(v))) {
        versions.addFirst(v);
        newestSeq = seq;
        lastRecorded = f;
        lastSeen = f;
        if (documents != null && seq > MAX_VERSIONS) {
          documents.remove(key(seq - MAX_VERSIONS));
        }
        trim();
        return;
      }
      // Another member recorded a version under that number first: read it, and decide again.
      catchUp();
    }
    throw new IllegalStateException(
        "configuration version "
            + f.version().shortHash()
            + ": 10 concurrent records in a row (expected: members agreeing within a few tries)");
  }

  /** Reads the versions other members recorded since this one last looked. */
  private void catchUp() {
    if (documents == null) {
      return;
    }
    String json;
    while ((json = documents.get(key(newestSeq + 1))) != null) {
      versions.addFirst(decode(json));
      newestSeq++;
    }
    trim();
  }

  private void trim() {
    while (versions.size() > MAX_VERSIONS) {
      versions.removeLast();
    }
  }

  /** A version's document key: its sequence number, zero-padded so keys sort as numbers. */
  static String key(long seq) {
    return String.format(Locale.ROOT, "%019d", seq);
  }

  /** A version as its document keeps it: the API's form, plus the services each change touches. */
  static String encode(Version v) {
    JsonArray touches = new JsonArray();
    for (Touch t : v.changes()) {
      touches.add(change(t.change()).put("services", new JsonArray(new ArrayList<>(t.services()))));
    }
    return new JsonObject()
        .put("hash", v.hash())
        .put("loadedAt", v.version().loadedAt().toString())
        .put("appliedAt", v.appliedAt().toString())
        .put("previous", v.previous())
        .put("diff", v.diff() == null ? null : new JsonObject().put("from", v.diff().from()))
        .put("changes", touches)
        .put("born", v.born() == null ? null : new JsonArray(v.born()))
        .put("windows", v.windows() == null ? null : new JsonObject(Map.copyOf(v.windows())))
        .encode();
  }

  private static JsonObject change(FleetDiff.Change c) {
    JsonArray fields = new JsonArray();
    for (FleetDiff.FieldChange f : c.fields()) {
      fields.add(
          new JsonObject()
              .put("field", f.field())
              .put("before", f.before())
              .put("after", f.after()));
    }
    return new JsonObject()
        .put("op", c.op().name())
        .put("kind", c.kind())
        .put("id", c.id())
        .put("fields", fields);
  }

  static Version decode(String json) {
    JsonObject j = new JsonObject(json);
    List<Touch> touches = new ArrayList<>();
    List<FleetDiff.Change> changes = new ArrayList<>();
    for (Object o : j.getJsonArray("changes")) {
      JsonObject c = (JsonObject) o;
      List<FleetDiff.FieldChange> fields = new ArrayList<>();
      for (Object fo : c.getJsonArray("fields")) {
        JsonObject f = (JsonObject) fo;
        fields.add(
            new FleetDiff.FieldChange(
                f.getString("field"), f.getString("before"), f.getString("after")));
      }
      FleetDiff.Change change =
          new FleetDiff.Change(
              FleetDiff.Op.valueOf(c.getString("op")),
              c.getString("kind"),
              c.getString("id"),
              fields);
      changes.add(change);
      Set<String> services = new LinkedHashSet<>();
      c.getJsonArray("services").forEach(s -> services.add((String) s));
      touches.add(new Touch(change, services));
    }
    String hash = j.getString("hash");
    JsonObject diff = j.getJsonObject("diff");
    JsonArray bornJson = j.getJsonArray("born");
    List<String> born = null;
    if (bornJson != null) {
      born = new ArrayList<>();
      for (Object o : bornJson) {
        born.add((String) o);
      }
    }
    JsonObject windowsJson = j.getJsonObject("windows");
    Map<String, String> windows = null;
    if (windowsJson != null) {
      windows = new HashMap<>();
      for (String id : windowsJson.fieldNames()) {
        windows.put(id, windowsJson.getString(id));
      }
    }
    return new Version(
        new ConfigVersion(hash, Instant.parse(j.getString("loadedAt"))),
        Instant.parse(j.getString("appliedAt")),
        j.getString("previous"),
        diff == null ? null : new FleetDiff(diff.getString("from"), hash, changes),
        touches,
        born,
        windows);
  }

  // ---- lives ----

  private static final String CHECK = "check:";
  private static final String MAINTENANCE = "maintenance:";

  /**
   * What {@code f} applies for the first time: its checks never applied before, and its windows
   * that are new or changed since the newest recorded fingerprint. With the previous fleet known,
   * its diff says; after a restart, the births recorded so far do.
   *
   * @param diff from the newest recorded version to {@code f}; null when that fleet is not known
   */
  private List<String> born(Fleet f, Map<String, String> windows, FleetDiff diff) {
    Set<String> added = new HashSet<>();
    Set<String> changedWindows = new HashSet<>();
    if (diff != null) {
      for (FleetDiff.Change c : diff.changes()) {
        if (c.kind().equals("check") && c.op() == FleetDiff.Op.ADDED) {
          added.add(c.id());
        } else if (c.kind().equals("maintenance") && c.op() != FleetDiff.Op.REMOVED) {
          changedWindows.add(c.id());
        }
      }
    }
    Set<String> explicit = explicitChecks();
    Version oldest = versions.peekLast();
    // Births are complete when every version since the first one recorded them.
    boolean complete = oldest != null && oldest.born() != null && newestSeq <= MAX_VERSIONS;
    Map<String, String> previous = newestFingerprints();
    List<String> out = new ArrayList<>();
    for (Check c : f.checks()) {
      boolean isNew;
      if (versions.isEmpty()) {
        isNew = true;
      } else if (diff != null) {
        isNew = added.contains(c.id()) && !explicit.contains(c.id());
      } else {
        isNew = complete && !explicit.contains(c.id());
      }
      if (isNew) {
        out.add(CHECK + c.id());
      }
    }
    windows.forEach(
        (id, fp) -> {
          boolean isNew;
          if (versions.isEmpty()) {
            isNew = true;
          } else if (previous != null) {
            isNew = !fp.equals(previous.get(id));
          } else {
            isNew = changedWindows.contains(id);
          }
          if (isNew) {
            out.add(MAINTENANCE + id);
          }
        });
    return out;
  }

  /** The checks some kept version says it applied first (by its births or its diff). */
  private Set<String> explicitChecks() {
    Set<String> out = new HashSet<>();
    for (Version v : versions) {
      if (v.born() != null) {
        v.born().stream()
            .filter(k -> k.startsWith(CHECK))
            .forEach(k -> out.add(k.substring(CHECK.length())));
      } else if (v.diff() != null) {
        v.diff().changes().stream()
            .filter(c -> c.kind().equals("check") && c.op() == FleetDiff.Op.ADDED)
            .forEach(c -> out.add(c.id()));
      }
    }
    return out;
  }

  /** The newest version's fingerprints, or null when no version kept any. */
  private Map<String, String> newestFingerprints() {
    for (Version v : versions) {
      if (v.windows() != null) {
        return v.windows();
      }
    }
    return null;
  }

  /** Each configured maintenance window's fingerprint: a hash of its services and schedule. */
  static Map<String, String> fingerprints(Fleet f) {
    Map<String, String> out = new HashMap<>();
    for (MaintenanceWindow w : f.maintenance()) {
      out.put(w.id(), fingerprint(w.services() + " " + w.schedule()));
    }
    return out;
  }

  private static String fingerprint(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private volatile Lives lives = Lives.NONE;
  private Fleet livesFleet;
  private long livesSeq = -1;

  /** Recomputes {@link #lives()} when a version was recorded or the fleet was reloaded. */
  private void refreshLives() {
    Fleet f = source.get();
    if (f == null || (f == livesFleet && newestSeq == livesSeq)) {
      return;
    }
    lives = lives(f);
    livesFleet = f;
    livesSeq = newestSeq;
  }

  /**
   * The lives of the configured fleet's checks and maintenance windows, by the versions kept: a
   * check's life starts with the oldest version that applied it, a window applies from the newest
   * version that (re)defined it. What the history cannot place (versions recorded before births
   * were kept and whose diff is unknown, or versions dropped past {@value #MAX_VERSIONS}) dates
   * from the oldest version kept. With no version at all, nothing is known ({@link Lives#NONE}).
   *
   * <p>Never blocks: it answers what {@link #load()} and {@link #observe()} last computed, so that
   * an event loop may call it.
   */
  public Lives lives() {
    return lives;
  }

  private Lives lives(Fleet f) {
    if (versions.isEmpty()) {
      return Lives.NONE;
    }
    Map<String, Instant> checks = new HashMap<>();
    Map<String, Instant> windows = new HashMap<>();
    Instant oldest = null;
    for (Iterator<Version> it = versions.descendingIterator(); it.hasNext(); ) {
      Version v = it.next();
      Instant at = v.appliedAt();
      if (oldest == null) {
        oldest = at;
      }
      if (v.born() != null) {
        for (String key : v.born()) {
          if (key.startsWith(CHECK)) {
            checks.putIfAbsent(key.substring(CHECK.length()), at);
          } else if (key.startsWith(MAINTENANCE)) {
            windows.put(key.substring(MAINTENANCE.length()), at);
          }
        }
      } else if (v.diff() != null) {
        for (FleetDiff.Change c : v.diff().changes()) {
          if (c.kind().equals("check") && c.op() == FleetDiff.Op.ADDED) {
            checks.putIfAbsent(c.id(), at);
          } else if (c.kind().equals("maintenance") && c.op() != FleetDiff.Op.REMOVED) {
            windows.put(c.id(), at);
          }
        }
      }
    }
    Map<String, Instant> checkLives = new HashMap<>();
    for (Check c : f.checks()) {
      checkLives.put(c.id(), checks.getOrDefault(c.id(), oldest));
    }
    Map<String, Instant> windowLives = new HashMap<>();
    for (MaintenanceWindow w : f.maintenance()) {
      windowLives.put(w.id(), windows.getOrDefault(w.id(), oldest));
    }
    return new Lives(checkLives, windowLives);
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
