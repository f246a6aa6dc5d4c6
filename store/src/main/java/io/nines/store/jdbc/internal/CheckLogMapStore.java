package io.nines.store.jdbc.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapLoaderLifecycleSupport;
import com.hazelcast.map.MapStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.PendingChange;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checks map's durable store: Hazelcast calls it on its own threads, write-behind for writes
 * (its one write-behind thread per member) and on partition threads for loads.
 *
 * <p><b>Writes come from the pending changes, not from the log.</b> With the map's values held as
 * objects, Hazelcast hands {@link #store} the live {@link CheckLog}, which the partition thread may
 * be changing at that moment. So the store never reads the log's results: it drains the log's
 * {@link PendingChange}s (immutable, behind the log's own small lock) and writes those, in one
 * transaction. If the write fails, the changes go back into the log and the exception goes to
 * Hazelcast, which tries again later. Writes are idempotent, so a change written twice (a retry, a
 * promoted backup) changes nothing.
 *
 * <p><b>Loads</b> rebuild a check's log from the database. Loading is lazy: the first operation on
 * the map (on any member) loads every stored check, partition by partition ({@link #loadAllKeys}
 * then {@link #loadAll}); a later miss loads one key.
 *
 * <p>Meters: {@code nines.store.writebehind.lag} (gauge, seconds: how long the oldest change of the
 * last write had waited), {@code nines.store.writebehind.queue} (gauge: checks with unwritten
 * changes on this member) and {@code nines.store.write} (timer: each write to the database).
 */
public final class CheckLogMapStore
    implements MapStore<String, CheckLog>, MapLoaderLifecycleSupport {
  private final CheckRepository repository;
  private final TimeSource timeSource;
  private final AtomicLong lagMillis = new AtomicLong();
  private final Timer writes;
  private final MeterRegistry registry;
  private volatile HazelcastInstance hazelcast;
  private volatile String mapName;
  private volatile IMap<String, CheckLog> map;

  public CheckLogMapStore(
      CheckRepository repository, TimeSource timeSource, MeterRegistry registry) {
    this.repository = Checks.notNull(repository, "repository");
    this.timeSource = Checks.notNull(timeSource, "timeSource");
    this.registry = Checks.notNull(registry, "registry");
    this.writes =
        Timer.builder("nines.store.write")
            .description("Writes of checks' changes to the database")
            .register(registry);
    Gauge.builder("nines.store.writebehind.lag", lagMillis, l -> l.get() / 1000.0)
        .description("How long the oldest change of the last write-behind batch had waited")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void init(HazelcastInstance hazelcast, Properties properties, String mapName) {
    Gauge.builder("nines.store.writebehind.queue", this, CheckLogMapStore::dirtyEntries)
        .description("Checks on this member with changes not yet written to the database")
        .strongReference(true)
        .register(registry);
    // The map is looked up when first measured: it is being created while this runs.
    this.hazelcast = hazelcast;
    this.mapName = mapName;
  }

  /** Entries of the map on this member whose changes wait for the write-behind thread. */
  private double dirtyEntries() {
    try {
      IMap<String, CheckLog> m = map;
      HazelcastInstance h = hazelcast;
      if (m == null && h != null && h.getLifecycleService().isRunning()) {
        m = h.getMap(mapName);
        map = m;
      }
      return m == null ? 0 : m.getLocalMapStats().getDirtyEntryCount();
    } catch (RuntimeException stopped) {
      return 0;
    }
  }

  @Override
  public void destroy() {
    // The database belongs to whoever opened it.
  }

  @Override
  public void store(String key, CheckLog value) {
    write(List.of(value));
  }

  @Override
  public void storeAll(Map<String, CheckLog> entries) {
    write(entries.values());
  }

  private void write(Collection<CheckLog> logs) {
    List<CheckLog> drained = new ArrayList<>(logs.size());
    List<List<PendingChange>> taken = new ArrayList<>(logs.size());
    List<PendingChange> all = new ArrayList<>();
    for (CheckLog log : logs) {
      List<PendingChange> changes = log.journal().drain();
      if (!changes.isEmpty()) {
        drained.add(log);
        taken.add(changes);
        all.addAll(changes);
      }
    }
    if (all.isEmpty()) {
      return;
    }
    long started = timeSource.monotonicNanos();
    try {
      repository.write(all);
    } catch (SQLException | RuntimeException e) {
      for (int i = 0; i < drained.size(); i++) {
        drained.get(i).journal().restore(taken.get(i));
      }
      throw new IllegalStateException(
          "writing " + all.size() + " change(s) of the checks map to the database failed", e);
    } finally {
      writes.record(timeSource.monotonicNanos() - started, TimeUnit.NANOSECONDS);
    }
    Instant oldest = all.get(0).at();
    for (PendingChange p : all) {
      if (p.at().isBefore(oldest)) {
        oldest = p.at();
      }
    }
    lagMillis.set(Math.max(0, Duration.between(oldest, timeSource.now()).toMillis()));
  }

  @Override
  public void delete(String key) {
    deleteAll(List.of(key));
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    try {
      repository.delete(keys);
    } catch (SQLException e) {
      throw new IllegalStateException("deleting " + keys.size() + " check(s) failed", e);
    }
  }

  @Override
  public CheckLog load(String key) {
    try {
      return repository.load(key);
    } catch (SQLException e) {
      throw new IllegalStateException("loading check '" + key + "' from the database failed", e);
    }
  }

  @Override
  public Map<String, CheckLog> loadAll(Collection<String> keys) {
    try {
      return repository.loadAll(keys);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "loading " + keys.size() + " check(s) from the database failed", e);
    }
  }

  @Override
  public Iterable<String> loadAllKeys() {
    try {
      return repository.checkIds();
    } catch (SQLException e) {
      throw new IllegalStateException("listing the stored checks failed", e);
    }
  }
}
