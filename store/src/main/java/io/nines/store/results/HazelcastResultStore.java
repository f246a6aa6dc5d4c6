package io.nines.store.results;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.spi.exception.RetryableException;
import io.nines.availability.Timeline;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.checklog.ApplyBatch;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.CheckLogMergePolicy;
import io.nines.store.checklog.CheckRules;
import io.nines.store.checklog.CountResults;
import io.nines.store.checklog.HistorySlice;
import io.nines.store.checklog.HistorySlices;
import io.nines.store.checklog.HotRead;
import io.nines.store.checklog.ReadCheck;
import io.nines.store.checklog.ResultList;
import io.nines.store.checklog.Serializers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link ResultStore} in a Hazelcast cluster: one entry per check in the map {@value #MAP_NAME},
 * keyed by check id, so a check's results and its evaluation live in one partition.
 *
 * <p><b>Writes.</b> {@link #append} splits the results by check and applies each share with {@code
 * submitToKey(checkId, ApplyBatch)}: the entry processor runs on the partition's owner, one at a
 * time per partition, and decides everything there (duplicates, refusals, retention, the
 * evaluation). Its backup step replays that decision on the synchronous backup ({@link
 * #configure}'s {@code backupCount}); {@code submitToKey} completes after the backup acknowledged,
 * and the returned future completes after every share did. So when the agent hears "accepted",
 * losing any one member loses nothing. A failed share fails the whole future; shares that did apply
 * are duplicates when the agent sends the batch again.
 *
 * <p><b>Reads</b> run on the owner too (read-only processors), so any member answers any request
 * with what was acknowledged, and only the slice asked for travels.
 *
 * <p><b>Threads.</b> Nothing blocks the caller except {@link #size()}'s aggregation, which runs on
 * a Vert.x worker. Futures complete on the Vert.x context that was current when the method was
 * called (an event loop's, for a request handler), via {@link Future#fromCompletionStage(
 * CompletionStage, Context)}. Cluster failures come as {@link StoreUnavailableException}.
 */
public final class HazelcastResultStore implements ResultStore {

  /** The map of checks: check id to its results, consumed sequences and last evaluation. */
  public static final String MAP_NAME = "nines.checks";

  private final HazelcastInstance hazelcast;
  private final Vertx vertx;
  private final IMap<String, CheckLog> checks;

  /**
   * @param hazelcast a member whose configuration went through {@link #configure}
   * @param vertx where futures complete and {@link #size()} finds a worker
   */
  public HazelcastResultStore(HazelcastInstance hazelcast, Vertx vertx) {
    this.hazelcast = Checks.notNull(hazelcast, "hazelcast");
    this.vertx = Checks.notNull(vertx, "vertx");
    Checks.checkArgument(
        hazelcast.getConfig().getMapConfigOrNull(MAP_NAME) != null,
        "hazelcast: its configuration has no map '%s' (expected: a configuration passed through"
            + " HazelcastResultStore.configure)",
        MAP_NAME);
    this.checks = hazelcast.getMap(MAP_NAME);
  }

  /**
   * Adds what this store needs to a member's configuration: the checks map with {@code backupCount}
   * synchronous backups, values held as objects (so a batch does not deserialize the check's whole
   * history), the split-brain merge policy that unites both sides' results, the Compact
   * serializers, and a Java-serialization filter that refuses every {@code io.nines} class.
   *
   * @param backupCount synchronous backups of each check, 1 to 6; with {@code n}, losing any {@code
   *     n} members at once loses nothing
   * @return {@code config}
   */
  public static Config configure(Config config, int backupCount) {
    return configure(config, backupCount, null);
  }

  /**
   * {@link #configure(Config, int)} with a durable store behind the checks map: {@code mapStore}
   * (from {@code Database.mapStoreConfig()}) writes every change behind, and loads the stored
   * checks when the map is first used. Each change is then also recorded in its check's log until
   * the store has written it (on backups, for {@link ApplyBatch#BACKUP_PENDING_WINDOW}).
   *
   * @param mapStore the checks map's store, or null for none (memory only)
   */
  public static Config configure(Config config, int backupCount, MapStoreConfig mapStore) {
    Checks.notNull(config, "config");
    Checks.checkArgument(
        backupCount >= 1 && backupCount <= 6,
        "backupCount: %s (expected: 1 to 6; results are acknowledged once backed up)",
        backupCount);
    MapConfig checks =
        new MapConfig(MAP_NAME)
            .setBackupCount(backupCount)
            .setAsyncBackupCount(0)
            .setReadBackupData(false)
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setMergePolicyConfig(
                new MergePolicyConfig(
                    CheckLogMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
    if (mapStore != null) {
      checks.setMapStoreConfig(mapStore);
      config.getUserContext().put(ApplyBatch.DURABLE_KEY, Boolean.TRUE);
    }
    config.addMapConfig(checks);
    for (CompactSerializer<?> s : Serializers.all()) {
      config.getSerializationConfig().getCompactSerializationConfig().addSerializer(s);
    }
    config
        .getSerializationConfig()
        .setJavaSerializationFilterConfig(
            new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true)
                .setBlacklist(new ClassFilter().addPrefixes("io.nines.")));
    config.getUserContext().putIfAbsent(ApplyBatch.EVALUATIONS_KEY, new LongAdder());
    return config;
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Checks.notNull(fleet, "fleet");
    Checks.notNull(now, "now");
    Context context = vertx.getOrCreateContext();
    Duration skew = Duration.ofMillis(MAX_CLOCK_SKEW_MILLIS);
    Batches batches = Batches.split(results, fleet);
    List<Future<AppendOutcome>> shares = new ArrayList<>(batches.byCheck.size());
    batches.byCheck.forEach(
        (checkId, ofCheck) -> {
          CheckRules rules = CheckRules.of(batches.checks.get(checkId), fleet.settings(), skew);
          shares.add(submit(checkId, new ApplyBatch(ofCheck, rules, now), context));
        });
    return Future.all(shares)
        .map(
            all -> {
              Batches.Combiner outcome = batches.combiner();
              shares.forEach(f -> outcome.add(f.result()));
              return outcome.result();
            });
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    Context context = vertx.getOrCreateContext();
    return submit(checkId, ReadCheck.between(from, to), context)
        .map(
            read -> {
              Map<String, List<ProbeResult>> byLocation = new LinkedHashMap<>();
              for (ProbeResult r : ((ResultList) read).results()) {
                byLocation.computeIfAbsent(r.location(), l -> new ArrayList<>()).add(r);
              }
              byLocation.replaceAll((l, rs) -> List.copyOf(rs));
              return byLocation;
            });
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    Checks.notNull(span, "span");
    Context context = vertx.getOrCreateContext();
    return submit(checkId, ReadCheck.history(span.start(), span.end()), context)
        .map(
            read -> {
              Map<String, Timeline> out = new LinkedHashMap<>();
              for (HistorySlice slice : ((HistorySlices) read).slices()) {
                out.put(slice.location(), Timeline.of(span, slice.intervals()));
              }
              return out;
            });
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    Context context = vertx.getOrCreateContext();
    return submit(checkId, ReadCheck.recent(limit), context)
        .map(read -> ((ResultList) read).results());
  }

  /**
   * Reads a check's hot part on its owner ({@link ReadCheck#hot}), for a read layer that merges it
   * with what a database holds ({@link TieredResultStore}).
   */
  public Future<HotRead> read(String checkId, ReadCheck read) {
    Checks.notNull(read, "read");
    Context context = vertx.getOrCreateContext();
    return submit(checkId, read, context).map(r -> (HotRead) r);
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    Context context = vertx.getOrCreateContext();
    return submit(checkId, ReadCheck.evaluation(), context)
        .map(read -> Optional.ofNullable((Evaluation) read));
  }

  @Override
  public Future<Long> size() {
    return vertx
        .getOrCreateContext()
        .<Long>executeBlocking(() -> checks.aggregate(new CountResults()), false)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * How many evaluations this member has made since it started: those of the checks whose
   * partitions it owned when their batches arrived. Summed over the members, it equals the sum of
   * the checks' {@link Evaluation#count()}s unless a member died between evaluating and handing the
   * result to its backup (then the batch is evaluated again by the new owner, and only that
   * evaluation is kept).
   */
  public long evaluationsOnThisMember() {
    Object counter = hazelcast.getUserContext().get(ApplyBatch.EVALUATIONS_KEY);
    return counter instanceof LongAdder adder ? adder.sum() : 0;
  }

  /** The member this store talks through. */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * {@code submitToKey}, bridged to {@code context}. A member that has stopped throws at once
   * rather than failing the stage; both come back as a failed future.
   */
  private <R> Future<R> submit(
      String checkId, EntryProcessor<String, CheckLog, R> processor, Context context) {
    CompletionStage<R> stage;
    try {
      stage = checks.submitToKey(checkId, processor);
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return Future.fromCompletionStage(stage, context)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * A failure of the cluster (a member left or shut down, a timeout, a partition without an owner)
   * becomes a {@link StoreUnavailableException}; anything else, a bug, stays what it is.
   */
  static Throwable translate(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null
        && !(t instanceof MemberLeftException)) {
      t = t.getCause();
    }
    boolean clusterFailure =
        (t instanceof HazelcastException && !(t instanceof HazelcastSerializationException))
            || t instanceof HazelcastInstanceNotActiveException
            || t instanceof MemberLeftException
            || t instanceof RetryableException
            || t instanceof TimeoutException;
    if (!clusterFailure) {
      return t;
    }
    return new StoreUnavailableException(
        "the cluster could not answer ("
            + t.getClass().getSimpleName()
            + ": "
            + t.getMessage()
            + ")",
        t);
  }
}
